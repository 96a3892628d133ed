//! The calendar's own journal: operators' postponements, skips and restores of
//! single occurrences. Several cockpits may append to it, so each append holds
//! an exclusive lock on `calendar.lock` for the moment it takes, and reads the
//! journal afresh under it so sequence numbers never collide.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::journal::{Journal, JournalError, replay};
use super::store::ReleaseStore;
use crate::domain::events::{Event, Recorded};

#[derive(Debug, Clone)]
pub struct CalendarJournal {
    path: PathBuf,
    lock_path: PathBuf,
}

impl CalendarJournal {
    /// Kept beside the store's releases dir (`<state>/calendar.jsonl`), so the
    /// demo's calendar stays apart from the real one.
    pub fn for_store(store: &ReleaseStore) -> Self {
        let dir = store.dir();
        Self {
            path: dir.with_file_name("calendar.jsonl"),
            lock_path: dir.with_file_name("calendar.lock"),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Every valid record. A missing file is an empty calendar; what did not
    /// replay is reported; a torn tail is not repaired here (the next append
    /// sets it aside).
    pub fn read(&self) -> Result<(Vec<Recorded>, Option<String>), CalendarJournalError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                let replay = replay(&bytes);
                let problems = replay.problems();
                let problem = (!problems.is_empty())
                    .then(|| format!("{}: {}", self.path.display(), problems.join("; ")));
                Ok((replay.records, problem))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), None)),
            Err(error) => Err(CalendarJournalError::Io {
                path: self.path.clone(),
                error,
            }),
        }
    }

    /// Appends one event durably (fsync) under the lock.
    pub fn append(
        &self,
        operator: &str,
        at: DateTime<Utc>,
        event: Event,
    ) -> Result<Recorded, CalendarJournalError> {
        let io = |path: &std::path::Path| {
            let path = path.to_path_buf();
            move |error| CalendarJournalError::Io { path, error }
        };
        if let Some(dir) = self.path.parent() {
            crate::config::paths::create_private_dir_all(dir).map_err(io(dir))?;
        }
        let lock = crate::config::paths::private_file()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)
            .map_err(io(&self.lock_path))?;
        lock.lock().map_err(io(&self.lock_path))?;
        let (mut journal, _) = Journal::open(&self.path)?;
        let recorded = journal
            .append(operator, at, event)
            .map_err(CalendarJournalError::Journal);
        drop(journal);
        // Closing the file lets the lock go too; unlocking first says so plainly.
        let _ = lock.unlock();
        recorded
    }
}

/// Why the calendar journal could not be read or appended to.
#[derive(Debug)]
pub enum CalendarJournalError {
    /// Its dir, lock or file.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Journal(JournalError),
}

impl std::fmt::Display for CalendarJournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "{error}: {}", path.display()),
            Self::Journal(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for CalendarJournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { error, .. } => Some(error),
            Self::Journal(error) => Some(error),
        }
    }
}

impl From<JournalError> for CalendarJournalError {
    fn from(error: JournalError) -> Self {
        Self::Journal(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postpone(train: &str) -> Event {
        Event::OccurrenceSkipped {
            train: train.into(),
            scheduled: Utc::now(),
            reason: "test".into(),
        }
    }

    #[test]
    fn a_calendar_journal_that_cannot_be_read_says_which_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = ReleaseStore::new(dir.path().join("releases"));
        let journal = CalendarJournal::for_store(&store);
        std::fs::create_dir(journal.path()).unwrap();
        let error = journal.read().unwrap_err().to_string();
        assert_eq!(
            error,
            format!("Is a directory (os error 21): {}", journal.path().display())
        );
    }

    #[test]
    fn appends_from_two_handles_keep_one_sequence() {
        let dir = tempfile::tempdir().unwrap();
        let store = ReleaseStore::new(dir.path().join("releases"));
        let first = CalendarJournal::for_store(&store);
        let second = CalendarJournal::for_store(&store);
        assert_eq!(first.read().unwrap().0, vec![]);
        first.append("alice", Utc::now(), postpone("a")).unwrap();
        second.append("bob", Utc::now(), postpone("b")).unwrap();
        first.append("carol", Utc::now(), postpone("c")).unwrap();
        let (records, problem) = first.read().unwrap();
        assert_eq!(problem, None);
        let seqs: Vec<(u64, &str)> = records
            .iter()
            .map(|r| (r.seq, r.operator.as_str()))
            .collect();
        assert_eq!(seqs, [(1, "alice"), (2, "bob"), (3, "carol")]);
        assert_eq!(first.path(), dir.path().join("calendar.jsonl"));
    }
}
