//! Starting a release (its first journal line) and opening one (replaying it).

use chrono::{DateTime, Utc};

use super::journal::{Journal, Replay};
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
    /// What was wrong with the journal's tail and where it was put.
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
pub fn open_release(store: &ReleaseStore, id: &str) -> Result<Opened, String> {
    let path = store.journal_path(id).map_err(|e| e.to_string())?;
    let (
        journal,
        Replay {
            records, set_aside, ..
        },
    ) = Journal::open(&path).map_err(|e| e.to_string())?;
    let first = records
        .first()
        .ok_or_else(|| format!("{} holds no valid events", path.display()))?;
    let checklist =
        checklist_from(first, &records[1..]).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Opened {
        journal,
        checklist,
        replay_problem: set_aside.map(|s| s.to_string()),
    })
}

/// A release read without writing to it.
pub struct ReadOnly {
    pub checklist: Checklist,
    pub records: Vec<Recorded>,
    /// Bytes of the journal that held complete, valid records: where following
    /// the writer continues.
    pub valid_len: u64,
}

/// Reads a release without opening it for writing: no lock, no repair of a bad
/// tail (the writer owns that). For the audit commands and followers.
pub fn open_release_read_only(store: &ReleaseStore, id: &str) -> Result<ReadOnly, String> {
    let path = store.journal_path(id).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let replay = super::journal::replay(&bytes);
    let valid_len = replay
        .bad_tail
        .as_ref()
        .map_or(bytes.len() as u64, |(offset, _)| *offset);
    let records = replay.records;
    let first = records
        .first()
        .ok_or_else(|| format!("{} holds no valid events", path.display()))?;
    let checklist =
        checklist_from(first, &records[1..]).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ReadOnly {
        checklist,
        records,
        valid_len,
    })
}

/// The checklist a journal's records describe; the first must start the release.
fn checklist_from(first: &Recorded, rest: &[Recorded]) -> Result<Checklist, String> {
    let Event::ReleaseStarted {
        release,
        playbook_file,
        playbook_text,
    } = &first.event
    else {
        return Err("it does not start with a release_started event".to_owned());
    };
    let playbook = parse_playbook(playbook_file, playbook_text)
        .map_err(|e| format!("the recorded playbook no longer parses: {e}"))?;
    let mut checklist = Checklist::new(release.clone(), playbook, first);
    rest.iter().for_each(|recorded| checklist.apply(recorded));
    Ok(checklist)
}
