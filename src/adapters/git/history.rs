//! What a release holds: the release tags of a format in semver order, the
//! previous one, and the commits from it to the release commit (merges
//! left out; for a component, only commits touching its path).

use std::path::Path;

use chrono::{DateTime, Utc};
use git2::{DiffOptions, Oid, Repository, Sort};
use semver::Version;

use super::GitError;
use crate::domain::versioning::conventional::{self, Change};
use crate::domain::versioning::notes::{self, Commit, Notes, Style};
use crate::domain::versioning::tag_format::{self, TagFormat};

/// One commit, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCommit {
    pub id: String,
    pub short: String,
    pub time: DateTime<Utc>,
    pub author: String,
    pub change: Change,
}

/// The release tags of `format`, newest version first.
pub fn releases(repo: &Repository, format: &TagFormat) -> Result<Vec<(Version, String)>, GitError> {
    let names = repo
        .tag_names(None)
        .map_err(|e| GitError::new(repo_path(repo), e.message()))?;
    // A tag name that is not UTF-8 cannot be a release of ours.
    let names: Vec<&str> = names.iter().filter_map(|n| n.ok().flatten()).collect();
    Ok(tag_format::releases(format, names))
}

/// The releases `to` holds: tagged on it or on a commit behind it (a
/// later release on another line of work is not one of them).
pub fn reachable(
    repo: &Repository,
    releases: Vec<(Version, String)>,
    to: &str,
) -> Result<Vec<(Version, String)>, GitError> {
    let at = commit_of(repo, to)?;
    Ok(releases
        .into_iter()
        .filter(|(_, tag)| {
            commit_of(repo, tag)
                .is_ok_and(|c| c == at || repo.graph_descendant_of(at, c).unwrap_or(false))
        })
        .collect())
}

/// The commit a revision (`HEAD`, a branch, a tag, an id) names.
pub fn commit_of(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|e| GitError::new(repo_path(repo), format!("{rev}: {}", e.message())))
}

/// The commits after `from` (a revision; `None`: from the first commit) up
/// to and including `to`, newest first, merges left out; with `path`, only
/// those that change something under it.
pub fn commits(
    repo: &Repository,
    from: Option<&str>,
    to: &str,
    path: Option<&str>,
) -> Result<Vec<ReadCommit>, GitError> {
    let error = |e: git2::Error| GitError::new(repo_path(repo), e.message());
    let mut walk = repo.revwalk().map_err(error)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(error)?;
    walk.push(commit_of(repo, to)?).map_err(error)?;
    if let Some(from) = from {
        walk.hide(commit_of(repo, from)?).map_err(error)?;
    }
    let mut read = Vec::new();
    for id in walk {
        let commit = repo.find_commit(id.map_err(error)?).map_err(error)?;
        if commit.parent_count() > 1 {
            continue;
        }
        if let Some(path) = path
            && !touches(repo, &commit, path).map_err(error)?
        {
            continue;
        }
        // Commit text is outside text: on its way to a terminal (the
        // cockpit's preview, the notes printed) it carries no controls.
        let message = crate::adapters::text::clean_lines(
            &String::from_utf8_lossy(commit.message_bytes()),
            64 * 1024,
        );
        let short = commit
            .as_object()
            .short_id()
            .ok()
            .and_then(|s| s.as_str().ok().map(str::to_owned))
            .unwrap_or_else(|| commit.id().to_string()[..7].to_owned());
        read.push(ReadCommit {
            id: commit.id().to_string(),
            short,
            time: DateTime::from_timestamp(commit.time().seconds(), 0).unwrap_or_default(),
            author: crate::adapters::text::clean_line(
                &String::from_utf8_lossy(commit.author().name_bytes()),
                200,
            ),
            change: conventional::parse(&message),
        });
    }
    Ok(read)
}

/// Whether `commit` changes anything under `path` (against its parent, or,
/// for the first commit, against nothing).
fn touches(repo: &Repository, commit: &git2::Commit<'_>, path: &str) -> Result<bool, git2::Error> {
    let tree = commit.tree()?;
    let parent = match commit.parent_count() {
        0 => None,
        _ => Some(commit.parent(0)?.tree()?),
    };
    let mut options = DiffOptions::new();
    options.pathspec(path);
    let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut options))?;
    Ok(diff.deltas().len() > 0)
}

fn repo_path(repo: &Repository) -> &Path {
    repo.workdir().unwrap_or_else(|| repo.path())
}

/// A release's history as the notes and the version suggestion need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseHistory {
    /// The last release before this one, and its tag.
    pub previous: Option<(Version, String)>,
    pub commits: Vec<ReadCommit>,
}

impl ReleaseHistory {
    /// Each commit's change, newest first.
    pub fn changes(&self) -> Vec<Change> {
        self.commits.iter().map(|c| c.change.clone()).collect()
    }

    /// The release's notes: these commits, after the previous release's tag.
    pub fn notes(
        &self,
        (component, version): (Option<&str>, &str),
        date: chrono::NaiveDate,
        style: Style,
    ) -> Notes {
        let commits: Vec<Commit> = self
            .commits
            .iter()
            .map(|c| Commit {
                id: c.short.clone(),
                change: c.change.clone(),
            })
            .collect();
        let previous = self.previous.as_ref().map(|(_, tag)| tag.as_str());
        notes::build((component, version, previous), date, style, &commits)
    }
}

/// From the latest release tag of `format` that is not a pre-release (or
/// `from`, when given) to `to`.
pub fn since_last_release(
    repo: &Repository,
    format: &TagFormat,
    (from, to): (Option<&str>, &str),
    path: Option<&str>,
) -> Result<ReleaseHistory, GitError> {
    let previous = match from {
        Some(tag) => {
            let version = format.version(tag).ok_or_else(|| {
                GitError::new(
                    repo_path(repo),
                    format!("--from {tag} is not a release tag of the format (so its version is not known)"),
                )
            })?;
            Some((version, tag.to_owned()))
        }
        None => {
            let all = releases(repo, format)?;
            // A release tag at `to` itself is this release, already tagged;
            // one not behind `to` (a later release, when `to` is a hotfix
            // cut from an older one) is not where `to` came from.
            let at_to = commit_of(repo, to)?;
            all.into_iter()
                .filter(|(v, _)| v.pre.is_empty())
                .find(|(_, tag)| {
                    commit_of(repo, tag).is_ok_and(|c| {
                        c != at_to && repo.graph_descendant_of(at_to, c).unwrap_or(false)
                    })
                })
        }
    };
    let commits = commits(repo, previous.as_ref().map(|(_, t)| t.as_str()), to, path)?;
    Ok(ReleaseHistory { previous, commits })
}
