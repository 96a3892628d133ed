//! Starting a release (its first journal line) and opening one (replaying it).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::journal::{Journal, JournalError, Replay};
use super::store::ReleaseStore;
use crate::config::{PlaybookLibrary, parse_recorded_playbook};
use crate::domain::checklist::Checklist;
use crate::domain::events::{Event, Recorded};
use crate::domain::release::Release;
pub use crate::domain::release::{NewRelease, parse_version};

mod errors;
pub use errors::{OpenError, ReadError, StartError, Unusable, UnusableJournal};

/// An open release: the journal to append to and the state replayed from it.
pub struct Opened {
    pub journal: Journal,
    pub checklist: Checklist,
    /// What replay skipped or set aside, one problem after another.
    pub replay_problem: Option<String>,
}

/// Writes the first line of a new release's journal. Refuses to touch a release
/// that exists already.
pub fn start_release(
    store: &ReleaseStore,
    library: &PlaybookLibrary,
    new: &NewRelease,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Opened, StartError> {
    let entry = match &new.playbook {
        Some(name) => library
            .get(name)
            .ok_or_else(|| StartError::NoSuchPlaybook {
                name: name.clone(),
                known: library.names().into_iter().map(str::to_owned).collect(),
            })?,
        None => library
            .for_type(new.kind)
            .ok_or(StartError::NoPlaybookFor(new.kind))?,
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
        components: new.components.clone(),
    };
    let path = store.journal_path(&release.id)?;
    if path.exists() {
        return Err(StartError::Exists {
            id: release.id,
            path,
        });
    }
    let (mut journal, _) = Journal::open(&path)?;
    let event = Event::ReleaseStarted {
        release: release.clone(),
        playbook_file: entry.file.clone(),
        playbook_text: entry.text.clone(),
    };
    let started = journal.append(operator, now, event)?;
    Ok(Opened {
        journal,
        checklist: Checklist::new(release, entry.playbook.clone(), &started),
        replay_problem: None,
    })
}

/// Opens a release by id and replays its journal into a checklist.
pub fn open_release(store: &ReleaseStore, id: &str) -> Result<Opened, OpenError> {
    let path = store.journal_path(id).map_err(OpenError::InvalidId)?;
    let (journal, replay) = Journal::open(&path).map_err(|e| match e {
        JournalError::NewerFormat { .. } => OpenError::WriteRefused(e),
        e => OpenError::Journal(e),
    })?;
    let checklist = checklist_from(&path, &replay).map_err(OpenError::Unusable)?;
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
pub fn open_release_read_only(store: &ReleaseStore, id: &str) -> Result<ReadOnly, ReadError> {
    let path = store.journal_path(id).map_err(ReadError::InvalidId)?;
    let bytes = std::fs::read(&path).map_err(|error| ReadError::Io {
        path: path.clone(),
        error,
    })?;
    let replay = super::journal::replay(&bytes);
    let checklist = checklist_from(&path, &replay).map_err(ReadError::Unusable)?;
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
/// A release as its first line started it, and every line after, for
/// `release-cockpit replay`: read without a lock, as followers read.
pub fn release_from_start(
    store: &ReleaseStore,
    id: &str,
) -> Result<(Checklist, Vec<Recorded>), ReadError> {
    let path = store.journal_path(id).map_err(ReadError::InvalidId)?;
    let bytes = std::fs::read(&path).map_err(|error| ReadError::Io {
        path: path.clone(),
        error,
    })?;
    let mut replay = super::journal::replay(&bytes);
    let checklist = started(&path, &replay).map_err(ReadError::Unusable)?;
    replay.records.remove(0);
    Ok((checklist, replay.records))
}

fn checklist_from(path: &Path, replay: &Replay) -> Result<Checklist, UnusableJournal> {
    let mut checklist = started(path, replay)?;
    replay.records[1..]
        .iter()
        .for_each(|recorded| checklist.apply(recorded));
    Ok(checklist)
}

/// The release as its first line started it.
fn started(path: &Path, replay: &Replay) -> Result<Checklist, UnusableJournal> {
    let unusable = |why| UnusableJournal {
        path: path.to_path_buf(),
        why,
    };
    let first = replay
        .records
        .first()
        .filter(|first| matches!(first.event, Event::ReleaseStarted { .. }));
    let first = match (first, replay.skipped.first()) {
        (Some(first), _) => first,
        (None, Some(_)) if replay.newer_format.is_some() => {
            return Err(unusable(Unusable::NewerFormat {
                problems: replay.problems(),
            }));
        }
        (None, Some(lost)) => {
            return Err(unusable(Unusable::FirstLineLost {
                line: lost.line,
                reason: lost.reason.clone(),
                valid: replay.records.len(),
            }));
        }
        (None, None) if replay.records.is_empty() => return Err(unusable(Unusable::NoEvents)),
        (None, None) => return Err(unusable(Unusable::NotStarted)),
    };
    let Event::ReleaseStarted {
        release,
        playbook_file,
        playbook_text,
    } = &first.event
    else {
        return Err(unusable(Unusable::NotStarted));
    };
    let playbook = parse_recorded_playbook(playbook_file, playbook_text)
        .map_err(|e| unusable(Unusable::Playbook(e)))?;
    Ok(Checklist::new(release.clone(), playbook, first))
}
