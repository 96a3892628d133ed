//! What health readings and the Health pane's keys do: fold a poll in, say
//! at once when a rollback trigger fires (banner, bell, journal), and take
//! each signal's baseline when a deploy starts.

use crate::app::effect::Effect;
use chrono::{DateTime, Utc};

use crate::app::actions::alert_messages;
use crate::app::model::Model;
use crate::app::panes::health::RuleChange;
use crate::app::panes::rollout::ImageChange;
use crate::domain::events::{Event, Number, Recorded};
use crate::domain::health::SignalUpdate;

pub fn on_signal(model: &mut Model, update: SignalUpdate) -> Vec<Effect> {
    // The clock moves on with the data: between its minute ticks it would
    // stamp staleness, charts and countdowns with an old time.
    model.clock.now = model.clock.now.max(update.at());
    let now = model.clock.now;
    let signal = update.signal().to_owned();
    let release = model.release.as_ref().map(|r| &r.checklist);
    let changes = model.health.apply_all(
        update,
        |signal| release.and_then(|c| c.baseline(signal)),
        now,
    );
    model.mark_changed();
    let mut effects = Vec::new();
    if let Some(change) = changes.critical {
        effects.extend(critical_changed(model, change));
    }
    // Said after the trigger is journaled.
    effects.extend(alert_messages::reconcile(model, &signal));
    effects
}

/// A critical rule fired or cleared: the banner and bell, the wizard's
/// prefill, and the journal line (by the writer).
fn critical_changed(model: &mut Model, change: RuleChange) -> Vec<Effect> {
    let mut effects = Vec::new();
    // The writer journals; a follower sees the writer's lines instead.
    let journals = model.release.is_some() && !model.operator.is_read_only();
    let open = |rule: &str| {
        model
            .release
            .as_ref()
            .is_some_and(|r| r.checklist.open_triggers.contains_key(rule))
    };
    match change {
        RuleChange::Fired(firing) => {
            let journal = journals && !open(&firing.rule);
            crate::app::actions::rollback::on_fired(model, &firing);
            effects.push(Effect::Bell);
            if journal {
                effects.push(Effect::Record(Event::TriggerFired {
                    rule: firing.rule,
                    signal: firing.signal,
                    value: Number(firing.value),
                    since: firing.since,
                }));
            }
        }
        RuleChange::Cleared { rule, signal } => {
            let journal = journals && open(&rule);
            crate::app::actions::rollback::on_cleared(model, &rule);
            if journal {
                effects.push(Effect::Record(Event::TriggerCleared { rule, signal }));
            }
        }
    }
    effects
}

/// A deploy is durable: journal each signal's level over its baseline window
/// before it, from what the pane has seen (Prometheus brings the last hour).
pub fn after_recorded(model: &Model, recorded: &Recorded) -> Vec<Effect> {
    if model.operator.is_read_only() {
        return Vec::new();
    }
    let Event::DeployRequested { dry_run: false, .. } = &recorded.event else {
        return Vec::new();
    };
    baselines(model, recorded.at)
}

/// Each signal's mean over its baseline window before `at`.
fn baselines(model: &Model, at: DateTime<Utc>) -> Vec<Effect> {
    model
        .health
        .signals
        .iter()
        .map(|s| {
            let (from, to) = (at - s.signal.baseline_window, at);
            let mean = s.points.mean_between(from, to);
            Effect::Record(Event::BaselineCaptured {
                signal: s.signal.name.clone(),
                value: mean.map(|(v, _)| Number(v)),
                from,
                to,
                points: mean.map_or(0, |(_, n)| n),
            })
        })
        .collect()
}

/// A rollout moved that the journal holds nothing about (`kubectl set image`,
/// CI): journal it, and take baselines from the series held before it, so
/// that `> 2x baseline` rules hold it to the level before. Rollouts of this
/// cockpit's own deploy or rollback are left alone.
pub fn external_rollouts(model: &Model, changes: &[ImageChange]) -> Vec<Effect> {
    let Some(checklist) = model.release.as_ref().map(|r| &r.checklist) else {
        return Vec::new();
    };
    if model.operator.is_read_only() || changes.is_empty() {
        return Vec::new();
    }
    let now = model.clock.now;
    let ours = |c: &ImageChange| {
        checklist
            .last_deploy_targets
            .iter()
            .any(|line| c.deployed_as(line))
            || checklist.rollback.as_ref().is_some_and(|r| {
                now - r.at < chrono::Duration::hours(1)
                    && r.items
                        .iter()
                        .any(|i| i.namespace == c.namespace && i.name == c.name)
            })
    };
    let foreign: Vec<String> = changes
        .iter()
        .filter(|c| !ours(c))
        .map(|c| format!("{}/{} {} -> {}", c.namespace, c.name, c.from, c.to))
        .collect();
    if foreign.is_empty() {
        return Vec::new();
    }
    let mut effects = vec![Effect::Record(Event::ExternalRolloutSeen {
        changes: foreign,
    })];
    // One rollout often moves several Deployments, seen a moment apart: the
    // first takes the baselines, which the window after it would spoil.
    let recent = checklist
        .last_deploy
        .is_some_and(|at| now - at < chrono::Duration::minutes(2));
    if !recent {
        effects.extend(baselines(model, now));
    }
    effects
}

#[cfg(test)]
mod tests;
