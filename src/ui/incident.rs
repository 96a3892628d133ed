//! `:incident`: the severity (the team's words, each on its matrix level) and
//! the reason of an incident declared without a rollback.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::columns::clip;
use super::key_names::prose;
use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::dialogs::incident_form::IncidentForm;
use crate::app::{Command, Model};

/// Where a severity row's `covers` starts: marker, word, action.
const ROW_START: usize = 3 + 18 + 1 + 26 + 1;

pub fn render(frame: &mut Frame, area: Rect, form: &IncidentForm, model: &Model, theme: &Theme) {
    let scale = &model.incident_settings.severities;
    let height = u16::try_from(scale.names().len() + 10).unwrap_or(u16::MAX);
    let popup = centered(area, 100, height);
    let mut lines = vec![match &form.trigger {
        Some(rule) => Line::styled(format!("Firing: {rule}"), theme.style(Role::Critical)),
        None => Line::styled("No trigger is firing.", theme.style(Role::Muted)),
    }];
    lines.push(Line::styled(
        "How bad is it? (your scale, on the decision matrix; nothing is rolled back)",
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    ));
    // One row each, never wrapped: what the word covers is cut to the room left.
    let room = usize::from(popup.width.saturating_sub(2)).saturating_sub(ROW_START);
    for (rank, entry) in scale.names().iter().enumerate() {
        let chosen = rank == form.rank;
        // `fix forward: a rollback is not called for` -> `fix forward`.
        let action = entry.level.action().split(':').next().unwrap_or_default();
        lines.push(Line::styled(
            format!(
                " {} {:<18} {:<26} {}",
                if chosen { "▶" } else { " " },
                clip(&entry.label(), 18),
                action,
                clip(entry.covers(), room)
            ),
            if chosen {
                theme.style(Role::Selection)
            } else {
                theme.style(Role::Text)
            },
        ));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Reason: ", theme.style(Role::Muted)),
        Span::styled(format!("{}▏", form.reason), theme.style(Role::Text)),
    ]));
    let settings = &model.incident_settings;
    let mut due = vec![format!(
        "report in {}",
        crate::domain::offset::format_duration(settings.report)
    )];
    due.extend(settings.follow_ups.iter().map(|f| {
        format!(
            "{} in {}",
            f.title,
            crate::domain::offset::format_duration(f.due)
        )
    }));
    lines.push(Line::styled(
        format!("Then due: {}", due.join(" · ")),
        theme.style(Role::Muted),
    ));
    if let Some(message) = &form.message {
        lines.push(Line::styled(
            message.clone(),
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "{}/{} severity · {} asks to declare (journaled, then the report) · {} closes",
            prose(model, Command::IncidentSeverityUp),
            prose(model, Command::IncidentSeverityDown),
            prose(model, Command::IncidentNext),
            prose(model, Command::IncidentClose)
        ),
        theme.style(Role::Muted),
    ));
    let inner = dialog(
        frame,
        popup,
        "Declare an incident",
        BorderType::Double,
        Role::Warn,
        theme,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
