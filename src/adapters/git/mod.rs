//! A release's repository through libgit2 (git2, built without network
//! features): its release tags, the commits since the last one (a
//! component's, by its path), read as Conventional Commits. Acting on the
//! repository (tags, branches, pushes) is `act.rs`'s.

pub mod act;
pub mod changelog_file;
pub mod history;
pub mod scope;

use std::path::{Path, PathBuf};

/// Why the repository could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError {
    pub repo: PathBuf,
    pub what: String,
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "git repository {}: {}", self.repo.display(), self.what)
    }
}

impl std::error::Error for GitError {}

impl GitError {
    pub(crate) fn new(repo: &Path, what: impl std::fmt::Display) -> Self {
        Self {
            repo: repo.to_path_buf(),
            what: crate::adapters::text::clean_line(&what.to_string(), 400),
        }
    }
}

/// Opens the repository at `path` (not a parent of it: a config names its
/// repository exactly).
pub fn open(path: &Path) -> Result<git2::Repository, GitError> {
    git2::Repository::open(path).map_err(|e| GitError::new(path, e.message()))
}
