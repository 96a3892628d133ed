//! `release-cockpit watch`: waits, for a pipeline, until the release's
//! rollouts are complete and every signal has held within its rules for
//! `[rollback] verify`, printing a line per round. Exit 0 healthy, 1 a
//! critical rule fired or a rollout failed, 2 a source stayed unreadable,
//! 3 the timeout passed first. Stale data is never taken for healthy.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::app::alerts::Condition;
use crate::app::panes::health::{HealthState, RuleChange};
use crate::app::panes::rollout::{RolloutState, TargetSpec};
use crate::domain::health::Signal;
use crate::domain::rollout::RolloutPhase;

pub const EXIT_HEALTHY: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_ERROR: i32 = 2;
pub const EXIT_TIMEOUT: i32 = 3;

/// Between two rounds of reads.
const PAUSE: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Watch {
    pub targets: crate::config::Targets,
    pub state_dir: PathBuf,
    pub signals: Vec<Signal>,
    pub chart: Duration,
    /// How long everything must hold.
    pub verify: Duration,
    pub timeout: Duration,
    /// What the release's last deploy set (`namespace/name container=image`),
    /// so that complete means complete at its version; empty: any version.
    pub deployed: Vec<String>,
    pub baselines: BTreeMap<String, f64>,
}

/// What one round found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Round {
    Failed(String),
    /// Not healthy yet, and why; `unreadable` when a source could not be read.
    Waiting {
        why: String,
        unreadable: bool,
    },
    Healthy,
}

pub async fn watch(plan: Watch, mut say: impl FnMut(&str)) -> i32 {
    let started = Utc::now();
    let mut health = HealthState::new(plan.signals.clone(), plan.chart);
    let mut rollout = RolloutState::new(plan.targets.names().map(TargetSpec::named));
    let mut healthy_since: Option<DateTime<Utc>> = None;
    let mut unreadable_since: Option<DateTime<Utc>> = None;
    loop {
        let (updates, readings) = crate::cli::status::read_once(
            plan.targets.clone(),
            &plan.state_dir,
            &plan.signals,
            plan.chart,
        )
        .await;
        let now = Utc::now();
        for update in updates {
            rollout.apply(update, now);
        }
        let mut fired = None;
        for reading in readings {
            let baseline = |s: &str| plan.baselines.get(s).copied();
            if let Some(RuleChange::Fired(firing)) = health.apply(reading, baseline, now) {
                fired = Some(firing);
            }
        }
        let round = match fired.or_else(|| health.firing().into_iter().next()) {
            Some(firing) => Round::Failed(format!("trigger fired: {}", firing.rule)),
            None => judge(&plan, &rollout, &health, now),
        };
        let elapsed = format_duration(now - started);
        match round {
            Round::Failed(why) => {
                say(&format!("[+{elapsed}] failed: {why}"));
                return EXIT_FAILED;
            }
            Round::Healthy => {
                let since = *healthy_since.get_or_insert(now);
                unreadable_since = None;
                let held = now - since;
                say(&format!(
                    "[+{elapsed}] healthy for {} of {}",
                    format_duration(held),
                    format_duration(plan.verify)
                ));
                if held >= plan.verify {
                    say("healthy: every rollout complete, every signal within its rules");
                    return EXIT_HEALTHY;
                }
            }
            Round::Waiting { why, unreadable } => {
                healthy_since = None;
                say(&format!("[+{elapsed}] waiting: {why}"));
                if unreadable {
                    let since = *unreadable_since.get_or_insert(now);
                    if now - since >= plan.verify.max(Duration::seconds(30)) {
                        say(&format!(
                            "error: unreadable for {}: {why}",
                            format_duration(now - since)
                        ));
                        return EXIT_ERROR;
                    }
                } else {
                    unreadable_since = None;
                }
            }
        }
        if now - started >= plan.timeout {
            say(&format!(
                "timeout: not healthy within {}",
                format_duration(plan.timeout)
            ));
            return EXIT_TIMEOUT;
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// `0s`, `4s`, `1m 30s`.
fn format_duration(d: Duration) -> String {
    if d < Duration::seconds(1) {
        "0s".to_owned()
    } else {
        crate::domain::offset::format_duration(d)
    }
}

fn judge(plan: &Watch, rollout: &RolloutState, health: &HealthState, now: DateTime<Utc>) -> Round {
    let mut waiting = Vec::new();
    let mut unreadable = false;
    for target in &rollout.targets {
        if let Some(stale) = &target.stale {
            waiting.push(format!("{} unreadable ({})", target.name, stale.error));
            unreadable = true;
        }
    }
    for (_, unit) in rollout.rows() {
        let id = format!("{}/{}", unit.namespace, unit.name);
        match unit.phase {
            RolloutPhase::Failed => return Round::Failed(format!("{id}: {}", unit.message)),
            RolloutPhase::Complete => {}
            _ if plan.deployed.is_empty() => waiting.push(format!("{id} {}", unit.phase.label())),
            _ => {}
        }
    }
    if !plan.deployed.is_empty() && !unreadable {
        match crate::app::actions::rollout_verdict::verdict(&plan.deployed, rollout) {
            Some((false, why)) => return Round::Failed(why),
            Some((true, _)) => {}
            None => waiting.push("the deploy's rollouts are not complete".to_owned()),
        }
    }
    for signal in &health.signals {
        let baseline = plan.baselines.get(&signal.signal.name).copied();
        let name = &signal.signal.name;
        match signal.condition(baseline, true, now) {
            Condition::Breached => waiting.push(format!("{name} over its critical rule")),
            Condition::Clearing => waiting.push(format!("{name} clearing")),
            Condition::Stale | Condition::Waiting | Condition::NoValue => {
                waiting.push(format!("{name} has no fresh value"));
                unreadable = true;
            }
            _ => {}
        }
    }
    if waiting.is_empty() {
        Round::Healthy
    } else {
        Round::Waiting {
            why: waiting.join("; "),
            unreadable,
        }
    }
}
