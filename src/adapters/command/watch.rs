//! A command target's status as the Rollout pane shows it: one unit, its
//! version from the ledger (or from `status`, run every `status_interval`),
//! progressing while a deploy or rollback runs, its history the versions set
//! before. A `status` that fails or gives no answer marks the target stale,
//! keeping the last good data; the next good answer makes it fresh again.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::UnboundedReceiver;

use super::CommandTarget;
use super::ledger::{self, Action, Entry};
use super::status::{self, Status};
use crate::domain::rollout::{RolloutPhase, RolloutUpdate, UNKNOWN_VERSION, Unit, UnitKind};
use crate::domain::vars::Vars;

/// What the runner tells a target's watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// A deploy or rollback to `version` started.
    Started { action: Action, version: String },
    /// It ended; the ledger holds its entry.
    Finished,
}

/// A deploy or rollback under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub action: Action,
    pub version: String,
    pub since: DateTime<Utc>,
}

/// The unit the pane shows for what is known.
pub fn unit(
    target: &CommandTarget,
    entries: &[Entry],
    running: Option<&Running>,
    status: Option<&Status>,
) -> Unit {
    let current = ledger::current(entries);
    let last = entries.last();
    let recorded = current.map_or(UNKNOWN_VERSION, |e| e.version.as_str());
    let version = status
        .and_then(|s| s.version.as_deref())
        .unwrap_or(recorded)
        .to_owned();
    let (phase, message) = if let Some(run) = running {
        (
            RolloutPhase::Progressing,
            format!("{} of {} running", run.action.name(), run.version),
        )
    } else if let Some(failed) = last.filter(|e| !e.ok) {
        (
            RolloutPhase::Failed,
            format!(
                "{} of {} failed: {}; {version} still runs",
                failed.action.name(),
                failed.version,
                failed.summary
            ),
        )
    } else if let Some(status) = status {
        (status.phase, status.message.clone())
    } else if let Some(current) = current {
        (
            RolloutPhase::Complete,
            format!(
                "{} {} by {}: {}",
                current.action.name(),
                current.version,
                current.by,
                current.summary
            ),
        )
    } else {
        (
            RolloutPhase::Unknown,
            "no deploy on record yet; a `status` command would tell the version".to_owned(),
        )
    };
    let image = |v: &str| {
        target
            .templates
            .image
            .as_ref()
            .map_or_else(|| v.to_owned(), |t| t.replace("{version}", v))
    };
    let (shown, previous) = match running {
        Some(run) => (run.version.clone(), Some(version.clone())),
        None => (version.clone(), None),
    };
    let done = i32::from(phase == RolloutPhase::Complete);
    Unit {
        kind: UnitKind::Command,
        namespace: target.environment.clone(),
        name: target.name.clone(),
        version: shown.clone(),
        container: String::new(),
        image: image(&shown),
        previous_image: previous,
        revision: current.map_or(0, |e| e.seq),
        desired: 1,
        updated: done,
        ready: done,
        available: done,
        total: 1,
        phase,
        message,
        last_update: running.map(|r| r.since).or(last.map(|e| e.at)),
        history: ledger::history(entries),
    }
}

