//! The trigger banner: the first thing on screen while a rollback trigger
//! fires, naming the rule, the value and since when.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::panes::health::Firing;

pub fn render(frame: &mut Frame, area: Rect, firing: &[Firing], model: &Model, theme: &Theme) {
    let Some(first) = firing.first() else {
        return;
    };
    let style = theme
        .style(Role::Critical)
        .add_modifier(Modifier::BOLD | Modifier::REVERSED);
    let unit = model
        .health
        .signals
        .iter()
        .find(|s| s.signal.name == first.signal)
        .map(|s| s.signal.unit);
    let value = match unit {
        _ if first.value.is_nan() => "no value yet".to_owned(),
        Some(u) => u.format(first.value),
        None => first.value.to_string(),
    };
    let what_now = match (
        crate::app::actions::rollback::countdown_left(model),
        &model.rollback,
    ) {
        (Some(left), _) => format!(
            "AUTOMATIC ROLLBACK in {} s: any key cancels",
            left.num_seconds()
        ),
        (None, Some(w)) if w.is_running() => "rollback in progress: R shows it".to_owned(),
        (None, Some(_)) => "R: back to the rollback".to_owned(),
        (None, None) if model.operator.is_read_only() => {
            "read-only here: the cockpit that writes the release rolls back".to_owned()
        }
        (None, None) => "press R for the guided rollback".to_owned(),
    };
    let mut text = format!(
        " ▲ ROLLBACK TRIGGER: {} · now {value} · firing since {} ({} min) · {what_now}",
        first.rule,
        crate::domain::display_time::second(first.since, model.clock.zone),
        (model.clock.now - first.since).num_minutes(),
    );
    if firing.len() > 1 {
        text.push_str(&format!(" · and {} more", firing.len() - 1));
    }
    let pad = usize::from(area.width).saturating_sub(text.chars().count());
    text.push_str(&" ".repeat(pad));
    frame.render_widget(Line::from(Span::styled(text, style)), area);
}
