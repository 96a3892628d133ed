//! A command target's ledger: every deploy and rollback it ran, one JSON line
//! each, synced, across releases (`<state dir>/targets/<name>.jsonl`). The
//! version the target runs is what the last successful one set; the ones
//! before are where a rollback can go back to. A damaged line is skipped and
//! every valid one kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::paths::{create_private_dir_all, private_file};
use crate::domain::rollout::Revision;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Deploy,
    Rollback,
    /// A Docker target's previous container put back by itself after a new
    /// one was not healthy: recorded before it acts.
    Restore,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Deploy => "deploy",
            Self::Rollback => "rollback",
            Self::Restore => "restore",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub action: Action,
    /// What it deployed or rolled back to.
    pub version: String,
    /// Every command exited 0.
    pub ok: bool,
    pub release: String,
    pub by: String,
    /// `exit 0 in 3.1s`, or why it failed.
    pub summary: String,
    /// The run's output, kept in the state directory.
    #[serde(default)]
    pub log: Option<PathBuf>,
}

/// Where the ledger of `target` lives; target names are checked to be file
/// names when the config is read.
pub fn path(state_dir: &Path, target: &str) -> PathBuf {
    state_dir.join("targets").join(format!("{target}.jsonl"))
}

/// Every valid entry, oldest first; a missing file is an empty ledger.
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    // Line by line as bytes: a torn or damaged line (even invalid UTF-8)
    // loses only itself.
    Ok(bytes
        .split(|b| *b == b'\n')
        .filter_map(|line| serde_json::from_slice(line).ok())
        .collect())
}

/// Appends one entry and syncs it: a version shown as set is on disk.
pub fn append(path: &Path, entry: &Entry) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = private_file().create(true).append(true).open(path)?;
    // A write torn short (a crash, a full disk) left no line break: this
    // entry starts a line of its own, not the end of that one.
    if !ends_with_newline(path)? {
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes())?;
    file.sync_data()
}

fn ends_with_newline(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The next sequence number after `entries`.
pub fn next_seq(entries: &[Entry]) -> u64 {
    entries.iter().map(|e| e.seq).max().map_or(1, |s| s + 1)
}

/// The entry whose version runs now: the last that succeeded.
pub fn current(entries: &[Entry]) -> Option<&Entry> {
    entries.iter().rev().find(|e| e.ok)
}

/// The versions set, newest first, as revisions a rollback can choose from.
pub fn history(entries: &[Entry]) -> Vec<Revision> {
    entries
        .iter()
        .rev()
        .filter(|e| e.ok)
        .map(|e| Revision {
            number: e.seq,
            version: e.version.clone(),
            images: Vec::new(),
            created: Some(e.at),
            change_cause: Some(format!(
                "{} {} by {} ({})",
                e.action.name(),
                e.version,
                e.by,
                e.release
            )),
            replicas: 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn entry(seq: u64, version: &str, ok: bool) -> Entry {
        Entry {
            seq,
            at: DateTime::from_timestamp(1_800_000_000 + seq as i64, 0).unwrap_or_default(),
            action: Action::Deploy,
            version: version.into(),
            ok,
            release: "2026-12-02-minor".into(),
            by: "alice".into(),
            summary: "exit 0".into(),
            log: None,
        }
    }

    #[test]
    fn the_current_version_is_the_last_that_succeeded_and_damage_loses_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path(), "web");
        assert!(read(&path).unwrap().is_empty(), "no file: nothing deployed");
        append(&path, &entry(1, "2.3.0", true)).unwrap();
        append(&path, &entry(2, "2.3.1", true)).unwrap();
        // A torn write in the middle, then a failed deploy.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"{\"seq\": 3, \"at\"\n").unwrap();
        append(&path, &entry(4, "2.4.0", false)).unwrap();
        // Torn without its line break, and bytes that are no UTF-8.
        file.write_all(b"{\"seq\": 5, \"vers\xff").unwrap();
        append(&path, &entry(6, "2.4.1", true)).unwrap();
        let entries = read(&path).unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(current(&entries).map(|e| e.version.as_str()), Some("2.4.1"));
        assert_eq!(next_seq(&entries), 7);
        let history = history(&entries);
        let versions: Vec<&str> = history.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(versions, ["2.4.1", "2.3.1", "2.3.0"]);
        let before = &entries[..3];
        assert_eq!(
            current(before).map(|e| e.version.as_str()),
            Some("2.3.1"),
            "the failed deploy set nothing"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
