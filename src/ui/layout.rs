//! Where each part of the screen goes. Wide terminals get a 2x2 grid of panes;
//! small ones (down to 80x24) get one pane at a time with a tab strip. In the
//! grid, the Calendar and the Checklist share their row by what each needs.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::Pane;

/// Below this the panes are shown one at a time.
pub const GRID_MIN_WIDTH: u16 = 100;
pub const GRID_MIN_HEIGHT: u16 = 30;
/// The border and padding `panes` draws around each pane's content.
pub const PANE_FRAME: u16 = 4;

/// How wide a pane would be, its frame included: the narrowest it reads
/// well at, and the width that shows everything it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub min: u16,
    pub preferred: u16,
}

impl Need {
    /// A pane that says nothing is configured: its text wraps.
    pub const EMPTY: Need = Need {
        min: 40,
        preferred: 64,
    };
}

/// What the panes of the grid's top row need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub calendar: Need,
    pub checklist: Need,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenLayout {
    pub status: Rect,
    /// The tab strip, when panes are shown one at a time.
    pub tabs: Option<Rect>,
    pub panes: Vec<(Pane, Rect)>,
    pub footer: Rect,
}

/// `needs` is asked only when the grid shows.
pub fn screen_layout(
    area: Rect,
    focus: Pane,
    zoomed: bool,
    needs: impl FnOnce() -> Needs,
) -> ScreenLayout {
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
        let needs = needs();
        let calendar_width = share(top.width, needs.calendar, needs.checklist);
        let [calendar, checklist] =
            Layout::horizontal([Constraint::Length(calendar_width), Constraint::Fill(1)])
                .areas(top);
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

/// The first pane's width in a row of `width`; the second gets the rest.
/// When both fit in full, each gets what it needs and half of what is left.
/// Else one in full if the other keeps its minimum, the first pane first
/// (the Calendar's text is cut where it ends, while the Checklist has a
/// narrow table of its own); else each its minimum and the rest in
/// proportion to what each still wants; narrower than both minimums, they
/// shrink alike.
fn share(width: u16, first: Need, second: Need) -> u16 {
    let widths = |need: Need| (u32::from(need.min), u32::from(need.preferred.max(need.min)));
    let ((a_min, a_full), (b_min, b_full)) = (widths(first), widths(second));
    let total = u32::from(width);
    let a = if total >= a_full + b_full {
        a_full + (total - a_full - b_full) / 2
    } else if total >= a_full + b_min {
        a_full
    } else if total >= a_min + b_full {
        total - b_full
    } else if total >= a_min + b_min {
        let wants = (a_full - a_min) + (b_full - b_min);
        a_min + (total - a_min - b_min) * (a_full - a_min) / wants.max(1)
    } else {
        total * a_min / (a_min + b_min).max(1)
    };
    u16::try_from(a.min(total)).unwrap_or(width)
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

    const NEEDS: Needs = Needs {
        calendar: Need::EMPTY,
        checklist: Need::EMPTY,
    };

    fn screen_layout(area: Rect, focus: Pane, zoomed: bool) -> ScreenLayout {
        super::screen_layout(area, focus, zoomed, || NEEDS)
    }

    fn need(min: u16, preferred: u16) -> Need {
        Need { min, preferred }
    }

    #[test]
    fn a_row_wide_enough_gives_each_what_it_needs_and_splits_the_rest() {
        assert_eq!(share(200, need(40, 110), need(58, 70)), 110 + 10);
        assert_eq!(share(180, need(40, 110), need(58, 70)), 110);
    }

    #[test]
    fn a_narrower_row_gives_one_pane_in_full_if_the_other_keeps_its_minimum() {
        assert_eq!(share(198, need(40, 110), need(58, 88)), 110);
        assert_eq!(share(168, need(40, 110), need(58, 88)), 110);
        assert_eq!(share(167, need(40, 110), need(58, 88)), 167 - 88);
        assert_eq!(share(128, need(40, 110), need(58, 88)), 40);
    }

    #[test]
    fn else_the_minimums_then_a_share_of_what_is_still_wanted() {
        // 20 over the minimums; the first wants 70 more, the second 30.
        assert_eq!(share(118, need(40, 110), need(58, 88)), 40 + 14);
        assert_eq!(share(98, need(40, 110), need(58, 88)), 40);
    }

    #[test]
    fn below_both_minimums_they_shrink_alike() {
        assert_eq!(share(49, need(40, 110), need(58, 88)), 20);
        assert_eq!(share(0, need(40, 110), need(58, 88)), 0);
        assert_eq!(share(10, need(0, 0), need(0, 0)), 5);
    }

    #[test]
    fn the_calendar_takes_the_width_it_needs_beside_a_checklist_that_needs_less() {
        let needs = Needs {
            calendar: need(40, 110),
            checklist: need(58, 70),
        };
        let layout =
            super::screen_layout(Rect::new(0, 0, 200, 50), Pane::Calendar, false, || needs);
        let width = |pane| {
            layout
                .panes
                .iter()
                .find(|(p, _)| *p == pane)
                .map(|(_, r)| r.width)
        };
        assert_eq!(width(Pane::Calendar), Some(120));
        assert_eq!(width(Pane::Checklist), Some(80));
    }

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
