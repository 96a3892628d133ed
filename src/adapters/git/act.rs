//! What a `tag` or `branch` step does to the repository: an annotated tag
//! on the release commit, or a release or hotfix branch, each checked first
//! (a tag is never moved or made twice; a dirty tree is refused unless
//! allowed) and pushed with the `git` command, so that the user's own
//! credentials, hooks and signing config (`tag.gpgSign`) apply. Reading the
//! repository is git2's; writing goes through `git` as the user would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use git2::{Repository, StatusOptions};

use super::history::commit_of;
use super::{GitError, open};

/// How long one `git` command may take (a push over a slow link).
const GIT_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a tag or branch was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActError {
    /// Tags are immutable: an existing one is never moved.
    Exists {
        name: String,
        at: String,
    },
    /// The working tree has changes the tag would not hold.
    Dirty {
        files: Vec<String>,
    },
    Git(GitError),
    /// `git` ran and failed: its words.
    Command {
        command: String,
        output: String,
    },
}

impl std::fmt::Display for ActError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exists { name, at } => write!(
                f,
                "{name} exists already (at {at}); a release tag is never moved: release a new version"
            ),
            Self::Dirty { files } => write!(
                f,
                "the working tree has uncommitted changes ({}); commit or stash them, or allow a dirty tree",
                files.join(", ")
            ),
            Self::Git(error) => error.fmt(f),
            Self::Command { command, output } => write!(f, "`{command}` failed: {output}"),
        }
    }
}

impl std::error::Error for ActError {}

impl From<GitError> for ActError {
    fn from(error: GitError) -> Self {
        Self::Git(error)
    }
}

/// A tag to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTag<'a> {
    pub repo: &'a Path,
    pub name: &'a str,
    /// The release commit: a revision.
    pub at: &'a str,
    pub message: &'a str,
    pub allow_dirty: bool,
    /// Pushed there after it is made (`origin`); `None`: kept local.
    pub remote: Option<&'a str>,
}

/// Makes the tag (and pushes it); what happened, for the step's record.
pub fn tag(new: &NewTag<'_>) -> Result<String, ActError> {
    let repo = open(new.repo)?;
    let commit = commit_of(&repo, new.at)?;
    if let Ok(existing) = repo.revparse_single(&format!("refs/tags/{}", new.name)) {
        let at = existing
            .peel_to_commit()
            .map(|c| short(&c.id().to_string()))
            .unwrap_or_default();
        return Err(ActError::Exists {
            name: new.name.to_owned(),
            at,
        });
    }
    if !new.allow_dirty {
        let files = dirty(&repo)?;
        if !files.is_empty() {
            return Err(ActError::Dirty { files });
        }
    }
    let id = commit.to_string();
    // `git tag -a` signs when the user's config says `tag.gpgSign`.
    git(new.repo, &["tag", "-a", new.name, "-m", new.message, &id])?;
    let mut done = format!("tagged {} as {}", short(&id), new.name);
    if let Some(remote) = new.remote {
        git(
            new.repo,
            &["push", remote, &format!("refs/tags/{}", new.name)],
        )?;
        done.push_str(&format!(", pushed to {remote}"));
    }
    Ok(done)
}

/// A branch to cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBranch<'a> {
    pub repo: &'a Path,
    pub name: &'a str,
    /// Where it starts: the main branch, or the latest release tag for a
    /// hotfix.
    pub from: &'a str,
    pub remote: Option<&'a str>,
}

/// Cuts the branch (and pushes it); what happened.
pub fn branch(new: &NewBranch<'_>) -> Result<String, ActError> {
    let repo = open(new.repo)?;
    let commit = commit_of(&repo, new.from)?;
    if let Ok(existing) = repo.find_branch(new.name, git2::BranchType::Local) {
        let at = existing
            .get()
            .peel_to_commit()
            .map(|c| short(&c.id().to_string()))
            .unwrap_or_default();
        return Err(ActError::Exists {
            name: new.name.to_owned(),
            at,
        });
    }
    let id = commit.to_string();
    git(new.repo, &["branch", new.name, &id])?;
    let mut done = format!("cut {} from {} ({})", new.name, new.from, short(&id));
    if let Some(remote) = new.remote {
        git(
            new.repo,
            &[
                "push",
                remote,
                &format!("refs/heads/{0}:refs/heads/{0}", new.name),
            ],
        )?;
        done.push_str(&format!(", pushed to {remote}"));
    }
    Ok(done)
}

/// Tracked files with changes, at most five named.
fn dirty(repo: &Repository) -> Result<Vec<String>, GitError> {
    let mut options = StatusOptions::new();
    options.include_untracked(false).include_ignored(false);
    let statuses = repo
        .statuses(Some(&mut options))
        .map_err(|e| GitError::new(&workdir(repo), e.message()))?;
    let mut files: Vec<String> = statuses
        .iter()
        .filter(|s| !s.status().is_empty())
        .filter_map(|s| s.path().ok().map(str::to_owned))
        .collect();
    let more = files.len().saturating_sub(5);
    files.truncate(5);
    if more > 0 {
        files.push(format!("and {more} more"));
    }
    Ok(files)
}

fn workdir(repo: &Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf()
}

fn short(id: &str) -> String {
    id.get(..7).unwrap_or(id).to_owned()
}

/// `git -C repo ARGS`, bounded; its output on failure, cleaned. Never asks
/// on the terminal (the cockpit owns it): a push that needs a password
/// fails and says so.
fn git(repo: &Path, args: &[&str]) -> Result<(), ActError> {
    let command = format!("git {}", args.join(" "));
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| ActError::Command {
            command: command.clone(),
            output: format!("cannot run git: {e}"),
        })?;
    let started = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > GIT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ActError::Command {
                    command,
                    output: format!("no answer in {}s", GIT_TIMEOUT.as_secs()),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(ActError::Command {
                    command,
                    output: e.to_string(),
                });
            }
        }
    }
    let output = child.wait_with_output().map_err(|e| ActError::Command {
        command: command.clone(),
        output: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&output.stderr);
    let words = text
        .lines()
        .map(|l| crate::adapters::text::clean_line(l, 300))
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    Err(ActError::Command {
        command,
        output: words,
    })
}
