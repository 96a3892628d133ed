//! Rollback triggers as pure policy: a rule (`error_rate > 5% for 2m`,
//! `p99 > 2x baseline for 5m`, `health failing for 5m`), and a trigger that
//! follows one signal's values through time with hysteresis, so that a
//! flapping signal neither fires nor clears on every poll.

mod rule;
mod trigger;

pub use rule::{Comparison, Rule, RuleError, parse_rule};
pub use trigger::{Transition, Trigger, TriggerState};
