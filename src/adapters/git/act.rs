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
/// `new.at` should be a commit id, resolved once by the caller, so that the
/// commit tagged is the one the notes were read for.
pub fn tag(new: &NewTag<'_>) -> Result<String, ActError> {
    let repo = open(new.repo)?;
    let commit = commit_of(&repo, new.at)?;
    if let Some(remote) = new.remote
        && repo.find_remote(remote).is_err()
    {
        return Err(ActError::Git(GitError::new(
            new.repo,
            format!(
                "no remote `{remote}` to push the tag to: add it, or set the repo's `remote` (\"\" keeps tags local)"
            ),
        )));
    }
    let push = |remote: &str| {
        git(
            new.repo,
            &["push", remote, &format!("refs/tags/{}", new.name)],
        )
    };
    if let Ok(reference) = repo.find_reference(&format!("refs/tags/{}", new.name)) {
        let tagged = reference.peel_to_commit().map(|c| c.id()).ok();
        let annotated = reference.peel_to_tag().is_ok();
        // A retry (after a failed push, or a later item of the same step
        // that failed): our annotated tag, on this commit, is made; it
        // only has to reach the remote.
        if annotated && tagged == Some(commit) {
            let made = format!(
                "{} was made here already on {}",
                new.name,
                short(&commit.to_string())
            );
            return push_again(made, new.remote, push);
        }
        return Err(ActError::Exists {
            name: new.name.to_owned(),
            at: tagged.map(|t| short(&t.to_string())).unwrap_or_default(),
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
        if let Err(error) = push(remote) {
            return Err(ActError::Command {
                command: format!("git push {remote} refs/tags/{}", new.name),
                output: format!(
                    "{} was made here on {} but not pushed ({}); run the step again to push it",
                    new.name,
                    short(&id),
                    match &error {
                        ActError::Command { output, .. } => output.clone(),
                        other => other.to_string(),
                    }
                ),
            });
        }
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
    let id = commit.to_string();
    let push = |remote: &str| {
        git(
            new.repo,
            &[
                "push",
                remote,
                &format!("refs/heads/{0}:refs/heads/{0}", new.name),
            ],
        )
    };
    if let Ok(existing) = repo.find_branch(new.name, git2::BranchType::Local) {
        let at = existing.get().peel_to_commit().map(|c| c.id()).ok();
        // A retry (the push failed, or a later item did): the branch is
        // cut where it should be; it only has to reach the remote.
        if at == Some(commit) {
            let made = format!("{} was cut here already at {}", new.name, short(&id));
            return push_again(made, new.remote, push);
        }
        return Err(ActError::Exists {
            name: new.name.to_owned(),
            at: at.map(|a| short(&a.to_string())).unwrap_or_default(),
        });
    }
    git(new.repo, &["branch", new.name, &id])?;
    let mut done = format!("cut {} from {} ({})", new.name, new.from, short(&id));
    if let Some(remote) = new.remote {
        push(remote)?;
        done.push_str(&format!(", pushed to {remote}"));
    }
    Ok(done)
}

/// A retry's tag or branch, made here already: pushed (if it goes
/// anywhere), and said so.
fn push_again(
    made: String,
    remote: Option<&str>,
    push: impl Fn(&str) -> Result<(), ActError>,
) -> Result<String, ActError> {
    match remote {
        Some(remote) => {
            push(remote)?;
            Ok(format!("{made}; pushed to {remote}"))
        }
        None => Ok(made),
    }
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
        .filter_map(|s| {
            s.path()
                .ok()
                .map(|p| crate::adapters::text::clean_line(p, 200))
        })
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

/// Whether `remote` has the tag `name`, asked with `git ls-remote` (the
/// user's credentials, bounded, never prompting).
pub fn remote_has_tag(repo: &Path, remote: &str, name: &str) -> Result<bool, ActError> {
    let out = git_output(
        repo,
        &["ls-remote", "--tags", remote, &format!("refs/tags/{name}")],
    )?;
    Ok(out
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some(&format!("refs/tags/{name}"))))
}

fn git(repo: &Path, args: &[&str]) -> Result<(), ActError> {
    git_output(repo, args).map(drop)
}

/// `git -C repo ARGS`, bounded; its standard output (at most 1 MiB), or
/// its last words on failure, cleaned. Never
/// asks on the terminal (the cockpit owns it): git's own prompts are off and
/// ssh runs in batch mode, so a push that needs a password fails and says so.
fn git_output(repo: &Path, args: &[&str]) -> Result<String, ActError> {
    use std::io::Read;
    let command = format!("git {}", args.join(" "));
    let failed = |output: String| ActError::Command {
        command: command.clone(),
        output,
    };
    let mut run = Command::new("git");
    run.arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("SSH_ASKPASS_REQUIRE", "never")
        // A signing key's passphrase is not asked on the cockpit's screen:
        // without GPG_TTY a terminal pinentry cannot draw over it (a
        // graphical one, or a key the agent has unlocked, still signs).
        .env_remove("GPG_TTY")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        run.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    let mut child = run
        .spawn()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    // Read while it runs (a chatty hook must not fill the pipe); a helper
    // that outlives git and holds the pipe must not hold us.
    let drain = |stream: Option<Box<dyn Read + Send>>| {
        let (sender, receiver) = std::sync::mpsc::channel();
        if let Some(mut stream) = stream {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = stream.by_ref().take(1 << 20).read_to_end(&mut bytes);
                // Whatever is past the first MiB is read and dropped, so
                // that git never blocks on a full pipe.
                let _ = std::io::copy(&mut stream, &mut std::io::sink());
                let _ = sender.send(bytes);
            });
        }
        receiver
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let receiver = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > GIT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!("no answer in {}s", GIT_TIMEOUT.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(failed(e.to_string())),
        }
    };
    if status.success() {
        let bytes = stdout
            .recv_timeout(Duration::from_secs(2))
            .unwrap_or_default();
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    let bytes = receiver
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<String> = text
        .lines()
        .map(|l| crate::adapters::text::clean_line(l, 300))
        .filter(|l| !l.trim().is_empty())
        .collect();
    // git says what matters last; six lines are enough to act on.
    let last = lines[lines.len().saturating_sub(6)..].join(" / ");
    Err(failed(if last.is_empty() {
        format!("exit {status}")
    } else {
        last
    }))
}
