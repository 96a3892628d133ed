//! The `:releases` overlay: every release on record, newest first, with its
//! type, version, T-0, outcome, how long it took and its incidents; Enter
//! opens the selected one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{BorderType, Paragraph, Row, Table, TableState};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::domain::checklist::Outcome;
use crate::domain::delivery::ReleaseFacts;
use crate::domain::display_time;
use crate::domain::offset::format_duration;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    list: Option<&[ReleaseFacts]>,
    selected: usize,
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.saturating_sub(4),
    );
    let title = match list {
        Some(list) => format!("Releases ({}, newest first; enter opens)", list.len()),
        None => "Releases".to_owned(),
    };
    let inner = dialog(
        frame,
        popup,
        &title,
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    let Some(list) = list else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "Reading every journal…",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    };
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No release on record: start one with :release-new or `release-cockpit start`.",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
    let header = Row::new([
        "ID",
        "TYPE",
        "VERSION",
        "T-0",
        "OUTCOME",
        "TOOK",
        "INCIDENTS",
    ])
    .style(theme.style(Role::Muted).add_modifier(Modifier::BOLD));
    let rows = list.iter().map(|f| {
        let role = match f.outcome {
            Outcome::Released { .. } => Role::Ok,
            Outcome::RolledBack { .. } => Role::Critical,
            Outcome::InProgress { .. } => Role::Accent,
            Outcome::Postponed { .. } => Role::Warn,
            Outcome::Upcoming | Outcome::Abandoned { .. } => Role::Muted,
        };
        Row::new(vec![
            ratatui::text::Span::styled(f.id.clone(), theme.style(Role::Text)),
            ratatui::text::Span::styled(f.kind.to_string(), theme.style(Role::Text)),
            ratatui::text::Span::styled(f.version.clone(), theme.style(Role::Text)),
            ratatui::text::Span::styled(
                display_time::date_time(f.t0, model.clock.zone),
                theme.style(Role::Text),
            ),
            ratatui::text::Span::styled(f.outcome.name(), theme.style(role)),
            ratatui::text::Span::styled(
                f.duration.map_or_else(|| "-".to_owned(), format_duration),
                theme.style(Role::Text),
            ),
            ratatui::text::Span::styled(
                if f.incidents == 0 {
                    "-".to_owned()
                } else {
                    f.incidents.to_string()
                },
                theme.style(if f.incidents == 0 {
                    Role::Muted
                } else {
                    Role::Warn
                }),
            ),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(9),
            Constraint::Length(11),
            Constraint::Length(22),
            Constraint::Length(11),
            Constraint::Length(9),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .row_highlight_style(theme.style(Role::Selection));
    let mut state = TableState::default().with_selected(Some(selected.min(list.len() - 1)));
    frame.render_stateful_widget(table, inner, &mut state);
}
