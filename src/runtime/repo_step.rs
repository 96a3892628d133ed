//! A repository step's work, off the loop thread: each item of its plan in
//! order (a tag, a branch, the notes, a check), stopping at the first that
//! fails, told as one gate's outcome.

use std::path::{Path, PathBuf};
use std::time::Instant;

use git2::Repository;

use crate::adapters::git::{self, act, changelog_file, history};
use crate::adapters::text::clean_line;
use crate::domain::events::{CommitTime, GateOutcome, Released};
use crate::domain::versioning::changelog;
use crate::domain::versioning::notes::Notes;
use crate::domain::versioning::plan::{BranchFrom, ItemWork, RepoItem, RepoPlan, branch_matches};
use crate::domain::versioning::tag_format::TagFormat;

/// Where a step writes what it makes outside the repository: the notes
/// files, beside the release's run logs.
#[derive(Debug, Clone)]
pub struct Place {
    pub notes_dir: PathBuf,
}

/// Carries out the plan; blocking.
pub fn run(plan: &RepoPlan, place: &Place) -> GateOutcome {
    let started = Instant::now();
    let mut done = Vec::new();
    let mut released = Vec::new();
    let mut failure = None;
    for item in &plan.items {
        match run_item(item, place) {
            Ok((what, commits)) => {
                done.push(format!("{}: {what}", item.label));
                released.extend(commits);
            }
            Err(why) => {
                failure = Some(format!("{}: {why}", item.label));
                break;
            }
        }
    }
    let passed = failure.is_none();
    let summary = match failure {
        None => done.join("; "),
        // What was done before the failure stays done: say so.
        Some(why) if done.is_empty() => why,
        Some(why) => format!("{why} (done before it: {})", done.join("; ")),
    };
    GateOutcome {
        passed,
        summary,
        output: String::new(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        // Only a step that made all its tags released them.
        released: if passed { released } else { Vec::new() },
    }
}

/// A failure that never got as far as git.
pub fn failed(why: String) -> GateOutcome {
    GateOutcome {
        passed: false,
        summary: why,
        output: String::new(),
        duration_ms: 0,
        released: Vec::new(),
    }
}

/// At most this many commits of one tag are kept for their lead times; a
/// release of more keeps its newest (the journal line stays bounded).
const MOST_COMMITS: usize = 5_000;

/// What the item did, and for a tag the commits it released.
fn run_item(item: &RepoItem, place: &Place) -> Result<(String, Option<Released>), String> {
    if let ItemWork::Tag = item.work {
        return tag(item);
    }
    run_other(item, place).map(|done| (done, None))
}

/// A tag on the release commit, its message the notes' summary.
fn tag(item: &RepoItem) -> Result<(String, Option<Released>), String> {
    let repo = git::open(&item.repo).map_err(|e| e.to_string())?;
    let commit = history::commit_of(&repo, &item.at)
        .map_err(|e| e.to_string())?
        .to_string();
    let read = history_of(&repo, item, &commit)?;
    let message = notes_of(&read, item).summary();
    let new = act::NewTag {
        repo: &item.repo,
        name: &item.tag,
        at: &commit,
        message: &message,
        allow_dirty: item.allow_dirty,
        remote: item.remote.as_deref(),
    };
    let done = act::tag(&new).map_err(|e| e.to_string())?;
    let released = Released {
        component: item.component.clone(),
        tag: item.tag.clone(),
        commits: read
            .commits
            .iter()
            .take(MOST_COMMITS)
            .map(|c| CommitTime {
                id: c.id.clone(),
                at: c.time,
            })
            .collect(),
    };
    Ok((
        format!("{done} (from {})", branch_of(&repo)),
        Some(released),
    ))
}

fn run_other(item: &RepoItem, place: &Place) -> Result<String, String> {
    let repo = git::open(&item.repo).map_err(|e| e.to_string())?;
    // The release commit read once: the notes, the tag and the checks are
    // of the same commit.
    let commit = history::commit_of(&repo, &item.at)
        .map_err(|e| e.to_string())?
        .to_string();
    match &item.work {
        ItemWork::Tag => tag(item).map(|(done, _)| done),
        ItemWork::Branch { name, from } => {
            let from = match from {
                BranchFrom::Revision(rev) => rev.clone(),
                BranchFrom::LatestRelease => latest_release(&repo, item)?,
            };
            act::branch(&act::NewBranch {
                repo: &item.repo,
                name,
                from: &from,
                remote: item.remote.as_deref(),
            })
            .map_err(|e| e.to_string())
        }
        ItemWork::Notes => write_notes(&repo, item, &commit, place),
        ItemWork::OnBranch { pattern } => {
            let branch = branch_of(&repo);
            if branch_matches(pattern, &branch) {
                Ok(format!("on {branch}"))
            } else {
                Err(format!("on {branch}, not on {pattern}"))
            }
        }
        ItemWork::TagAbsent => tag_absent(&repo, item),
        ItemWork::ChangelogHasSection => {
            let text = file_at(&repo, &commit, &item.changelog)?
                .ok_or_else(|| format!("{} is not in the release commit", item.changelog))?;
            if changelog::has_section(&text, release_of(item)) {
                Ok(format!(
                    "{} has a section for {}",
                    item.changelog, item.version
                ))
            } else {
                Err(format!(
                    "{} at {} has no section for {}: write the notes (a `notes` step, or `release-cockpit notes --write`) and commit them",
                    item.changelog,
                    short(&commit),
                    item.version
                ))
            }
        }
    }
}

fn release_of(item: &RepoItem) -> changelog::Release<'_> {
    changelog::Release {
        component: item.component.as_deref(),
        version: &item.version,
        tag: &item.tag,
    }
}

