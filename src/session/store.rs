//! Where release journals live: `<state dir>/releases/<release id>.jsonl`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::journal::replay;
use crate::domain::events::Event;
use crate::domain::release::{InvalidReleaseId, Release, check_id};
use std::time::SystemTime;

#[derive(Debug, Clone)]
pub struct ReleaseStore {
    dir: PathBuf,
}

impl ReleaseStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The journal of a release; refused for a text that is not a release id,
    /// so that no id (typed, or from a file) can name a file outside the store.
    pub fn journal_path(&self, release_id: &str) -> Result<PathBuf, InvalidReleaseId> {
        self.file(release_id, "jsonl")
    }

    /// The lock that makes one process the writer of a release.
    pub fn lock_path(&self, release_id: &str) -> Result<PathBuf, InvalidReleaseId> {
        self.file(release_id, "lock")
    }

    /// Which pane the release's writer last focused.
    pub fn view_path(&self, release_id: &str) -> Result<PathBuf, InvalidReleaseId> {
        self.file(release_id, "view")
    }

    fn file(&self, release_id: &str, extension: &str) -> Result<PathBuf, InvalidReleaseId> {
        check_id(release_id)?;
        Ok(self.dir.join(format!("{release_id}.{extension}")))
    }

    /// Release ids with journals, most recently written first.
    pub fn list(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found: Vec<(SystemTime, String)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let path = entry.path();
                let id = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(".jsonl")?
                    .to_owned();
                // A file put there by hand under another name is not a release.
                check_id(&id).ok()?;
                let modified = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                Some((modified, id))
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
        found.into_iter().map(|(_, id)| id).collect()
    }

    /// What each release is (its first record), read without replaying the
    /// rest. Journals that do not start with a valid release are left out.
    pub fn headers(&self) -> Vec<Release> {
        self.list()
            .into_iter()
            .filter_map(|id| {
                let file = std::fs::File::open(self.journal_path(&id).ok()?).ok()?;
                let mut first = Vec::new();
                BufReader::new(file).read_until(b'\n', &mut first).ok()?;
                match &replay(&first).records.first()?.event {
                    Event::ReleaseStarted { release, .. } => Some(release.clone()),
                    _ => None,
                }
            })
            .collect()
    }
}
