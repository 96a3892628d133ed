//! Where each part of the screen goes. Wide terminals get a 2x2 grid of panes;
//! small ones (down to 80x24) get one pane at a time with a tab strip.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::Pane;

/// Below this the panes are shown one at a time.
pub const GRID_MIN_WIDTH: u16 = 100;
pub const GRID_MIN_HEIGHT: u16 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenLayout {
    pub status: Rect,
    /// The tab strip, when panes are shown one at a time.
    pub tabs: Option<Rect>,
    pub panes: Vec<(Pane, Rect)>,
    pub footer: Rect,
}

pub fn screen_layout(area: Rect, focus: Pane, zoomed: bool) -> ScreenLayout {
    let [status, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    if zoomed {
        return ScreenLayout {
            status,
            tabs: None,
            panes: vec![(focus, body)],
            footer,
        };
    }
    if area.width >= GRID_MIN_WIDTH && area.height >= GRID_MIN_HEIGHT {
        let [top, bottom] = Layout::vertical([Constraint::Fill(1); 2]).areas(body);
        let [calendar, checklist] =
            Layout::horizontal([Constraint::Fill(2), Constraint::Fill(3)]).areas(top);
        let [rollout, health] = Layout::horizontal([Constraint::Fill(1); 2]).areas(bottom);
        let panes = vec![
            (Pane::Calendar, calendar),
            (Pane::Checklist, checklist),
            (Pane::Rollout, rollout),
            (Pane::Health, health),
        ];
        return ScreenLayout {
            status,
            tabs: None,
            panes,
            footer,
        };
    }
    let [tabs, pane] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
    ScreenLayout {
        status,
        tabs: Some(tabs),
        panes: vec![(focus, pane)],
        footer,
    }
}

/// A rectangle of at most `width` x `height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_show_all_four_panes_without_overlap() {
        let layout = screen_layout(Rect::new(0, 0, 200, 50), Pane::Calendar, false);
        assert_eq!(layout.panes.len(), 4);
        assert_eq!(layout.tabs, None);
        for (i, (_, a)) in layout.panes.iter().enumerate() {
            for (_, b) in &layout.panes[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn small_screens_show_the_focused_pane_with_tabs() {
        let layout = screen_layout(Rect::new(0, 0, 80, 24), Pane::Rollout, false);
        assert_eq!(
            layout.panes.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            [Pane::Rollout]
        );
        assert!(layout.tabs.is_some());
    }

    #[test]
    fn zoom_gives_the_focused_pane_the_whole_body() {
        let layout = screen_layout(Rect::new(0, 0, 200, 50), Pane::Health, true);
        assert_eq!(layout.panes, vec![(Pane::Health, Rect::new(0, 1, 200, 48))]);
    }

    #[test]
    fn centered_never_leaves_the_area() {
        let area = Rect::new(5, 5, 10, 4);
        assert_eq!(centered(area, 100, 100), area);
        assert_eq!(centered(area, 4, 2), Rect::new(8, 6, 4, 2));
    }
}
