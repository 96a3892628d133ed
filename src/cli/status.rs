//! `release-cockpit status`: the targets' rollout state and every signal's
//! value, rules and trigger state, read once, for scripts. Each signal's state
//! is the one the Health pane shows (`app::alerts`). Exit codes, worst first:
//! 1 a critical rule fires or is breached, or a rollout failed; 2 something
//! could not be read (an unreachable target, a source that failed or gave no
//! value); with `--strict`, 3 on warnings only (a warn rule, a baseline rule
//! with no baseline); 0 healthy (warnings are printed, and count only when
//! strict).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::sync::mpsc;

use crate::adapters::kubernetes::{KubeTarget, watch_target};
use crate::app::alerts::Condition;
use crate::app::panes::health::{HealthState, SignalState};
use crate::domain::health::{Signal, SignalUpdate};
use crate::domain::rollout::{RolloutPhase, RolloutUpdate};
use crate::runtime::signal_reader::SignalReader;

pub const EXIT_HEALTHY: i32 = 0;
pub const EXIT_FIRING: i32 = 1;
pub const EXIT_ERROR: i32 = 2;
pub const EXIT_WARNING: i32 = 3;

/// How long a target's first LIST may take before it counts as unreachable.
const TARGET_WAIT: Duration = Duration::from_secs(15);

pub struct Report {
    pub targets: Vec<RolloutUpdate>,
    pub health: HealthState,
    /// Each signal's journaled baseline.
    pub baselines: BTreeMap<String, f64>,
    /// Whether the release has deployed (a baseline rule says nothing before).
    pub deployed: bool,
}

impl Report {
    fn baseline(&self, signal: &str) -> Option<f64> {
        self.baselines.get(signal).copied()
    }

    fn condition(&self, s: &SignalState) -> Condition {
        s.condition(self.baseline(&s.signal.name), self.deployed, Utc::now())
    }
}

/// Reads everything once. Scrape signals are read twice, a short gap apart,
/// since rates need two scrapes.
pub async fn gather(
    targets: crate::config::Targets,
    state_dir: &std::path::Path,
    signals: Vec<Signal>,
    chart: chrono::Duration,
    baseline: impl Fn(&str) -> Option<f64>,
    deployed: bool,
) -> Report {
    let baselines = signals
        .iter()
        .filter_map(|s| baseline(&s.name).map(|b| (s.name.clone(), b)))
        .collect();
    let (targets, readings) = read_once(targets, state_dir, &signals, chart).await;
    let mut health = HealthState::new(signals, chart);
    for update in readings {
        health.apply(update, &baseline, Utc::now());
    }
    Report {
        targets,
        health,
        baselines,
        deployed,
    }
}

/// Every target's state and every signal's reading, once.
pub async fn read_once(
    targets: crate::config::Targets,
    state_dir: &std::path::Path,
    signals: &[Signal],
    chart: chrono::Duration,
) -> (Vec<RolloutUpdate>, Vec<SignalUpdate>) {
    let commands = futures::future::join_all(
        targets
            .command
            .into_iter()
            .map(|t| first_command_report(t, state_dir)),
    );
    let kubernetes = futures::future::join_all(targets.kubernetes.into_iter().map(first_report));
    let docker = futures::future::join_all(targets.docker.into_iter().map(first_docker_report));
    let rollouts = async {
        let (mut all, commands, docker) = futures::join!(kubernetes, commands, docker);
        all.extend(commands);
        all.extend(docker);
        all
    };
    let readings = futures::future::join_all(signals.iter().cloned().map(|signal| async move {
        let mut reader = SignalReader::new(signal);
        let first = reader.read(200, chart).await;
        let needs_second = matches!(&reader.signal().source, crate::domain::health::Source::Scrape { measure, .. } if measure.needs_previous())
            && matches!(first, SignalUpdate::Reading { .. });
        if needs_second {
            let gap = reader.signal().interval.to_std().unwrap_or(Duration::from_secs(2));
            tokio::time::sleep(gap.min(Duration::from_secs(2))).await;
            reader.read(200, chart).await
        } else {
            first
        }
    }));
    futures::join!(rollouts, readings)
}

/// A command target as its ledger has it, and as its `status` says when it
/// has one (that report comes second).
async fn first_command_report(
    target: crate::adapters::command::CommandTarget,
    state_dir: &std::path::Path,
) -> RolloutUpdate {
    let name = target.name.clone();
    let reports = if target.status.is_some() { 2 } else { 1 };
    let ledger = crate::adapters::command::ledger::path(state_dir, &target.name);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (_control, control) = mpsc::unbounded_channel();
    let task = tokio::spawn(crate::adapters::command::watch::watch(
        target,
        ledger,
        control,
        move |update| tx.send(update).is_ok(),
    ));
    let mut last = None;
    let deadline = tokio::time::Instant::now() + TARGET_WAIT;
    for _ in 0..reports {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(update)) => last = Some(update),
            _ => break,
        }
    }
    task.abort();
    last.unwrap_or_else(|| RolloutUpdate::Stale {
        target: name,
        error: format!("no answer within {} s", TARGET_WAIT.as_secs()),
    })
}

/// A Docker target's containers as the engine has them now, or why not.
async fn first_docker_report(target: crate::adapters::docker::DockerTarget) -> RolloutUpdate {
    let name = target.name.clone();
    let mut first = None;
    let watching = crate::adapters::docker::watch::watch(target, |update| {
        first = Some(update);
        false
    });
    let _ = tokio::time::timeout(TARGET_WAIT, watching).await;
    first.unwrap_or_else(|| RolloutUpdate::Stale {
        target: name,
        error: format!("no answer within {} s", TARGET_WAIT.as_secs()),
    })
}

