//! SIGTERM and SIGHUP become messages, so the loop ends normally and the terminal
//! is restored on the way out.

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;

/// Starts a task that forwards termination signals to the loop's mailbox.
pub fn forward_termination(mailbox: UnboundedSender<Msg>) -> std::io::Result<()> {
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        // Exit codes follow the shell convention: 128 + signal number.
        let (reason, exit_code) = tokio::select! {
            _ = term.recv() => ("SIGTERM", 128 + 15),
            _ = hangup.recv() => ("SIGHUP", 128 + 1),
        };
        tracing::info!(reason, "termination signal received");
        let _ = mailbox.send(Msg::Terminate {
            reason: reason.to_owned(),
            exit_code,
        });
    });
    Ok(())
}
