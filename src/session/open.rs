//! Starting a release (its first journal line) and opening one (replaying it).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::journal::{Journal, JournalError, Replay};
use super::store::ReleaseStore;
use crate::config::{PlaybookLibrary, parse_playbook};
use crate::domain::checklist::Checklist;
use crate::domain::events::{Event, Recorded};
use crate::domain::release::Release;
pub use crate::domain::release::{NewRelease, parse_version};

/// An open release: the journal to append to and the state replayed from it.
pub struct Opened {
    pub journal: Journal,
    pub checklist: Checklist,
    /// What replay skipped or set aside, one problem after another.
    pub replay_problem: Option<String>,
}

/// Why a release did not open for writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// This build must not write the journal (a newer format): follow it
    /// read-only instead.
    WriteRefused(String),
    Failed(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WriteRefused(reason) | Self::Failed(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for OpenError {}

/// Writes the first line of a new release's journal. Refuses to touch a release
/// that exists already.
pub fn start_release(
    store: &ReleaseStore,
    library: &PlaybookLibrary,
    new: &NewRelease,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Opened, String> {
    let entry = match &new.playbook {
        Some(name) => library.get(name).ok_or_else(|| {
            format!(
                "no playbook named `{name}` (there are: {})",
                library.names().join(", ")
            )
        })?,
        None => library
            .for_type(new.kind)
            .ok_or_else(|| format!("no playbook for {} releases", new.kind))?,
    };
    let name = new
        .name
        .clone()
        .unwrap_or_else(|| new.kind.name().to_owned());
    let release = Release {
        id: Release::make_id(&name, &new.version, new.t0),
        name,
        kind: new.kind,
        version: new.version.clone(),
        t0: new.t0,
        zone: new.zone,
        playbook: entry.playbook.name.clone(),
        targets: Vec::new(),
    };
    let path = store.journal_path(&release.id).map_err(|e| e.to_string())?;
    if path.exists() {
        return Err(format!(
            "release {} exists already ({})",
            release.id,
            path.display()
        ));
    }
    let (mut journal, _) = Journal::open(&path).map_err(|e| e.to_string())?;
    let event = Event::ReleaseStarted {
        release: release.clone(),
        playbook_file: entry.file.clone(),
        playbook_text: entry.text.clone(),
    };
    let started = journal
        .append(operator, now, event)
        .map_err(|e| e.to_string())?;
    Ok(Opened {
        journal,
        checklist: Checklist::new(release, entry.playbook.clone(), &started),
        replay_problem: None,
    })
}

/// Opens a release by id and replays its journal into a checklist.
pub fn open_release(store: &ReleaseStore, id: &str) -> Result<Opened, OpenError> {
    let path = store
        .journal_path(id)
        .map_err(|e| OpenError::Failed(e.to_string()))?;
    let (journal, replay) = Journal::open(&path).map_err(|e| match e {
        JournalError::NewerFormat { .. } => OpenError::WriteRefused(e.to_string()),
        e => OpenError::Failed(e.to_string()),
    })?;
    let checklist = checklist_from(&path, &replay).map_err(OpenError::Failed)?;
    let problems = replay.problems();
    Ok(Opened {
        journal,
        checklist,
        replay_problem: (!problems.is_empty()).then(|| problems.join("; ")),
    })
}

/// A release read without writing to it.
pub struct ReadOnly {
    pub checklist: Checklist,
    pub records: Vec<Recorded>,
    /// Bytes of the journal's complete lines: where following the writer
    /// continues.
    pub valid_len: u64,
    /// What replay skipped, one sentence each.
    pub problems: Vec<String>,
}

/// Reads a release without opening it for writing: no lock, no repair of a bad
/// tail (the writer owns that). For the audit commands and followers.
pub fn open_release_read_only(store: &ReleaseStore, id: &str) -> Result<ReadOnly, String> {
    let path = store.journal_path(id).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{e}: {}", path.display()))?;
    let replay = super::journal::replay(&bytes);
    let checklist = checklist_from(&path, &replay)?;
    Ok(ReadOnly {
        checklist,
        valid_len: replay.complete_len,
        problems: replay.problems(),
        records: replay.records,
    })
}

/// The checklist a journal's records describe; the first line must start the
/// release. Without a trusted first line there is no release and no playbook
/// to fold the rest into, so the journal does not open; the file is left as it
/// is, its other events with it.
fn checklist_from(path: &Path, replay: &Replay) -> Result<Checklist, String> {
    let first = replay
        .records
        .first()
        .filter(|first| matches!(first.event, Event::ReleaseStarted { .. }));
    let first = match (first, replay.skipped.first()) {
        (Some(first), _) => first,
        (None, Some(_)) if replay.newer_format.is_some() => {
            return Err(format!(
                "{}: {}",
                path.display(),
                replay.problems().join("; ")
            ));
        }
        (None, Some(lost)) => {
            return Err(format!(
                "{}: line {}, which should hold the release_started event (the release and its playbook), cannot be used ({}); the release cannot be rebuilt without it. The file is left as it is, with the {} valid events after it: restore that line from a backup (or from a copy a follower kept), then open the release again",
                path.display(),
                lost.line,
                lost.reason,
                replay.records.len()
            ));
        }
        (None, None) if replay.records.is_empty() => {
            return Err(format!("{} holds no valid events", path.display()));
        }
        (None, None) => {
            return Err(format!(
                "{}: it does not start with a release_started event",
                path.display()
            ));
        }
    };
    let Event::ReleaseStarted {
        release,
        playbook_file,
        playbook_text,
    } = &first.event
    else {
        return Err(format!(
            "{}: it does not start with a release_started event",
            path.display()
        ));
    };
    let playbook = parse_playbook(playbook_file, playbook_text).map_err(|e| {
        format!(
            "{}: the recorded playbook no longer parses: {e}",
            path.display()
        )
    })?;
    let mut checklist = Checklist::new(release.clone(), playbook, first);
    replay.records[1..]
        .iter()
        .for_each(|recorded| checklist.apply(recorded));
    Ok(checklist)
}
