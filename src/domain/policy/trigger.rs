//! One rule followed through time: it fires once the breach has held for the
//! rule's duration, and clears only once the signal has been back within
//! limits for the clear duration (hysteresis). Unknown values change nothing.

use chrono::{DateTime, Duration, Utc};

use super::rule::Rule;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TriggerState {
    Ok,
    /// Breached since `since`, not yet for the rule's duration.
    Pending {
        since: DateTime<Utc>,
    },
    Firing {
        since: DateTime<Utc>,
        value: f64,
    },
    /// Fired, and back within limits since `since`.
    Clearing {
        fired: DateTime<Utc>,
        since: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transition {
    Fired { at: DateTime<Utc>, value: f64 },
    Cleared { at: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub rule: Rule,
    pub state: TriggerState,
    /// How long the signal must stay within limits before a fired rule clears.
    pub clear_after: Duration,
}

impl Trigger {
    /// Clears after as long as it took to fire, and at least a minute.
    pub fn new(rule: Rule) -> Self {
        let clear_after = rule.hold.max(Duration::minutes(1));
        Self {
            rule,
            state: TriggerState::Ok,
            clear_after,
        }
    }

    pub fn is_firing(&self) -> bool {
        matches!(
            self.state,
            TriggerState::Firing { .. } | TriggerState::Clearing { .. }
        )
    }

    /// Takes one reading; says when the rule fires or clears.
    pub fn observe(
        &mut self,
        at: DateTime<Utc>,
        value: Option<f64>,
        baseline: Option<f64>,
    ) -> Option<Transition> {
        let breached = self.rule.breached(value, baseline)?;
        let value = value.unwrap_or(f64::NAN);
        let (next, transition) = match (self.state, breached) {
            (TriggerState::Ok, true) if self.rule.hold <= Duration::zero() => (
                TriggerState::Firing { since: at, value },
                Some(Transition::Fired { at, value }),
            ),
            (TriggerState::Ok, true) => (TriggerState::Pending { since: at }, None),
            (TriggerState::Ok | TriggerState::Pending { .. }, false) => (TriggerState::Ok, None),
            (TriggerState::Pending { since }, true) if at - since >= self.rule.hold => (
                TriggerState::Firing { since: at, value },
                Some(Transition::Fired { at, value }),
            ),
            (pending @ TriggerState::Pending { .. }, true) => (pending, None),
            (TriggerState::Firing { since, .. }, true) => {
                (TriggerState::Firing { since, value }, None)
            }
            (TriggerState::Firing { since, .. }, false) => (
                TriggerState::Clearing {
                    fired: since,
                    since: at,
                },
                None,
            ),
            (TriggerState::Clearing { fired, .. }, true) => (
                TriggerState::Firing {
                    since: fired,
                    value,
                },
                None,
            ),
            (TriggerState::Clearing { since, .. }, false) if at - since >= self.clear_after => {
                (TriggerState::Ok, Some(Transition::Cleared { at }))
            }
            (clearing @ TriggerState::Clearing { .. }, false) => (clearing, None),
        };
        self.state = next;
        transition
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_rule;
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    #[test]
    fn fires_after_the_breach_holds_and_clears_after_the_calm_holds() {
        let mut t = Trigger::new(parse_rule("error_rate > 5% for 2m").unwrap());
        assert_eq!(t.observe(at(0), Some(0.07), None), None);
        assert_eq!(t.observe(at(60), Some(0.08), None), None);
        assert_eq!(
            t.observe(at(120), Some(0.09), None),
            Some(Transition::Fired {
                at: at(120),
                value: 0.09
            })
        );
        assert!(t.is_firing());
        // Back under for a poll, then over again: still the same firing.
        assert_eq!(t.observe(at(150), Some(0.01), None), None);
        assert_eq!(t.observe(at(180), Some(0.06), None), None);
        assert_eq!(
            t.state,
            TriggerState::Firing {
                since: at(120),
                value: 0.06
            }
        );
        // Calm for two minutes (the rule's hold) clears it.
        assert_eq!(t.observe(at(200), Some(0.01), None), None);
        assert_eq!(t.observe(at(300), Some(0.01), None), None);
        assert_eq!(
            t.observe(at(320), Some(0.01), None),
            Some(Transition::Cleared { at: at(320) })
        );
        assert!(!t.is_firing());
    }

    #[test]
    fn a_flapping_signal_never_fires_and_unknown_values_change_nothing() {
        let mut t = Trigger::new(parse_rule("error_rate > 5% for 2m").unwrap());
        for minute in 0..10 {
            let value = if minute % 2 == 0 { 0.07 } else { 0.02 };
            assert_eq!(t.observe(at(minute * 60), Some(value), None), None);
        }
        let mut t = Trigger::new(parse_rule("p99 > 2x baseline for 1m").unwrap());
        assert_eq!(t.observe(at(0), Some(0.9), Some(0.3)), None);
        assert_eq!(t.observe(at(30), None, Some(0.3)), None);
        assert_eq!(
            t.observe(at(45), Some(0.9), None),
            None,
            "no baseline: undecided"
        );
        assert_eq!(t.state, TriggerState::Pending { since: at(0) });
        assert!(matches!(
            t.observe(at(60), Some(0.9), Some(0.3)),
            Some(Transition::Fired { .. })
        ));
    }

    #[test]
    fn a_rule_without_a_duration_fires_at_once() {
        let mut t = Trigger::new(parse_rule("p99 > 2s").unwrap());
        assert!(matches!(
            t.observe(at(0), Some(2.5), None),
            Some(Transition::Fired { .. })
        ));
    }
}
