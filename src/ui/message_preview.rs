//! A notify step's part of its details: the message it sends, filled in
//! from the release as it stands now, exactly as it would go out.

use ratatui::style::Modifier;
use ratatui::text::Line;

use super::theme::{Role, Theme};
use crate::app::Model;
use crate::domain::comms::template::render;
use crate::domain::comms::values::{Context, values};

/// The heading and the message's lines, or why there is none.
pub fn lines(template: Option<&str>, model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let Some(view) = &model.release else {
        return Vec::new();
    };
    let Some(name) = template else {
        return vec![
            Line::default(),
            Line::styled(
                "No message: the step names no `template` (notice, announce, in-progress, complete, postponed).",
                theme.style(Role::Muted),
            ),
        ];
    };
    let Some(text) = model.messages.get(name) else {
        return Vec::new();
    };
    let checklist = &view.checklist;
    let readings = match &view.repo_reading {
        Some(Ok(readings)) => Some(readings.as_slice()),
        _ => None,
    };
    let context = Context {
        zone: Some(model.clock.zone),
        window: model
            .calendar
            .calendar
            .train(&checklist.release.name)
            .and_then(|t| t.window),
        readings,
    };
    let filled = render(text, &values(checklist, model.clock.now, &context));
    let origin = model.messages.origin(name).unwrap_or(name);
    let mut lines = vec![
        Line::default(),
        Line::styled(
            format!("Message ({origin}), as it would go out now"),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
    ];
    lines.extend(
        filled
            .lines()
            .map(|l| Line::styled(format!("  {l}"), theme.style(Role::Text))),
    );
    lines
}
