//! Carries out the effects `update` asks for, reporting results to the mailbox.

use chrono::Utc;
use chrono_tz::Tz;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::config::PlaybookLibrary;
use crate::session::lock::{LockOutcome, ReleaseLock, acquire};
use crate::session::{Journal, NewRelease, ReleaseStore, start_release};

/// What the loop hands effects to (other than quitting and suspending, which
/// need the terminal). Tests pass their own.
pub trait EffectRunner {
    fn run(&mut self, effect: Effect);
}

/// The release this process writes: its journal, and the lock that makes this
/// process its only writer.
pub struct Writer {
    pub journal: Journal,
    pub lock: Option<ReleaseLock>,
}

/// The real runner: the journal on disk, gates on tokio.
pub struct Runner {
    mailbox: UnboundedSender<Msg>,
    operator: String,
    writer: Option<Writer>,
    store: ReleaseStore,
    playbooks: PlaybookLibrary,
    zone: Tz,
}

impl Runner {
    pub fn new(
        mailbox: UnboundedSender<Msg>,
        operator: String,
        writer: Option<Writer>,
        store: ReleaseStore,
        playbooks: PlaybookLibrary,
        zone: Tz,
    ) -> Self {
        Self {
            mailbox,
            operator,
            writer,
            store,
            playbooks,
            zone,
        }
    }

    fn send(&self, msg: Msg) {
        // The loop owns the receiver; if it is gone the process is ending.
        let _ = self.mailbox.send(msg);
    }
}

impl EffectRunner for Runner {
    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Quit { .. } | Effect::Suspend => {}
            Effect::Record(event) => {
                let Some(journal) = self.writer.as_mut().map(|w| &mut w.journal) else {
                    self.send(Msg::RecordFailed {
                        event: Box::new(event),
                        error: "no release journal is open".to_owned(),
                    });
                    return;
                };
                match journal.append(&self.operator, Utc::now(), event.clone()) {
                    Ok(recorded) => {
                        tracing::info!(seq = recorded.seq, event = %recorded.event.describe(), step = recorded.event.step(), "recorded");
                        self.send(Msg::Recorded(recorded));
                    }
                    Err(error) => {
                        tracing::error!(%error, "journal append failed");
                        self.send(Msg::RecordFailed {
                            event: Box::new(event),
                            error: error.to_string(),
                        });
                    }
                }
            }
            Effect::RunGate { step, gate } => {
                let mailbox = self.mailbox.clone();
                tracing::info!(step, "gate started");
                tokio::spawn(async move {
                    let outcome = super::gates::run(&gate).await;
                    tracing::info!(step, passed = outcome.passed, summary = %outcome.summary, "gate finished");
                    let _ = mailbox.send(Msg::GateDone { step, outcome });
                });
            }
            Effect::RememberFocus(pane) => {
                if let Some(writer) = &self.writer {
                    let path = writer.journal.path().with_extension("view");
                    // Best effort: losing it only means starting on another pane.
                    if let Err(error) = std::fs::write(&path, pane.title()) {
                        tracing::warn!(%error, path = %path.display(), "cannot remember the focused pane");
                    }
                }
            }
            Effect::StartRelease { spec } => {
                let started = NewRelease::parse(&spec, self.zone).and_then(|new| {
                    start_release(
                        &self.store,
                        &self.playbooks,
                        &new,
                        &self.operator,
                        Utc::now(),
                    )
                });
                match started {
                    Ok(opened) => {
                        tracing::info!(release = %opened.checklist.release.id, "release started");
                        let lock =
                            match acquire(&self.store.lock_path(&opened.checklist.release.id)) {
                                Ok(LockOutcome::Acquired { lock, .. }) => Some(lock),
                                _ => None,
                            };
                        self.writer = Some(Writer {
                            journal: opened.journal,
                            lock,
                        });
                        self.send(Msg::ReleaseOpened(Box::new(opened.checklist)));
                    }
                    Err(error) => self.send(Msg::ReleaseFailed(error)),
                }
            }
        }
    }
}
