//! The Calendar pane: a month grid (written with chrono) beside the selected
//! day's releases, the agenda with countdowns, and the conflicts ahead.

mod grid;
mod lines;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::layout::{Need, PANE_FRAME};
use super::theme::Theme;
use crate::app::Model;

/// The grid's width: seven four-column days.
const GRID_WIDTH: u16 = 28;
/// Title, weekday header and six weeks.
const GRID_HEIGHT: u16 = 8;
/// Narrower than the grid and this much text beside it, the text goes below.
const SIDE_TEXT_MIN: u16 = 30;
/// How many agenda lines are measured for the pane's width: a wider one
/// further down is cut.
const AGENDA_MEASURED: usize = 16;
/// However long a postponement's reason, the pane asks for no more text width.
const TEXT_MAX: u16 = 100;

/// The grid with the text beside it, as wide as its widest line; at least
/// the grid with some text below it.
pub fn need(model: &Model, theme: &Theme) -> Need {
    let view = &model.calendar;
    if view.is_empty() {
        return Need::EMPTY;
    }
    let now = model.clock.now;
    let mut text = lines::day(view, model, theme);
    text.extend(lines::conflicts(view, now, theme));
    text.extend(lines::agenda(view, now, theme, AGENDA_MEASURED));
    let widest = text.iter().map(Line::width).max().unwrap_or(0);
    let widest = u16::try_from(widest).unwrap_or(TEXT_MAX).min(TEXT_MAX);
    Need {
        min: PANE_FRAME + GRID_WIDTH + 8,
        preferred: PANE_FRAME + GRID_WIDTH + 2 + widest.max(SIDE_TEXT_MIN),
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let view = &model.calendar;
    let now = model.clock.now;
    if area.width >= GRID_WIDTH + SIDE_TEXT_MIN {
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
        text.push(Line::default());
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
