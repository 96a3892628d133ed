use chrono::{DateTime, Utc};

use super::key::Key;

/// Everything that can happen to the cockpit, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(Key),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// The terminal changed size; the next frame lays out again.
    Resize {
        width: u16,
        height: u16,
    },
    /// Wall-clock time, sent when something shown depends on it.
    Tick(DateTime<Utc>),
    /// The process was asked to stop (SIGTERM, SIGHUP) or lost its input; it exits
    /// at once, with this code, whatever is running.
    Terminate {
        reason: String,
        exit_code: i32,
    },
    /// Back in the foreground after a suspend; the screen must be drawn afresh.
    Resumed,
}
