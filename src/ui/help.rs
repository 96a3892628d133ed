//! The `?` overlay: every command with its current keys, from the command table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Row, Table};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::{COMMANDS, Model};

pub fn render(frame: &mut Frame, area: Rect, scroll: u16, model: &Model, theme: &Theme) {
    let height = (COMMANDS.len() as u16 + 5).min(area.height.saturating_sub(2));
    let popup = centered(area, 96, height);
    let inner = dialog(
        frame,
        popup,
        "Keys",
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    if inner.height == 0 {
        return;
    }

    let rows_area = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let visible = rows_area.height as usize;
    // Never scroll past the last page.
    let first = (scroll as usize).min(COMMANDS.len().saturating_sub(visible));
    let rows = COMMANDS.iter().skip(first).map(|spec| {
        Row::new(vec![
            Span::styled(
                model.keymap.describe(spec.command),
                theme.style(Role::Accent),
            ),
            Span::styled(spec.name, theme.style(Role::Text)),
            Span::styled(spec.doc, theme.style(Role::Muted)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(14),
            Constraint::Length(16),
            Constraint::Fill(1),
        ],
    );
    frame.render_widget(table, rows_area);

    let note_area = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    let note = Line::styled(
        "Remap any command under [keys] in your config (see config.example.toml)",
        theme.style(Role::Muted),
    );
    frame.render_widget(Paragraph::new(note), note_area);
}
