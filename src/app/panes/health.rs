//! The Health pane's state: each signal's last value, its series, how fresh
//! it is, and its warn and critical rules followed through time. Baselines
//! are not kept here: they are journaled at deploy and read from the release.

use chrono::{DateTime, Duration, Utc};

use super::rollout::Stale;
use crate::domain::health::{Points, Signal, SignalReading, SignalUpdate};
use crate::domain::policy::{Transition, Trigger, TriggerState};

/// A value older than this many poll intervals is shown as late.
const LATE_AFTER_INTERVALS: i32 = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct SignalState {
    pub signal: Signal,
    pub points: Points,
    /// The last value read, `None` while the source gives no number.
    pub value: Option<f64>,
    /// Why there is no number, or what else the source said.
    pub note: Option<String>,
    /// When the last good reading came in.
    pub received: Option<DateTime<Utc>>,
    pub stale: Option<Stale>,
    pub warn: Option<Trigger>,
    pub critical: Option<Trigger>,
    /// Points the last poll fetched (Prometheus range queries).
    pub points_fetched: usize,
}

impl SignalState {
    fn new(signal: Signal) -> Self {
        Self {
            warn: signal.warn.clone().map(Trigger::new),
            critical: signal.critical.clone().map(Trigger::new),
            signal,
            points: Points::default(),
            value: None,
            note: None,
            received: None,
            stale: None,
            points_fetched: 0,
        }
    }

    /// When the value stops being fresh: a few poll intervals after it came.
    pub fn late_at(&self) -> Option<DateTime<Utc>> {
        self.received
            .map(|at| at + self.signal.interval * LATE_AFTER_INTERVALS)
    }

    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        self.late_at().is_some_and(|late| now >= late)
    }

    /// The worst state of its rules: 2 firing critical, 1 warn, 0 fine.
    pub fn level(&self) -> u8 {
        let firing = |t: &Option<Trigger>| t.as_ref().is_some_and(Trigger::is_firing);
        if firing(&self.critical) {
            2
        } else if firing(&self.warn) {
            1
        } else {
            0
        }
    }
}

/// A critical rule that fired, for the banner.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    pub rule: String,
    pub signal: String,
    pub value: f64,
    pub since: DateTime<Utc>,
}

/// What a reading changed in the critical rules.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleChange {
    Fired(Firing),
    Cleared { rule: String, signal: String },
}

/// What one poll changed in a signal's two rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleChanges {
    pub critical: Option<RuleChange>,
    /// The warn rule entered or left (with the same hysteresis): what
    /// `notify = { warn = ... }` routes.
    pub warn: Option<RuleChange>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HealthState {
    pub signals: Vec<SignalState>,
    pub selected: usize,
    /// How far back the charts go.
    pub chart_range: Duration,
}

impl Default for HealthState {
    fn default() -> Self {
        Self::new(Vec::new(), Duration::hours(1))
    }
}

impl HealthState {
    pub fn new(signals: Vec<Signal>, chart_range: Duration) -> Self {
        Self {
            signals: signals.into_iter().map(SignalState::new).collect(),
            selected: 0,
            chart_range,
        }
    }

    pub fn is_configured(&self) -> bool {
        !self.signals.is_empty()
    }