/// Reports the target until `send` says nobody listens.
pub async fn watch(
    target: CommandTarget,
    ledger_path: PathBuf,
    mut control: UnboundedReceiver<Control>,
    mut send: impl FnMut(RolloutUpdate) -> bool,
) {
    let read = |path: &PathBuf| ledger::read(path).map_err(|e| e.to_string());
    let mut entries = Vec::new();
    let mut running: Option<Running> = None;
    let mut last_status: Option<Status> = None;
    let mut problem: Option<String> = None;
    // Set from a failing `status` until a good one: a snapshot sent for
    // another reason (the ledger, a run) is followed by it again, so the
    // target never looks fresh on the last good status.
    let mut failing: Option<String> = None;
    let mut ticker = tokio::time::interval(target.status_interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Another cockpit (the writer this one follows) appends to the ledger
    // too: its size and time are looked at now and then.
    let mut ledger_check = tokio::time::interval(LEDGER_CHECK);
    ledger_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = stamp(&ledger_path);
    let mut reread = true;
    loop {
        if reread {
            match read(&ledger_path) {
                Ok(read) => entries = read,
                Err(error) => {
                    problem = Some(format!("cannot read {}: {error}", ledger_path.display()))
                }
            }
            reread = false;
        }
        // A problem is reported alone: the pane keeps the last good data.
        let update = match problem.take() {
            Some(error) => RolloutUpdate::Stale {
                target: target.name.clone(),
                error,
            },
            None => RolloutUpdate::Snapshot {
                target: target.name.clone(),
                units: vec![unit(
                    &target,
                    &entries,
                    running.as_ref(),
                    last_status.as_ref(),
                )],
            },
        };
        let snapshot = matches!(update, RolloutUpdate::Snapshot { .. });
        if !send(update) {
            return;
        }
        if let Some(error) = failing.clone().filter(|_| snapshot)
            && !send(RolloutUpdate::Stale {
                target: target.name.clone(),
                error,
            })
        {
            return;
        }
        tokio::select! {
            message = control.recv() => match message {
                Some(Control::Started { action, version }) => {
                    running = Some(Running { action, version, since: Utc::now() });
                }
                Some(Control::Finished) => {
                    running = None;
                    reread = true;
                    // What the deploy set is what runs until `status` says.
                    last_status = None;
                }
                None => return,
            },
            _ = ledger_check.tick() => {
                let now = stamp(&ledger_path);
                if now != seen {
                    seen = now;
                    reread = true;
                } else {
                    continue;
                }
            }
            _ = ticker.tick(), if target.status.is_some() => {
                match check(&target, &entries).await {
                    Ok(status) => {
                        last_status = Some(status);
                        failing = None;
                    }
                    Err(error) => {
                        failing = Some(error.clone());
                        problem = Some(error);
                    }
                }
            }
        }
    }
}

/// How often the ledger is looked at for another cockpit's entries.
const LEDGER_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// The ledger's length and modification time: it changed when these did.
fn stamp(path: &std::path::Path) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// Runs `status` once.
async fn check(target: &CommandTarget, entries: &[Entry]) -> Result<Status, String> {
    let Some(command) = &target.status else {
        return Err("no status command".to_owned());
    };
    let recorded = ledger::current(entries).map_or(UNKNOWN_VERSION, |e| e.version.as_str());
    let vars = Vars::new()
        .set("target", &target.name)
        .set("environment", &target.environment)
        .set("version", recorded);
    let command =
        crate::domain::vars::substitute(command, &vars).map_err(|e| format!("status: {e}"))?;
    let workdir = target.workdir(&vars).map_err(|e| format!("workdir: {e}"))?;
    let env = target.env_with(&vars).map_err(|e| format!("status: {e}"))?;
    let within = target.timeout.min(std::time::Duration::from_secs(60));
    let (printed, ok) = super::run::capture(&command, &workdir, &env, within)
        .await
        .map_err(|e| format!("status: {e}"))?;
    status::parse(&printed, ok).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::domain::rollout::CommandTemplates;

    pub(crate) fn target(dir: &std::path::Path, status: Option<&str>) -> CommandTarget {
        CommandTarget {
            name: "web".into(),
            environment: "production".into(),
            templates: CommandTemplates {
                deploy: vec!["true".into()],
                rollback: vec!["true".into()],
                image: None,
                component: None,
            },
            status: status.map(str::to_owned),
            status_interval: Duration::from_millis(50),
            workdir: None,
            base: dir.to_path_buf(),
            env: BTreeMap::new(),
            timeout: Duration::from_secs(5),
        }
    }

    fn entry(seq: u64, version: &str, ok: bool) -> Entry {
        Entry {
            seq,
            at: Utc::now(),
            action: Action::Deploy,
            version: version.into(),
            ok,
            release: "r".into(),
            by: "alice".into(),
            summary: if ok {
                "exit 0".into()
            } else {
                "`x` exited 1".into()
            },
            log: None,
        }
    }

    #[test]
    fn the_unit_runs_what_the_last_success_set_and_says_what_failed_since() {
        let dir = tempfile::tempdir().unwrap();
        let target = target(dir.path(), None);
        let none = unit(&target, &[], None, None);
        assert_eq!(
            (none.version.as_str(), none.phase),
            (UNKNOWN_VERSION, RolloutPhase::Unknown)
        );
        let entries = [entry(1, "2.3.1", true), entry(2, "2.4.0", false)];
        let failed = unit(&target, &entries, None, None);
        assert_eq!(
            (failed.version.as_str(), failed.phase),
            ("2.3.1", RolloutPhase::Failed)
        );
        assert!(
            failed.message.contains("deploy of 2.4.0 failed"),
            "{}",
            failed.message
        );
        let running = Running {
            action: Action::Deploy,
            version: "2.4.1".into(),
            since: Utc::now(),
        };
        let moving = unit(&target, &entries, Some(&running), None);
        assert_eq!(moving.phase, RolloutPhase::Progressing);
        assert_eq!(moving.previous_version(), Some("2.3.1"));
        assert_eq!(moving.version, "2.4.1");
    }

    #[tokio::test]
    async fn a_failing_status_marks_the_target_stale_and_a_good_one_fresh_again() {
        let dir = tempfile::tempdir().unwrap();
        let flag = dir.path().join("down");
        std::fs::write(&flag, "").unwrap();
        let status = format!(
            "if [ -e {} ]; then echo '{{broken'; else echo '{{\"version\": \"9.9.9\"}}'; fi",
            flag.display()
        );
        let target = target(dir.path(), Some(&status));
        let (_control_tx, control) = tokio::sync::mpsc::unbounded_channel();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let path = ledger::path(dir.path(), "web");
        tokio::spawn(watch(target, path, control, move |u| tx.send(u).is_ok()));
        let mut seen_stale = false;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let update = tokio::time::timeout_at(deadline, rx.recv())
                .await
                .unwrap()
                .unwrap();
            match update {
                RolloutUpdate::Stale { error, .. } => {
                    assert!(error.contains("cannot read"), "{error}");
                    seen_stale = true;
                    std::fs::remove_file(&flag).ok();
                }
                RolloutUpdate::Snapshot { units, .. }
                    if seen_stale && units[0].version == "9.9.9" =>
                {
                    break;
                }
                RolloutUpdate::Snapshot { .. } => {}
            }
        }
    }
}
