//! Carries out the effects `update` asks for, reporting results to the mailbox.

use chrono::Utc;
use chrono_tz::Tz;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::config::PlaybookLibrary;
use crate::session::{Journal, NewRelease, ReleaseStore, start_release};

/// What the loop hands effects to (other than quitting and suspending, which
/// need the terminal). Tests pass their own.
pub trait EffectRunner {
    fn run(&mut self, effect: Effect);
}

/// The real runner: the journal on disk, gates on tokio.
pub struct Runner {
    mailbox: UnboundedSender<Msg>,
    operator: String,
    journal: Option<Journal>,
    store: ReleaseStore,
    playbooks: PlaybookLibrary,
    zone: Tz,
}

impl Runner {
    pub fn new(
        mailbox: UnboundedSender<Msg>,
        operator: String,
        journal: Option<Journal>,
        store: ReleaseStore,
        playbooks: PlaybookLibrary,
        zone: Tz,
    ) -> Self {
        Self {
            mailbox,
            operator,
            journal,
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
                let Some(journal) = self.journal.as_mut() else {
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
                        self.journal = Some(opened.journal);
                        self.send(Msg::ReleaseOpened(Box::new(opened.checklist)));
                    }
                    Err(error) => self.send(Msg::ReleaseFailed(error)),
                }
            }
        }
    }
}
