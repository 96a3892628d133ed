//! A message on its way: its text, exactly as shown before it was sent, and
//! the key that names it across attempts and restarts.

/// One message to one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The same for every attempt at this message, across a crash and a
    /// restart: `<release>/<about>/<n>`, `n` counting the messages about the
    /// same thing sent before. Webhooks get it as `Idempotency-Key`, so a
    /// receiver that honours it posts a retried message once.
    pub key: String,
    pub release: String,
    /// The template's name: `announce`.
    pub template: String,
    /// What it is about: a step's id, `signal:<rule>`, `rollback`, or the
    /// template's name for `release-cockpit notify`.
    pub about: String,
    pub text: String,
}

/// The key of the message about `about` after `sent_before` of them went
/// out: readable, and fit for an HTTP header (anything but letters, digits
/// and `._:-` is percent-encoded).
pub fn key(release: &str, about: &str, sent_before: usize) -> String {
    format!(
        "{}/{}/{sent_before}",
        header_safe(release),
        header_safe(about)
    )
}

fn header_safe(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b':' | b'-' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What a notify step's messages are about in their key: `step:<id>`, so
/// that no step's key is another message's (`rollback`, `cli:announce`).
pub fn step_about(step: &str) -> String {
    format!("step:{step}")
}

/// Said of a send that failed after the receiver may have taken it: the
/// dialog then warns before sending again.
pub const MAY_HAVE_GONE: &str = "(it may have gone out)";

/// How a send ended, as the journal records it: the channel's name and
/// what came back, never where it went (a webhook's URL is its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub ok: bool,
    /// One line: "posted to ops (HTTP 200, 2 attempts)".
    pub summary: String,
    pub attempts: u32,
    pub duration_ms: u64,
}

/// The message's first line, for a subject or a one-line summary (a
/// heading's `#`s dropped).
pub fn subject(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .trim_start_matches('#')
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_names_the_release_what_it_is_about_and_how_many_went_before() {
        assert_eq!(
            key("shop-2.4.0-20261203", "announce-customers", 0),
            "shop-2.4.0-20261203/announce-customers/0"
        );
    }

    #[test]
    fn the_subject_is_the_first_line_with_text_without_its_heading_marks() {
        assert_eq!(
            subject("\n## Release shop 2.4.0 tomorrow\n\nbody"),
            "Release shop 2.4.0 tomorrow"
        );
        assert_eq!(subject(""), "");
    }
}
