//! What the scrolling commands (`scroll-up`, `page-down`, `top`, `bottom`, ...)
//! do to a list's selected row, or to a text that wraps where only the view
//! can measure it.

use crate::app::keys::commands::Command;

/// Where a text only the view can measure (it wraps) is scrolled to: so many
/// lines below its top, or above its end (`End(0)` shows the last page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollFrom {
    Top(u16),
    End(u16),
}

impl ScrollFrom {
    /// After a scrolling command (`scroll-down`, `bottom`, ...); `None` for
    /// any other command.
    pub fn scrolled(self, command: Command) -> Option<ScrollFrom> {
        use ScrollFrom::{End, Top};
        Some(match (command, self) {
            (Command::Top, _) => Top(0),
            (Command::Bottom, _) => End(0),
            (Command::ScrollDown, Top(n)) => Top(n.saturating_add(1)),
            (Command::ScrollDown, End(n)) => End(n.saturating_sub(1)),
            (Command::PageDown, Top(n)) => Top(n.saturating_add(10)),
            (Command::PageDown, End(n)) => End(n.saturating_sub(10)),
            (Command::ScrollUp, Top(n)) => Top(n.saturating_sub(1)),
            (Command::ScrollUp, End(n)) => End(n.saturating_add(1)),
            (Command::PageUp, Top(n)) => Top(n.saturating_sub(10)),
            (Command::PageUp, End(n)) => End(n.saturating_add(10)),
            _ => return None,
        })
    }

    /// The first line shown of `total`, `visible` at a time.
    pub fn first_line(self, total: usize, visible: usize) -> usize {
        let last_page = total.saturating_sub(visible);
        match self {
            ScrollFrom::Top(n) => usize::from(n).min(last_page),
            ScrollFrom::End(n) => last_page.saturating_sub(usize::from(n)),
        }
    }
}

/// A list's row after a scrolling command, or `None` for any other command.
pub fn scrolled_row(row: usize, rows: usize, command: Command) -> Option<usize> {
    let last = rows.saturating_sub(1);
    Some(match command {
        Command::Top => 0,
        Command::Bottom => last,
        Command::ScrollDown => row.saturating_add(1).min(last),
        Command::PageDown => row.saturating_add(10).min(last),
        Command::ScrollUp => row.saturating_sub(1),
        Command::PageUp => row.saturating_sub(10),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_stays_in_the_list() {
        assert_eq!(scrolled_row(0, 5, Command::ScrollUp), Some(0));
        assert_eq!(scrolled_row(4, 5, Command::ScrollDown), Some(4));
        assert_eq!(scrolled_row(1, 5, Command::PageDown), Some(4));
        assert_eq!(scrolled_row(3, 5, Command::Top), Some(0));
        assert_eq!(scrolled_row(0, 5, Command::Bottom), Some(4));
        assert_eq!(scrolled_row(0, 0, Command::Bottom), Some(0));
        assert_eq!(scrolled_row(2, 5, Command::Quit), None);
    }

    #[test]
    fn the_end_is_kept_as_the_end_so_up_moves_at_once() {
        let end = ScrollFrom::Top(3).scrolled(Command::Bottom);
        assert_eq!(end, Some(ScrollFrom::End(0)));
        assert_eq!(ScrollFrom::End(0).first_line(100, 20), 80);
        let up = ScrollFrom::End(0).scrolled(Command::ScrollUp);
        assert_eq!(up.map(|s| s.first_line(100, 20)), Some(79));
        assert_eq!(
            ScrollFrom::Top(500).first_line(100, 20),
            80,
            "never past the end"
        );
        assert_eq!(ScrollFrom::End(500).first_line(100, 20), 0);
        assert_eq!(ScrollFrom::Top(0).scrolled(Command::Zoom), None);
    }
}
