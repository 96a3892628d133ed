//! What each pane holds between frames: the selection, folds, the rows a
//! feed last reported, staleness. Drawing them is `ui/`; what their keys do
//! is the `*_actions` modules.

pub mod calendar;
pub mod health;
pub mod release;
pub mod rollout;
pub mod run_log;

use crate::app::keys::commands::{Mode, Scope};

/// One of the four panes of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Calendar,
    Checklist,
    Rollout,
    Health,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Calendar, Pane::Checklist, Pane::Rollout, Pane::Health];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Calendar => "Calendar",
            Pane::Checklist => "Checklist",
            Pane::Rollout => "Rollout",
            Pane::Health => "Health",
        }
    }

    /// Where the pane is in [`Pane::ALL`] (and on the tab bar).
    pub fn index(self) -> usize {
        match self {
            Pane::Calendar => 0,
            Pane::Checklist => 1,
            Pane::Rollout => 2,
            Pane::Health => 3,
        }
    }

    fn offset(self, delta: isize) -> Pane {
        let len = Self::ALL.len() as isize;
        Self::ALL[(self.index() as isize + delta).rem_euclid(len) as usize]
    }

    /// The pane with this title, case-insensitively (`checklist`).
    pub fn from_title(title: &str) -> Option<Pane> {
        Self::ALL
            .into_iter()
            .find(|p| p.title().eq_ignore_ascii_case(title.trim()))
    }

    /// Whose keys apply while this pane has focus.
    pub fn scope(self) -> Scope {
        match self {
            Pane::Calendar => Scope::Calendar,
            Pane::Checklist => Scope::Checklist,
            Pane::Rollout => Scope::Rollout,
            Pane::Health => Scope::Health,
        }
    }

    /// Whose keys work while this pane has focus.
    pub fn mode(self) -> Mode {
        match self {
            Pane::Calendar => Mode::Calendar,
            Pane::Checklist => Mode::Checklist,
            Pane::Rollout => Mode::Rollout,
            Pane::Health => Mode::Health,
        }
    }

    pub fn next(self) -> Pane {
        self.offset(1)
    }

    pub fn prev(self) -> Pane {
        self.offset(-1)
    }
}