async fn first_report(target: KubeTarget) -> RolloutUpdate {
    let name = target.name.clone();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(watch_target(target, move |update| {
        let _ = tx.send(update);
        false
    }));
    let first = tokio::time::timeout(TARGET_WAIT, rx.recv()).await;
    task.abort();
    match first {
        Ok(Some(update)) => update,
        _ => RolloutUpdate::Stale {
            target: name,
            error: format!("no answer within {} s", TARGET_WAIT.as_secs()),
        },
    }
}

/// One signal's state as `status` prints it: the pane's word, but `error`
/// for a source that could not be read.
fn signal_state(report: &Report, s: &SignalState) -> &'static str {
    match report.condition(s) {
        Condition::Stale => "error",
        Condition::Firing { .. } | Condition::Clearing => "firing",
        other => other.word(),
    }
}

/// The exit code, worst first; warnings count only when `strict`.
pub fn exit_code(report: &Report, strict: bool) -> i32 {
    let conditions: Vec<Condition> = report
        .health
        .signals
        .iter()
        .map(|s| report.condition(s))
        .collect();
    let failed_rollout = report.targets.iter().any(|t| match t {
        RolloutUpdate::Snapshot { units, .. } => {
            units.iter().any(|d| d.phase == RolloutPhase::Failed)
        }
        RolloutUpdate::Stale { .. } => false,
    });
    let critical = conditions.iter().any(|c| {
        matches!(
            c,
            Condition::Firing { .. } | Condition::Clearing | Condition::Breached
        )
    });
    if critical || failed_rollout {
        return EXIT_FIRING;
    }
    let unreadable = report
        .targets
        .iter()
        .any(|t| matches!(t, RolloutUpdate::Stale { .. }))
        || conditions.iter().any(|c| {
            matches!(
                c,
                Condition::Stale | Condition::Waiting | Condition::NoValue
            )
        });
    if unreadable {
        return EXIT_ERROR;
    }
    if strict
        && conditions
            .iter()
            .any(|c| matches!(c, Condition::Warning | Condition::NoBaseline))
    {
        return EXIT_WARNING;
    }
    EXIT_HEALTHY
}

pub fn text(report: &Report) -> String {
    let mut out = String::new();
    if report.targets.is_empty() {
        out.push_str("targets: none configured\n");
    }
    for target in &report.targets {
        match target {
            RolloutUpdate::Snapshot { target, units } => {
                if units.is_empty() {
                    out.push_str(&format!("{target}: no Deployments match\n"));
                }
                for d in units {
                    out.push_str(&format!(
                        "{target}: {}/{} {} rev {} {}/{} updated, {} available: {}\n",
                        d.namespace,
                        d.name,
                        d.version,
                        d.revision,
                        d.updated,
                        d.desired,
                        d.available,
                        d.phase.label()
                    ));
                }
            }
            RolloutUpdate::Stale { target, error } => {
                out.push_str(&format!("{target}: unreachable: {error}\n"))
            }
        }
    }
    if report.health.signals.is_empty() {
        out.push_str("signals: none configured\n");
    }
    for s in &report.health.signals {
        let unit = s.signal.unit;
        let value = s.value.map_or_else(|| "–".to_owned(), |v| unit.format(v));
        let rules: Vec<String> = [("critical", &s.signal.critical), ("warn", &s.signal.warn)]
            .into_iter()
            .filter_map(|(label, rule)| {
                rule.as_ref()
                    .map(|r| format!("{label} {}", s.signal.describe(r)))
            })
            .collect();
        let base = report
            .baseline(&s.signal.name)
            .map(|b| format!(", baseline {}", unit.format(b)))
            .unwrap_or_default();
        let why = s
            .stale
            .as_ref()
            .map(|e| e.error.clone())
            .or_else(|| s.note.clone())
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}: {value} {}{base} [{}]{why}\n",
            s.signal.name,
            signal_state(report, s),
            rules.join("; ")
        ));
    }
    out
}

pub fn json(report: &Report, strict: bool) -> String {
    let targets: Vec<_> = report
        .targets
        .iter()
        .map(|t| match t {
            RolloutUpdate::Snapshot { target, units } => json!({
                "target": target,
                "deployments": units.iter().map(|d| json!({
                    "namespace": d.namespace, "name": d.name, "image": d.image,
                    "revision": d.revision, "desired": d.desired, "updated": d.updated,
                    "available": d.available, "state": d.phase.label(), "message": d.message,
                })).collect::<Vec<_>>(),
            }),
            RolloutUpdate::Stale { target, error } => json!({"target": target, "error": error}),
        })
        .collect();
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let signals: Vec<_> = report
        .health
        .signals
        .iter()
        .map(|s| {
            json!({
                "name": s.signal.name,
                "source": s.signal.source.kind(),
                "from": s.signal.source.describe(),
                "value": finite(s.value),
                "shown": s.value.map(|v| s.signal.unit.format(v)),
                "baseline": finite(report.baseline(&s.signal.name)),
                "warn": s.signal.warn.as_ref().map(|r| s.signal.describe(r)),
                "critical": s.signal.critical.as_ref().map(|r| s.signal.describe(r)),
                "state": signal_state(report, s),
                "note": s.note,
                "error": s.stale.as_ref().map(|e| e.error.clone()),
            })
        })
        .collect();
    let (code, strictly) = (exit_code(report, strict), exit_code(report, true));
    let warnings = report.health.signals.iter().any(|s| {
        matches!(
            report.condition(s),
            Condition::Warning | Condition::NoBaseline
        )
    });
    format!(
        "{}\n",
        json!({
            "healthy": strictly == EXIT_HEALTHY,
            "warnings": warnings,
            "exit_code": code,
            "targets": targets,
            "signals": signals,
        })
    )
}

#[cfg(test)]
mod tests;
