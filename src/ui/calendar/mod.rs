//! The Calendar pane: a month grid (written with chrono) beside the selected
//! day's releases, the agenda with countdowns, and the conflicts ahead.

mod grid;
mod lines;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::Model;

/// The grid's width: seven four-column days.
const GRID_WIDTH: u16 = 28;
/// Title, weekday header and six weeks.
const GRID_HEIGHT: u16 = 8;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let view = &model.calendar;
    let now = model.clock.now;
    if area.width >= GRID_WIDTH + 30 {
        let [left, _, right] = Layout::horizontal([
            Constraint::Length(GRID_WIDTH),
            Constraint::Length(2),
            Constraint::Min(0),
        ])
        .areas(area);
        let [grid_area, legend_area] =
            Layout::vertical([Constraint::Length(GRID_HEIGHT + 1), Constraint::Min(0)]).areas(left);
        frame.render_widget(grid::grid(view, now, theme), grid_area);
        frame.render_widget(Paragraph::new(grid::legend(theme)), legend_area);
        let mut text = lines::day(view, model, theme);
        text.push(ratatui::text::Line::default());
        text.extend(lines::conflicts(view, now, theme));
        let room = usize::from(right.height).saturating_sub(text.len());
        text.extend(lines::agenda(view, now, theme, room));
        frame.render_widget(Paragraph::new(text), right);
    } else {
        let [grid_area, rest] =
            Layout::vertical([Constraint::Length(GRID_HEIGHT), Constraint::Min(0)]).areas(area);
        frame.render_widget(grid::grid(view, now, theme), grid_area);
        let mut text = lines::day(view, model, theme);
        text.extend(lines::conflicts(view, now, theme));
        let room = usize::from(rest.height).saturating_sub(text.len());
        text.extend(lines::agenda(view, now, theme, room));
        frame.render_widget(Paragraph::new(text), rest);
    }
}
