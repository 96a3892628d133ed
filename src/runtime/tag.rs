//! A `tag` step's work, off the loop thread: the release's notes read from
//! git for the tag's message, then the tag made and pushed
//! (`adapters/git/act.rs`), told as a gate's outcome.

use std::time::Instant;

use crate::adapters::git::{self, act, history};
use crate::domain::events::GateOutcome;
use crate::domain::versioning::notes::Style;
use crate::domain::versioning::repos::TagPlan;
use crate::domain::versioning::tag_format::TagFormat;

/// Makes the plan's tag; blocking.
pub fn run(plan: &TagPlan) -> GateOutcome {
    let started = Instant::now();
    let outcome = |passed: bool, summary: String| GateOutcome {
        passed,
        summary,
        output: String::new(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    // `HEAD` read once: the notes and the tag are of the same commit.
    let (commit, branch) = match resolve(plan) {
        Ok(found) => found,
        Err(why) => return outcome(false, why),
    };
    let message = match summary(plan, &commit) {
        Ok(message) => message,
        Err(why) => return outcome(false, why),
    };
    let new = act::NewTag {
        repo: &plan.repo,
        name: &plan.tag,
        at: &commit,
        message: &message,
        allow_dirty: plan.allow_dirty,
        remote: plan.remote.as_deref(),
    };
    match act::tag(&new) {
        Ok(done) => outcome(true, format!("{done} (from {branch})")),
        Err(error) => outcome(false, error.to_string()),
    }
}

/// The commit `plan.at` names now, and the branch checked out (for the
/// record: which line of work was tagged).
fn resolve(plan: &TagPlan) -> Result<(String, String), String> {
    let repo = git::open(&plan.repo).map_err(|e| e.to_string())?;
    let commit = history::commit_of(&repo, &plan.at).map_err(|e| e.to_string())?;
    let branch = repo
        .head()
        .ok()
        .and_then(|h| h.shorthand().ok().map(str::to_owned))
        .map(|b| crate::adapters::text::clean_line(&b, 100))
        .unwrap_or_else(|| "a detached HEAD".to_owned());
    Ok((commit.to_string(), branch))
}

/// A failure that never got as far as git.
pub fn failed(why: String) -> GateOutcome {
    GateOutcome {
        passed: false,
        summary: why,
        output: String::new(),
        duration_ms: 0,
    }
}

/// `v2.4.0: 3 added, 1 fixed`, from the commits since the previous release.
fn summary(plan: &TagPlan, commit: &str) -> Result<String, String> {
    let format = TagFormat::new(&plan.format, plan.component.as_deref()).map_err(|e| e.0)?;
    let version = format
        .version(&plan.tag)
        .ok_or_else(|| format!("{} does not read back as a version", plan.tag))?;
    let repo = git::open(&plan.repo).map_err(|e| e.to_string())?;
    let read = history::since_last_release(&repo, &format, (None, commit), plan.path.as_deref())
        .map_err(|e| e.to_string())?;
    let built = read.notes(
        (plan.component.as_deref(), &version.to_string()),
        chrono::Utc::now().date_naive(),
        Style::KeepAChangelog,
    );
    Ok(built.summary())
}
