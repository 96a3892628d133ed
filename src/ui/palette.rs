//! The `:` palette: a query line and the matching commands.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Row, Table, TableState};

use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::dialogs::palette::Palette;

pub fn render(frame: &mut Frame, area: Rect, palette: &Palette, model: &Model, theme: &Theme) {
    let matches = palette.matches();
    // Names are never cut; keys only past 16 columns (a dialog's key that
    // moves the focus has four); the description takes what is left.
    let names_width = matches
        .iter()
        .map(|c| c.name().len())
        .max()
        .unwrap_or(0)
        .max(16);
    let keys_width = matches
        .iter()
        .map(|c| model.keymap.describe(*c).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, 16);
    let wanted = u16::try_from(names_width + keys_width + 36).unwrap_or(u16::MAX);
    let width = wanted.max(72).min(area.width);
    let height = (matches.len() as u16 + 3).clamp(4, 16).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 2.min(area.height - height),
        width,
        height,
    };
    let inner = dialog(
        frame,
        popup,
        "Commands",
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    if inner.height == 0 {
        return;
    }

    let query = Line::from(vec![
        Span::styled(": ", theme.style(Role::Accent)),
        Span::styled(palette.query.clone(), theme.style(Role::Text)),
        Span::styled("▏", theme.style(Role::Accent)),
    ]);
    frame.render_widget(query, Rect { height: 1, ..inner });

    let list_area = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    if matches.is_empty() {
        frame.render_widget(
            Line::styled("no command matches", theme.style(Role::Muted)),
            list_area,
        );
        return;
    }
    let rows = matches.iter().map(|command| {
        let spec = command.spec();
        Row::new(vec![
            Span::raw(spec.name),
            Span::raw(model.keymap.describe(*command)),
            Span::raw(spec.doc),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(u16::try_from(names_width).unwrap_or(u16::MAX)),
            Constraint::Length(u16::try_from(keys_width).unwrap_or(u16::MAX)),
            Constraint::Fill(1),
        ],
    )
    .style(theme.style(Role::Text))
    .row_highlight_style(theme.style(Role::Selection));
    let mut state = TableState::default().with_selected(Some(palette.selected));
    frame.render_stateful_widget(table, list_area, &mut state);
}
