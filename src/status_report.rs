//! `release-cockpit status`: the targets' rollout state and every signal's
//! value, rules and trigger state, read once, for scripts. Exit code 0 when
//! healthy, 1 when a critical rule fires (or is breached now), 2 when
//! something could not be read.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::sync::mpsc;

use crate::adapters::kubernetes::{KubeTarget, watch_target};
use crate::app::health_view::{HealthView, SignalView};
use crate::domain::health::{Signal, SignalUpdate};
use crate::domain::policy::TriggerState;
use crate::domain::rollout::{RolloutPhase, RolloutUpdate};
use crate::runtime::signal_reader::SignalReader;

pub const EXIT_HEALTHY: i32 = 0;
pub const EXIT_FIRING: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// How long a target's first LIST may take before it counts as unreachable.
const TARGET_WAIT: Duration = Duration::from_secs(15);

pub struct Report {
    pub targets: Vec<RolloutUpdate>,
    pub health: HealthView,
}

/// Reads everything once. Scrape signals are read twice, a short gap apart,
/// since rates need two scrapes.
pub async fn gather(
    targets: Vec<KubeTarget>,
    signals: Vec<Signal>,
    chart: chrono::Duration,
    baseline: impl Fn(&str) -> Option<f64>,
) -> Report {
    let rollouts = futures::future::join_all(targets.into_iter().map(first_report));
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
    let (targets, readings) = futures::join!(rollouts, readings);
    let mut health = HealthView::new(signals, chart);
    for update in readings {
        health.apply(update, &baseline, Utc::now());
    }
    Report { targets, health }
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

/// `firing`, `breached`, `ok`, `unknown` or `error` for one signal.
fn signal_state(s: &SignalView) -> &'static str {
    if s.stale.is_some() {
        return "error";
    }
    match s.critical.as_ref().map(|t| t.state) {
        Some(TriggerState::Firing { .. } | TriggerState::Clearing { .. }) => "firing",
        Some(TriggerState::Pending { .. }) => "breached",
        _ if s.value.is_none() => "unknown",
        _ => "ok",
    }
}

pub fn exit_code(report: &Report) -> i32 {
    let states: Vec<&str> = report.health.signals.iter().map(signal_state).collect();
    if states.iter().any(|s| matches!(*s, "firing" | "breached")) {
        return EXIT_FIRING;
    }
    let target_failed = report
        .targets
        .iter()
        .any(|t| matches!(t, RolloutUpdate::Stale { .. }));
    if target_failed || states.contains(&"error") {
        EXIT_ERROR
    } else {
        EXIT_HEALTHY
    }
}

pub fn text(report: &Report, baseline: impl Fn(&str) -> Option<f64>) -> String {
    let mut out = String::new();
    if report.targets.is_empty() {
        out.push_str("targets: none configured\n");
    }
    for target in &report.targets {
        match target {
            RolloutUpdate::Snapshot {
                target,
                deployments,
            } => {
                if deployments.is_empty() {
                    out.push_str(&format!("{target}: no Deployments match\n"));
                }
                for d in deployments {
                    out.push_str(&format!(
                        "{target}: {}/{} {} rev {} {}/{} updated, {} available: {}\n",
                        d.namespace,
                        d.name,
                        crate::domain::rollout::image_tag(&d.image),
                        d.revision,
                        d.updated,
                        d.desired,
                        d.available,
                        phase(d.phase)
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
        let base = baseline(&s.signal.name)
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
            signal_state(s),
            rules.join("; ")
        ));
    }
    out
}

pub fn json(report: &Report, baseline: impl Fn(&str) -> Option<f64>) -> String {
    let targets: Vec<_> = report
        .targets
        .iter()
        .map(|t| match t {
            RolloutUpdate::Snapshot {
                target,
                deployments,
            } => json!({
                "target": target,
                "deployments": deployments.iter().map(|d| json!({
                    "namespace": d.namespace, "name": d.name, "image": d.image,
                    "revision": d.revision, "desired": d.desired, "updated": d.updated,
                    "available": d.available, "state": phase(d.phase), "message": d.message,
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
                "baseline": finite(baseline(&s.signal.name)),
                "warn": s.signal.warn.as_ref().map(|r| s.signal.describe(r)),
                "critical": s.signal.critical.as_ref().map(|r| s.signal.describe(r)),
                "state": signal_state(s),
                "note": s.note,
                "error": s.stale.as_ref().map(|e| e.error.clone()),
            })
        })
        .collect();
    let code = exit_code(report);
    format!(
        "{}\n",
        json!({"healthy": code == EXIT_HEALTHY, "exit_code": code, "targets": targets, "signals": signals})
    )
}

fn phase(phase: RolloutPhase) -> &'static str {
    match phase {
        RolloutPhase::Complete => "complete",
        RolloutPhase::Progressing => "progressing",
        RolloutPhase::Failed => "failed",
        RolloutPhase::Paused => "paused",
    }
}