/// The item's commits since its previous release.
fn history_of(
    repo: &Repository,
    item: &RepoItem,
    commit: &str,
) -> Result<history::ReleaseHistory, String> {
    let format = TagFormat::new(&item.format, item.component.as_deref()).map_err(|e| e.0)?;
    history::since_last_release(repo, &format, (None, commit), item.path.as_deref())
        .map_err(|e| e.to_string())
}

/// The item's notes from its history.
fn notes_of(read: &history::ReleaseHistory, item: &RepoItem) -> Notes {
    read.notes(
        (item.component.as_deref(), &item.version),
        item.date,
        item.style,
    )
}

/// The CHANGELOG's new section in the working tree (nothing committed),
/// and the notes file.
fn write_notes(
    repo: &Repository,
    item: &RepoItem,
    commit: &str,
    place: &Place,
) -> Result<String, String> {
    let notes = notes_of(&history_of(repo, item, commit)?, item);
    let workdir = repo
        .workdir()
        .ok_or_else(|| "a bare repository has no CHANGELOG to write".to_owned())?;
    let changelog_said = changelog_file::write_section(
        workdir,
        &item.changelog,
        &notes.section(&item.templates),
        release_of(item),
    )?;
    crate::config::paths::create_private_dir_all(&place.notes_dir)
        .map_err(|e| format!("cannot make {}: {e}", place.notes_dir.display()))?;
    let file = place.notes_dir.join(format!("{}.md", file_name(&item.tag)));
    changelog_file::write_replacing(&file, &notes.document(&item.templates), true)?;
    Ok(format!(
        "{changelog_said}; notes in {} ({})",
        file.display(),
        notes.summary()
    ))
}

/// A tag as a file name: `/` (in `release/bot/1.0.0`) made `_`.
fn file_name(tag: &str) -> String {
    tag.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The newest release tag of the item's format (not a pre-release).
fn latest_release(repo: &Repository, item: &RepoItem) -> Result<String, String> {
    let format = TagFormat::new(&item.format, item.component.as_deref()).map_err(|e| e.0)?;
    // A hotfix of 2.3.2 starts from 2.3.1 even when 2.4.0 is out.
    let hotfix = semver::Version::parse(&item.version).ok();
    history::releases(repo, &format)
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|(v, _)| v.pre.is_empty() && hotfix.as_ref().is_none_or(|h| v < h))
        .map(|(_, tag)| tag)
        .ok_or_else(|| {
            format!(
                "no release tag of the form {} to cut a hotfix from",
                item.format
            )
        })
}

fn tag_absent(repo: &Repository, item: &RepoItem) -> Result<String, String> {
    if repo
        .find_reference(&format!("refs/tags/{}", item.tag))
        .is_ok()
    {
        return Err(format!(
            "{} exists already here: a released version is never tagged again",
            item.tag
        ));
    }
    match &item.remote {
        Some(remote) => match act::remote_has_tag(&item.repo, remote, &item.tag) {
            Ok(false) => Ok(format!("{} is new here and on {remote}", item.tag)),
            Ok(true) => Err(format!("{} exists already on {remote}", item.tag)),
            Err(e) => Err(format!("cannot ask {remote}: {e}")),
        },
        None => Ok(format!("{} is new (the repo has no remote)", item.tag)),
    }
}

/// The checked-out branch, or "a detached HEAD".
fn branch_of(repo: &Repository) -> String {
    repo.head()
        .ok()
        .filter(|h| h.is_branch())
        .and_then(|h| h.shorthand().ok().map(|b| clean_line(b, 100)))
        .unwrap_or_else(|| "a detached HEAD".to_owned())
}

/// A file's text in a commit's tree; `None` if the commit has no such file.
fn file_at(repo: &Repository, commit: &str, path: &str) -> Result<Option<String>, String> {
    let error = |e: git2::Error| clean_line(e.message(), 300);
    let commit = repo
        .find_commit(git2::Oid::from_str(commit).map_err(error)?)
        .map_err(error)?;
    let tree = commit.tree().map_err(error)?;
    let Ok(entry) = tree.get_path(Path::new(path)) else {
        return Ok(None);
    };
    let blob = entry
        .to_object(repo)
        .and_then(|o| o.peel_to_blob())
        .map_err(error)?;
    Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
}

fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}