    /// After a restart: rules the journal has as fired and not cleared start
    /// out firing, so they clear (and are journaled as cleared) only through
    /// the hysteresis, and fire again only after that.
    pub fn restore_open<'a>(
        &mut self,
        open: impl IntoIterator<Item = (&'a String, &'a DateTime<Utc>)>,
    ) {
        for (rule, fired) in open {
            for s in &mut self.signals {
                let text = s.critical.as_ref().map(|t| s.signal.describe(&t.rule));
                if text.as_ref() == Some(rule)
                    && let Some(trigger) = s.critical.as_mut()
                {
                    trigger.state = TriggerState::Firing {
                        since: *fired,
                        value: f64::NAN,
                    };
                }
            }
        }
    }

    /// After a restart: warn rules whose firing was said (and not yet its
    /// clearing, `said_at` tells when) start out firing, so their clearing
    /// is said once they clear through the hysteresis, and not before.
    pub fn restore_warned(&mut self, said_at: impl Fn(&str) -> Option<DateTime<Utc>>) {
        for s in &mut self.signals {
            let Some(trigger) = s.warn.as_mut() else {
                continue;
            };
            if let Some(at) = said_at(&s.signal.name)
                && !trigger.is_firing()
            {
                trigger.state = TriggerState::Firing {
                    since: at,
                    value: f64::NAN,
                };
            }
        }
    }

    /// Folds one poll in; `baseline` is the signal's journaled baseline.
    /// Returns what changed in its critical rule.
    pub fn apply(
        &mut self,
        update: SignalUpdate,
        baseline: impl Fn(&str) -> Option<f64>,
        now: DateTime<Utc>,
    ) -> Option<RuleChange> {
        self.apply_all(update, baseline, now).critical
    }

    /// [`Self::apply`], with what changed in the warn rule too.
    pub fn apply_all(
        &mut self,
        update: SignalUpdate,
        baseline: impl Fn(&str) -> Option<f64>,
        now: DateTime<Utc>,
    ) -> RuleChanges {
        let Some(view) = self
            .signals
            .iter_mut()
            .find(|s| s.signal.name == update.signal())
        else {
            return RuleChanges::default();
        };
        match update {
            SignalUpdate::Failed { error, .. } => {
                let since = view.stale.as_ref().map_or(now, |s| s.since);
                view.stale = Some(Stale { since, error });
                RuleChanges::default()
            }
            SignalUpdate::Reading { reading, .. } => {
                let baseline = baseline(&view.signal.name);
                apply_reading(view, reading, baseline)
            }
        }
    }

    /// Every critical rule firing now, oldest first.
    pub fn firing(&self) -> Vec<Firing> {
        let mut out: Vec<Firing> = self
            .signals
            .iter()
            .filter_map(|s| {
                let trigger = s.critical.as_ref()?;
                let (since, value) = match trigger.state {
                    TriggerState::Firing { since, value } => (since, value),
                    TriggerState::Clearing { fired, .. } => (fired, s.value.unwrap_or(f64::NAN)),
                    _ => return None,
                };
                Some(Firing {
                    rule: s.signal.describe(&trigger.rule),
                    signal: s.signal.name.clone(),
                    value,
                    since,
                })
            })
            .collect();
        out.sort_by_key(|f| f.since);
        out
    }

    /// The next moment the pane would look different with no new data: a
    /// value turning late.
    pub fn next_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.signals
            .iter()
            .filter_map(SignalState::late_at)
            .filter(|at| *at > now)
            .min()
    }

    pub fn move_selection(&mut self, delta: isize) {
        let len = self.signals.len();
        if len > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(len - 1);
        }
    }
}

fn apply_reading(
    view: &mut SignalState,
    reading: SignalReading,
    baseline: Option<f64>,
) -> RuleChanges {
    let first = view.received.is_none();
    view.stale = None;
    view.received = Some(reading.at);
    view.note = reading.note;
    view.points_fetched = reading.points_fetched;
    let mut replayed = RuleChanges::default();
    if let Some(history) = &reading.history {
        // A trigger seeing its first data replays the history it brings, so a
        // restart finds a breach that has been holding for minutes.
        if first {
            for (at, value) in history.iter().filter(|(at, _)| *at < reading.at) {
                replayed = observe(view, *at, Some(*value), baseline).or(replayed);
            }
        }
        view.points.replace_from(history);
    }
    view.value = reading.value;
    if let Some(value) = reading.value {
        view.points.push(reading.at, value);
    }
    observe(view, reading.at, reading.value, baseline).or(replayed)
}

impl RuleChanges {
    /// Each rule's change, else `earlier`'s.
    fn or(self, earlier: Self) -> Self {
        Self {
            critical: self.critical.or(earlier.critical),
            warn: self.warn.or(earlier.warn),
        }
    }
}

/// Feeds both rules; reports their transitions.
fn observe(
    view: &mut SignalState,
    at: DateTime<Utc>,
    value: Option<f64>,
    baseline: Option<f64>,
) -> RuleChanges {
    let signal = &view.signal;
    let warn = view
        .warn
        .as_mut()
        .and_then(|t| change(signal, t, at, value, baseline));
    let critical = view
        .critical
        .as_mut()
        .and_then(|t| change(signal, t, at, value, baseline));
    RuleChanges { critical, warn }
}

fn change(
    signal: &Signal,
    trigger: &mut Trigger,
    at: DateTime<Utc>,
    value: Option<f64>,
    baseline: Option<f64>,
) -> Option<RuleChange> {
    let critical = trigger;
    let rule = signal.describe(&critical.rule);
    let signal = signal.name.clone();
    match critical.observe(at, value, baseline)? {
        Transition::Fired { at: _, value } => {
            let since = match critical.state {
                TriggerState::Firing { since, .. } => since,
                _ => at,
            };
            Some(RuleChange::Fired(Firing {
                rule,
                signal,
                value,
                since,
            }))
        }
        Transition::Cleared { .. } => Some(RuleChange::Cleared { rule, signal }),
    }
}

#[cfg(test)]
mod tests;
