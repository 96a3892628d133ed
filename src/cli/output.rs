//! What the subcommands print: made safe for a terminal, and written so that a
//! reader who stops early (`release-cockpit info | head -1`) ends the program
//! quietly instead of with a panic.
//!
//! Text from outside (operator names, notes, reasons, cluster and file text)
//! may hold escape sequences; printed raw they would drive the user's terminal.
//! Text output drops control characters as the TUI does when it draws; JSON
//! output escapes the ones serde leaves raw, so the data is kept.

use std::io::{ErrorKind, Write};

/// The exit code when stdout's reader has gone: 128 + SIGPIPE, what a shell
/// reports for a program the signal ended (as `cat` would end), so that a
/// pipeline under `set -o pipefail` still sees that the output was cut short.
pub const EXIT_BROKEN_PIPE: i32 = 128 + 13;

/// `text` without control characters, except the line breaks and tabs that
/// lay it out (`\r` only as part of `\r\n`, which .ics needs).
pub fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let kept = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        if kept {
            out.push(c);
        }
    }
    out
}

/// JSON text with every control character that serde_json leaves raw (the C1
/// range, U+0080 to U+009F) written as a `\u` escape; outside strings JSON
/// holds none, so only string contents change, and they decode to the same text.
pub fn escape_controls_in_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints text output to stdout, stripped of control characters.
pub fn print_text(text: &str) {
    write_stdout(strip_controls(text).as_bytes());
}

/// Prints JSON (lines) to stdout with every control character escaped.
pub fn print_json(json: &str) {
    write_stdout(escape_controls_in_json(json).as_bytes());
}

/// Writes bytes as they are (generated shell completions, which hold no text
/// from outside).
pub fn print_raw(bytes: &[u8]) {
    write_stdout(bytes);
}

/// Writes and flushes; a reader that has gone ends the process quietly with
/// `EXIT_BROKEN_PIPE`, any other failure with a one-line message and exit 1.
fn write_stdout(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        if error.kind() == ErrorKind::BrokenPipe {
            std::process::exit(EXIT_BROKEN_PIPE);
        }
        eprintln!("error: writing to stdout: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_dropped_from_text_and_layout_is_kept() {
        let hostile = "alice\u{1b}[2J\u{1b}]0;owned\u{7}\tnote\u{9b}31m\r\nnext\rover\n";
        assert_eq!(
            strip_controls(hostile),
            "alice[2J]0;owned\tnote31m\r\nnextover\n"
        );
    }

    #[test]
    fn json_keeps_the_text_but_escapes_every_control_character() {
        let value = serde_json::json!({ "operator": "eve\u{1b}[2J\u{9b}1m" });
        let json = format!("{}\n", serde_json::to_string(&value).unwrap());
        let escaped = escape_controls_in_json(&json);
        assert!(
            !escaped.trim_end().chars().any(char::is_control),
            "{escaped:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
