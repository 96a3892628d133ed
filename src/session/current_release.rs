//! Which release the cockpit opens at start-up, and as what: the writer, holding
//! the release's lock, or a read-only follower of the process that holds it.

use std::path::PathBuf;

use chrono::Utc;
use chrono_tz::Tz;

use crate::config::PlaybookLibrary;
use crate::domain::checklist::Checklist;
use crate::domain::release::InvalidReleaseId;
use crate::session::lock::{LockOutcome, ReleaseLock, acquire};
use crate::session::{
    Journal, OpenError, ReadOnly, ReleaseStore, open_release, open_release_read_only,
};

#[derive(Default)]
pub struct Current {
    pub checklist: Option<Checklist>,
    /// Present when this process writes the release.
    pub journal: Option<Journal>,
    pub lock: Option<ReleaseLock>,
    /// Present when this process follows another writer (or `--read-only`).
    pub follow: Option<Follow>,
    pub notice: Option<String>,
}

pub struct Follow {
    pub path: PathBuf,
    pub offset: u64,
    pub last_seq: u64,
    /// `host/pid` of the writer; `None` under `--read-only` with no writer known.
    pub writer: Option<String>,
}

/// Opens the most recent release: as its writer when its lock is free, else as
/// a follower. With no release and `demo`, starts the demo's. Problems become a
/// notice; they never stop the cockpit.
pub fn open_current(
    store: &ReleaseStore,
    playbooks: &PlaybookLibrary,
    demo: bool,
    read_only: bool,
    zone: Tz,
) -> Current {
    let Some(id) = store.list().into_iter().next() else {
        if !demo || read_only {
            return Current::default();
        }
        return match crate::demo::release::start_demo_release(store, playbooks, zone, Utc::now()) {
            Ok(opened) => {
                let id = opened.checklist.release.id.clone();
                let lock = match store.lock_path(&id).map(|path| acquire(&path)) {
                    Ok(Ok(LockOutcome::Acquired { lock, .. })) => Some(lock),
                    _ => None,
                };
                Current {
                    checklist: Some(opened.checklist),
                    journal: Some(opened.journal),
                    lock,
                    ..Current::default()
                }
            }
            Err(error) => notice(format!("cannot start the demo release: {error}")),
        };
    };
    open_by_id(store, &id, read_only)
}

/// Opens one release: as its writer when its lock is free (and not `read_only`),
/// else following whoever writes it.
pub fn open_by_id(store: &ReleaseStore, id: &str, read_only: bool) -> Current {
    // Checked first: an id is never a path (`../../x` must not create a lock).
    let (Ok(journal), Ok(lock_path)) = (store.journal_path(id), store.lock_path(id)) else {
        return notice(format!(
            "cannot open release: {}",
            InvalidReleaseId(id.to_owned())
        ));
    };
    if !journal.exists() {
        return notice(format!(
            "no release `{id}` (see `release-cockpit releases`)"
        ));
    }
    if read_only {
        return follow(store, id, None);
    }
    match acquire(&lock_path) {
        Ok(LockOutcome::Acquired { lock, took_over }) => match open_release(store, id) {
            Ok(opened) => {
                let mut notes = Vec::new();
                if let Some(previous) = took_over {
                    tracing::warn!(
                        release = id,
                        previous,
                        "took over a lock left by a process that is gone"
                    );
                    notes.push(format!(
                        "took over {id} from {previous}, which is no longer running"
                    ));
                }
                notes.extend(
                    opened
                        .replay_problem
                        .map(|problem| format!("journal of {id}: {problem}")),
                );
                Current {
                    checklist: Some(opened.checklist),
                    journal: Some(opened.journal),
                    lock: Some(lock),
                    follow: None,
                    notice: Some(notes.join("; ")).filter(|n| !n.is_empty()),
                }
            }
            Err(OpenError::WriteRefused(reason)) => {
                tracing::warn!(
                    release = id,
                    %reason,
                    "journal not writable by this build; following read-only"
                );
                let mut current = follow(store, id, None);
                current.notice = Some(match current.notice.take() {
                    Some(more) => format!("{reason}; {more}"),
                    None => reason.to_string(),
                });
                current
            }
            Err(error) => notice(format!("cannot open release {id}: {error}")),
        },
        Ok(LockOutcome::HeldBy(writer)) => {
            tracing::info!(
                release = id,
                writer,
                "release is written by another process; following"
            );
            follow(store, id, Some(writer))
        }
        Err(error) => {
            tracing::warn!(%error, release = id, "cannot take the release lock; following read-only");
            follow(store, id, None)
        }
    }
}

fn follow(store: &ReleaseStore, id: &str, writer: Option<String>) -> Current {
    match open_release_read_only(store, id) {
        Ok(ReadOnly {
            checklist,
            valid_len,
            problems,
            ..
        }) => Current {
            notice: (!problems.is_empty())
                .then(|| format!("journal of {id}: {}", problems.join("; "))),
            follow: store.journal_path(id).ok().map(|path| Follow {
                path,
                offset: valid_len,
                last_seq: checklist.last_seq,
                writer,
            }),
            checklist: Some(checklist),
            ..Current::default()
        },
        Err(error) => notice(format!("cannot read release {id}: {error}")),
    }
}

fn notice(text: String) -> Current {
    tracing::error!(text, "release not opened");
    Current {
        notice: Some(text),
        ..Current::default()
    }
}
