//! The `:` command palette: a query, the commands that match it, and a selection.

use crate::app::keys::commands::{COMMANDS, Command};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
}

impl Palette {
    /// Commands matching the query, best first; all commands for an empty query.
    pub fn matches(&self) -> Vec<Command> {
        let mut scored: Vec<(bool, i32, usize, Command)> = COMMANDS
            .iter()
            .enumerate()
            .filter_map(|(order, spec)| {
                let haystack = format!("{} {}", spec.name, spec.doc);
                // A dialog's own keys are listed (for their names), after
                // every command that runs from here.
                let dialog = !spec.scope.runs_from_panes();
                fuzzy_score(&self.query, &haystack)
                    .map(|score| (dialog, score, order, spec.command))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored
            .into_iter()
            .map(|(_, _, _, command)| command)
            .collect()
    }

    pub fn selected_command(&self) -> Option<Command> {
        self.matches().get(self.selected).copied()
    }

    pub fn move_selection(&mut self, delta: isize) {
        let count = self.matches().len();
        if count == 0 {
            self.selected = 0;
            return;
        }
        let next = (self.selected as isize + delta).rem_euclid(count as isize);
        self.selected = next as usize;
    }

    pub fn push(&mut self, c: char) {
        self.query.push(c);
        self.selected = 0;
    }

    pub fn pop(&mut self) {
        self.query.pop();
        self.selected = 0;
    }

    pub fn clear(&mut self) {
        self.query.clear();
        self.selected = 0;
    }
}

/// Subsequence match, case-insensitive. Runs of consecutive letters and letters at
/// word starts score higher, so a typed name beats a scattered match of the same
/// letters. `None` when the query is not a subsequence of the haystack.
pub fn fuzzy_score(query: &str, haystack: &str) -> Option<i32> {
    let haystack: Vec<char> = haystack.chars().flat_map(char::to_lowercase).collect();
    let mut score = 0;
    let mut position = 0;
    let mut previous_match: Option<usize> = None;
    for wanted in query.chars().flat_map(char::to_lowercase) {
        if wanted.is_whitespace() {
            continue;
        }
        let found = haystack[position..].iter().position(|c| *c == wanted)? + position;
        score += 1;
        if previous_match.is_some_and(|p| p + 1 == found) {
            score += 5;
        }
        if found == 0 || !haystack[found - 1].is_alphanumeric() {
            score += 3;
        }
        // Earlier matches are more likely what was meant.
        score -= (found as i32 / 8).min(3);
        previous_match = Some(found);
        position = found + 1;
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn palette(query: &str) -> Palette {
        Palette {
            query: query.into(),
            selected: 0,
        }
    }

    #[test]
    fn empty_query_lists_every_command_in_table_order() {
        let all: Vec<Command> = COMMANDS.iter().map(|s| s.command).collect();
        assert_eq!(palette("").matches(), all);
    }

    #[test]
    fn exact_name_ranks_first() {
        assert_eq!(palette("zoom").matches().first(), Some(&Command::Zoom));
        assert_eq!(palette("quit").matches().first(), Some(&Command::Quit));
        assert_eq!(
            palette("theme").matches().first(),
            Some(&Command::CycleTheme)
        );
    }

    #[test]
    fn abbreviations_match_by_subsequence() {
        assert_eq!(
            palette("fhealth").matches().first(),
            Some(&Command::FocusHealth)
        );
        assert_eq!(
            palette("FCal").matches().first(),
            Some(&Command::FocusCalendar)
        );
    }

    #[test]
    fn no_match_gives_nothing_and_selection_stays_sane() {
        let mut p = palette("xyzzy");
        assert!(p.matches().is_empty());
        p.move_selection(1);
        assert_eq!(p.selected, 0);
        assert_eq!(p.selected_command(), None);
    }

    #[test]
    fn selection_wraps_both_ways() {
        let mut p = palette("");
        p.move_selection(-1);
        assert_eq!(p.selected, COMMANDS.len() - 1);
        p.move_selection(1);
        assert_eq!(p.selected, 0);
    }
}
