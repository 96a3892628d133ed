//! `[[signal]] notify`: a rule that fires is said once to its level's
//! channel, and once more when it clears. Whether it was said comes from
//! the journal, so a restart that replays a breach does not say it again.

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::app::panes::health::RuleChange;
use crate::domain::comms::routes::{Level, about};

pub const FIRING: &str = "alert";
pub const CLEARED: &str = "alert-cleared";

pub fn route(model: &mut Model, level: Level, change: &RuleChange) -> Vec<Effect> {
    let (signal, rule, firing) = match change {
        RuleChange::Fired(firing) => (&firing.signal, &firing.rule, true),
        RuleChange::Cleared { rule, signal } => (signal, rule, false),
    };
    let Some(channel) = model.alert_routes.channel(signal, level).map(str::to_owned) else {
        return Vec::new();
    };
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let about = about(signal, level);
    let said = view
        .checklist
        .messages
        .last(&about)
        .is_some_and(|last| last.template == FIRING);
    // Fired and said, or cleared and not said: nothing new to say.
    if firing == said {
        return Vec::new();
    }
    let state = model
        .health
        .signals
        .iter()
        .find(|s| &s.signal.name == signal);
    let value = state.and_then(|s| s.value).map_or_else(
        || "no value".to_owned(),
        |v| state.map_or(String::new(), |s| s.signal.unit.format(v)),
    );
    let mut extra = vec![
        ("signal", signal.clone()),
        (
            "level",
            match level {
                Level::Warn => "Warning".to_owned(),
                Level::Critical => "Critical".to_owned(),
            },
        ),
        ("rule", rule.clone()),
        ("value", value),
    ];
    if let RuleChange::Fired(firing) = change {
        extra.push((
            "since",
            crate::domain::display_time::near(firing.since, model.clock.now, model.clock.zone),
        ));
    }
    let template = if firing { FIRING } else { CLEARED };
    let Some(text) = crate::app::messages::filled_with(model, template, extra) else {
        return Vec::new();
    };
    crate::app::actions::outgoing::send(model, about, template, &channel, text)
}
