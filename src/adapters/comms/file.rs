//! A file channel: messages appended one after another, each under a line
//! naming its key, so that a message already there (sent before a crash
//! cut off its outcome) is not appended twice.

use std::io::Write;
use std::path::Path;

use crate::domain::comms::message::Outgoing;

/// The line above each message.
fn marker(key: &str) -> String {
    format!("<!-- release-cockpit message {key} -->")
}

pub fn append(path: &Path, message: &Outgoing) -> Result<String, String> {
    let marker = marker(&message.key);
    let shown = path.display();
    // Bytes, not text: a file someone wrote other text into still takes messages.
    match std::fs::read(path) {
        Ok(bytes) if bytes.split(|b| *b == b'\n').any(|l| l == marker.as_bytes()) => {
            return Ok(format!("in {shown} already"));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot open {shown}: {e}"))?;
    let text = message.text.trim_end();
    file.write_all(format!("{marker}\n{text}\n\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(format!("appended to {shown}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(key: &str, text: &str) -> Outgoing {
        Outgoing {
            key: key.into(),
            release: "r".into(),
            template: "notice".into(),
            about: "announce".into(),
            text: text.into(),
        }
    }

    #[test]
    fn messages_are_appended_once_each_under_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("messages.md");
        assert!(
            append(&path, &message("r/a/0", "one\n"))
                .unwrap()
                .starts_with("appended")
        );
        assert!(
            append(&path, &message("r/a/0", "one\n"))
                .unwrap()
                .contains("already")
        );
        append(&path, &message("r/a/1", "two")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "<!-- release-cockpit message r/a/0 -->\none\n\n<!-- release-cockpit message r/a/1 -->\ntwo\n\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
