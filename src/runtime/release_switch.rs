//! Opening another release off the loop: its journal is read and replayed and
//! its lock taken on the blocking pool (`FileWork`). The runner takes the
//! release over when the loop shows it, that is when its `Msg::ReleaseOpened`
//! reaches `update`, so each effect of a message handled before then still
//! goes to the release that was on screen when it was asked for.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc::UnboundedSender;

use super::effects::Writer;
use super::file_work::FileWork;
use crate::app::Msg;
use crate::session::ReleaseStore;
use crate::session::current_release::{Follow, open_by_id};

/// A release opened, waiting for the loop to show it.
pub struct Opened {
    pub release: String,
    pub writer: Option<Writer>,
    pub follow: Option<Follow>,
    /// `[share]`: a takeover's writing of the release through the cluster.
    pub share: Option<Box<super::sharing::Sharing>>,
}

#[derive(Default)]
pub enum Switch {
    #[default]
    Idle,
    Opening {
        id: String,
    },
    Ready(Opened),
}

/// Shared by the runner and the job opening a release.
#[derive(Clone, Default)]
pub struct Switching(Arc<Mutex<Switch>>);

impl Switching {
    fn state(&self) -> MutexGuard<'_, Switch> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The release being opened, while one is.
    pub fn busy(&self) -> Option<String> {
        match &*self.state() {
            Switch::Idle => None,
            Switch::Opening { id } => Some(id.clone()),
            Switch::Ready(opened) => Some(opened.release.clone()),
        }
    }

    /// The release opened, if it is `release` (or any, when `None`).
    pub fn take_ready(&self, release: Option<&str>) -> Option<Opened> {
        let mut state = self.state();
        match std::mem::take(&mut *state) {
            Switch::Ready(opened) if release.is_none_or(|id| id == opened.release) => Some(opened),
            other => {
                *state = other;
                None
            }
        }
    }

    /// Marks `id` as being opened by a job of the caller's (a takeover);
    /// false while another is.
    pub fn begin(&self, id: &str) -> bool {
        let mut state = self.state();
        if !matches!(*state, Switch::Idle) {
            return false;
        }
        *state = Switch::Opening { id: id.to_owned() };
        true
    }

    /// The caller's job is done: `opened` waits for the loop to show it.
    pub fn finish(&self, opened: Option<Opened>) {
        *self.state() = opened.map_or(Switch::Idle, Switch::Ready);
    }

    /// Opens `id` as `open_by_id` does (`viewing`: read-only, to look back
    /// at it, whoever writes it), after the file work queued before;
    /// reports `Msg::ReleaseOpened` (the release then waits in `Ready`) or
    /// `Msg::ReleaseFailed`.
    pub fn open(
        &self,
        files: &mut FileWork,
        store: ReleaseStore,
        id: String,
        read_only: bool,
        viewing: bool,
        mailbox: UnboundedSender<Msg>,
    ) {
        *self.state() = Switch::Opening { id: id.clone() };
        let switching = self.clone();
        files.run(move || {
            let current = open_by_id(&store, &id, read_only);
            let Some(checklist) = current.checklist else {
                *switching.state() = Switch::Idle;
                let _ = mailbox.send(Msg::ReleaseFailed(
                    current
                        .notice
                        .unwrap_or_else(|| "nothing to open".to_owned()),
                ));
                return;
            };
            // Looked at, it is followed without taking its lock (so its
            // writer, if any, is not known by name).
            let following = current.follow.as_ref().and_then(|f| {
                f.writer
                    .clone()
                    .or_else(|| (!viewing).then(|| "another cockpit".to_owned()))
            });
            *switching.state() = Switch::Ready(Opened {
                release: checklist.release.id.clone(),
                writer: current.journal.map(|journal| Writer {
                    journal,
                    lock: current.lock,
                }),
                follow: current.follow,
                share: None,
            });
            let _ = mailbox.send(Msg::ReleaseOpened {
                checklist: Box::new(checklist),
                following,
                viewing,
            });
        });
    }
}
