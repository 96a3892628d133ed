//! One reading of how things stand, shared by the header, the Health pane's
//! state column and `release-cockpit status`, so that they never disagree:
//! each signal's condition, and the counts of what needs attention.

use chrono::{DateTime, Utc};

use crate::app::panes::health::{HealthState, SignalState};
use crate::app::panes::rollout::RolloutState;
use crate::domain::policy::{Comparison, Trigger, TriggerState};
use crate::domain::rollout::RolloutPhase;

/// A signal's state, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// The source failed, or its last value is older than a few intervals.
    Stale,
    /// A critical rule has held for its duration.
    Firing {
        since: DateTime<Utc>,
    },
    /// Fired, and back within limits, not yet for as long as it took to fire.
    Clearing,
    /// Over the critical rule, not yet for its duration.
    Breached,
    /// Over the warn rule.
    Warning,
    /// A `> Nx baseline` rule after a deploy with no baseline to compare
    /// with: the rule cannot say ok.
    NoBaseline,
    /// Nothing read yet.
    Waiting,
    /// Read, but the source gave no number.
    NoValue,
    Ok,
}

impl Condition {
    pub fn word(self) -> &'static str {
        match self {
            Self::Stale => "stale",
            Self::Firing { .. } => "firing",
            Self::Clearing => "clearing",
            Self::Breached => "breached",
            Self::Warning => "warning",
            Self::NoBaseline => "no baseline",
            Self::Waiting => "waiting",
            Self::NoValue => "no value",
            Self::Ok => "ok",
        }
    }
}

fn over(trigger: &Option<Trigger>) -> bool {
    trigger
        .as_ref()
        .is_some_and(|t| !matches!(t.state, TriggerState::Ok))
}

fn needs_baseline(trigger: &Option<Trigger>) -> bool {
    trigger
        .as_ref()
        .is_some_and(|t| matches!(t.rule.comparison, Comparison::AboveBaseline(_)))
}

impl SignalState {
    /// `baseline` is the signal's journaled baseline; `deployed` whether the
    /// release has deployed (before that a baseline rule has nothing to
    /// compare with, and says nothing).
    pub fn condition(
        &self,
        baseline: Option<f64>,
        deployed: bool,
        now: DateTime<Utc>,
    ) -> Condition {
        if self.stale.is_some() || self.is_late(now) {
            return Condition::Stale;
        }
        if let Some(t) = &self.critical {
            match t.state {
                TriggerState::Firing { since, .. } => return Condition::Firing { since },
                TriggerState::Clearing { .. } => return Condition::Clearing,
                TriggerState::Pending { .. } => return Condition::Breached,
                TriggerState::Ok => {}
            }
        }
        if over(&self.warn) {
            return Condition::Warning;
        }
        let unmeasured = needs_baseline(&self.critical) || needs_baseline(&self.warn);
        if unmeasured && deployed && baseline.is_none() {
            return Condition::NoBaseline;
        }
        match (self.value, self.received) {
            (_, None) => Condition::Waiting,
            (None, Some(_)) => Condition::NoValue,
            (Some(_), Some(_)) => Condition::Ok,
        }
    }
}

/// What the header counts. A firing rule on a stale signal counts as both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alerts {
    pub firing: usize,
    pub breached: usize,
    pub failed_rollouts: usize,
    /// Over a warn rule, or a baseline rule without its baseline.
    pub warnings: usize,
    /// Signals and targets whose data is not fresh.
    pub stale: usize,
    /// Sources that have not reported yet.
    pub waiting: usize,
    /// Sources that answer without a number (an empty query result): not
    /// healthy either, as `status` says.
    pub no_value: usize,
}

impl Alerts {
    pub fn count(
        health: &HealthState,
        rollout: &RolloutState,
        baseline: impl Fn(&str) -> Option<f64>,
        deployed: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let mut alerts = Self::default();
        for s in &health.signals {
            if s.critical.as_ref().is_some_and(Trigger::is_firing) {
                alerts.firing += 1;
            }
            match s.condition(baseline(&s.signal.name), deployed, now) {
                Condition::Stale => alerts.stale += 1,
                Condition::Breached => alerts.breached += 1,
                Condition::Warning | Condition::NoBaseline => alerts.warnings += 1,
                Condition::Waiting => alerts.waiting += 1,
                Condition::NoValue => alerts.no_value += 1,
                _ => {}
            }
        }
        for target in &rollout.targets {
            if target.stale.is_some() {
                alerts.stale += 1;
            } else if target.received.is_none() {
                alerts.waiting += 1;
            }
            alerts.failed_rollouts += target
                .units
                .iter()
                .filter(|d| d.phase == RolloutPhase::Failed)
                .count();
        }
        alerts
    }

    /// Every count that is not zero, worst first, as the header says them:
    /// `2 FIRING`, `1 BREACHED`, `1 ROLLOUT FAILED`, `3 WARNINGS`, `2 STALE`.
    pub fn parts(&self) -> Vec<(String, Severity)> {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        [
            (self.firing, "FIRING", "FIRING", Severity::Critical),
            (self.breached, "BREACHED", "BREACHED", Severity::Critical),
            (
                self.failed_rollouts,
                "ROLLOUT FAILED",
                "ROLLOUTS FAILED",
                Severity::Critical,
            ),
            (self.warnings, "WARNING", "WARNINGS", Severity::Warning),
            (self.stale, "STALE", "STALE", Severity::Stale),
            (self.no_value, "NO VALUE", "NO VALUE", Severity::Stale),
            (self.waiting, "WAITING", "WAITING", Severity::Quiet),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many, severity)| (plural(n, one, many), severity))
        .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Critical,
    Warning,
    Stale,
    Quiet,
}

#[cfg(test)]
mod tests;
