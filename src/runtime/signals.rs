//! Catchable signals that would end the process become messages, so the loop
//! ends normally and the terminal is restored on the way out (left to their
//! default action they would leave it raw, on the alternate screen).
//!
//! SIGPIPE is not among them: Rust starts with it ignored, so a write to a peer
//! that has gone (a socket, a gate's pipe) is an error where it happens rather
//! than the end of the cockpit. SIGTSTP needs nothing: raw mode turns Ctrl-Z into
//! a key, and the loop suspends itself. SIGKILL and SIGSTOP cannot be caught.

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;

/// The signals that end the cockpit cleanly, with their numbers on Linux.
const TERMINATING: [(&str, i32); 7] = [
    ("SIGHUP", 1),
    ("SIGINT", 2),
    ("SIGQUIT", 3),
    ("SIGUSR1", 10),
    ("SIGUSR2", 12),
    ("SIGALRM", 14),
    ("SIGTERM", 15),
];

/// Starts one task per signal that forwards it to the loop's mailbox. Every
/// handler is installed before this returns, so no signal is lost in between.
pub fn forward_termination(mailbox: UnboundedSender<Msg>) -> std::io::Result<()> {
    for (reason, number) in TERMINATING {
        let mut stream = signal(SignalKind::from_raw(number))?;
        let mailbox = mailbox.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                tracing::info!(reason, "termination signal received");
                // Exit codes follow the shell convention: 128 + signal number.
                let _ = mailbox.send(Msg::Terminate {
                    reason: reason.to_owned(),
                    exit_code: 128 + number,
                });
            }
        });
    }
    Ok(())
}
