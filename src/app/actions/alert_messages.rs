//! `[[signal]] notify`: a rule that fires is said once to its level's
//! channel, and once more when it clears. What was said comes from the
//! journal, and each reading compares it with the rule's state, so a
//! restart that replays a breach does not say it again, a firing that
//! failed to go out is tried again, and a clearing is said only of a firing
//! that went out.

use chrono::{DateTime, Duration, Utc};

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::domain::comms::routes::{Level, about};
use crate::domain::policy::{Trigger, TriggerState};

pub const FIRING: &str = "alert";
pub const CLEARED: &str = "alert-cleared";

/// A failed alert is tried again this long after its last try...
const RETRY_AFTER: Duration = Duration::minutes(1);
/// ...this many times in all; each failure is a warning on screen.
const TRIES: usize = 5;

/// After a reading of `signal`: what its routed rules need said now.
pub fn reconcile(model: &mut Model, signal: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for level in [Level::Warn, Level::Critical] {
        effects.extend(reconcile_level(model, signal, level));
    }
    effects
}

fn reconcile_level(model: &mut Model, signal: &str, level: Level) -> Vec<Effect> {
    let Some(channel) = model.alert_routes.channel(signal, level).map(str::to_owned) else {
        return Vec::new();
    };
    let Some(state) = model
        .health
        .signals
        .iter()
        .find(|s| s.signal.name == signal)
    else {
        return Vec::new();
    };
    let trigger = match level {
        Level::Warn => state.warn.as_ref(),
        Level::Critical => state.critical.as_ref(),
    };
    let Some(trigger) = trigger else {
        return Vec::new();
    };
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let about = about(signal, level);
    let messages = &view.checklist.messages;
    let said_firing = messages
        .delivered(&about)
        .is_some_and(|last| last.template == FIRING);
    // Firing and said, or not firing and never said (or said cleared).
    if trigger.is_firing() == said_firing {
        return Vec::new();
    }
    let template = if trigger.is_firing() { FIRING } else { CLEARED };
    let tries: Vec<_> = messages
        .tries_since_delivered(&about)
        .into_iter()
        .filter(|t| t.template == template)
        .collect();
    let now = model.clock.now;
    let waiting = tries.last().is_some_and(|last| last.at + RETRY_AFTER > now);
    if tries.len() >= TRIES || waiting {
        return Vec::new();
    }
    let rule = state.signal.describe(&trigger.rule);
    let value = state
        .value
        .map_or_else(|| "no value".to_owned(), |v| state.signal.unit.format(v));
    let mut extra = vec![
        ("signal", signal.to_owned()),
        (
            "level",
            match level {
                Level::Warn => "Warning".to_owned(),
                Level::Critical => "Critical".to_owned(),
            },
        ),
        ("rule", rule),
        ("value", value),
    ];
    if let Some(since) = fired_at(trigger) {
        extra.push((
            "since",
            crate::domain::display_time::near(since, now, model.clock.zone),
        ));
    }
    let Some(text) = crate::app::messages::filled_with(model, template, extra) else {
        return Vec::new();
    };
    crate::app::actions::outgoing::send(model, about, template, &channel, text)
}

fn fired_at(trigger: &Trigger) -> Option<DateTime<Utc>> {
    match trigger.state {
        TriggerState::Firing { since, .. } => Some(since),
        TriggerState::Clearing { fired, .. } => Some(fired),
        TriggerState::Ok | TriggerState::Pending { .. } => None,
    }
}
