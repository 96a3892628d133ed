//! What the operator was looking at, kept across restarts beside the
//! release's journal: the focused pane, the Checklist's cursor and folds,
//! the Calendar's selected day and release. Restoring takes only what still
//! fits the release and the calendar; anything else stays as a fresh start
//! has it (`Model::remembered`, `Model::restore`).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::app::panes::Pane;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub focus: Pane,
    pub cursor: Option<Cursor>,
    /// Phases the operator folded (`true`) or unfolded by hand.
    pub folded: BTreeMap<usize, bool>,
    /// The selected day, and which of its releases is picked.
    pub calendar: Option<(NaiveDate, usize)>,
}

/// The Checklist row under the cursor, by what it is rather than where:
/// folds and the clock move rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Phase(usize),
    Step(String),
}

impl Default for Remembered {
    /// Where a release opens when nothing is remembered.
    fn default() -> Self {
        Self {
            focus: Pane::Checklist,
            cursor: None,
            folded: BTreeMap::new(),
            calendar: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixture::sample_model_with_release;
    use crate::app::model::Model;
    use chrono::Duration;

    fn moved_model() -> Model {
        let mut model = sample_model_with_release();
        let now = model.clock.now;
        let view = model
            .release
            .as_mut()
            .unwrap_or_else(|| panic!("a release"));
        view.toggle_fold(0, now);
        view.toggle_fold(1, now);
        view.select_step("tag", now);
        model.calendar.move_days(3, now);
        model.calendar.pick = 0;
        model.focus = Pane::Calendar;
        model
    }

    #[test]
    fn what_the_operator_looked_at_comes_back() {
        let moved = moved_model();
        let remembered = moved.remembered();
        assert_eq!(remembered.cursor, Some(Cursor::Step("tag".into())));
        let mut fresh = sample_model_with_release();
        fresh.restore(&remembered);
        assert_eq!(fresh.focus, Pane::Calendar);
        assert_eq!(fresh.calendar.selected, moved.calendar.selected);
        let (a, b) = (fresh.release.as_ref(), moved.release.as_ref());
        assert_eq!(a.map(|v| &v.folded), b.map(|v| &v.folded));
        assert_eq!(a.map(|v| v.selected), b.map(|v| v.selected));
        assert_eq!(fresh.remembered(), remembered);
    }

    #[test]
    fn a_command_that_moves_the_view_asks_to_remember_it_and_only_then() {
        use crate::app::{Effect, Key, Msg, update};
        let key = |text: &str| Msg::Key(text.parse::<Key>().unwrap_or_else(|e| panic!("{e}")));
        let mut model = sample_model_with_release();
        let effects = update(&mut model, key("j"));
        assert_eq!(effects, vec![Effect::RememberView(model.remembered())]);
        assert!(matches!(
            &effects[0],
            Effect::RememberView(Remembered {
                cursor: Some(Cursor::Step(_)),
                ..
            })
        ));
        // Folding, a calendar day and focus are remembered the same way.
        for keys in [&["k", "space"][..], &["1", "right"], &["4"]] {
            for k in keys {
                let effects = update(&mut model, key(k));
                assert_eq!(
                    effects,
                    vec![Effect::RememberView(model.remembered())],
                    "{k}"
                );
            }
        }
        // Nothing that leaves the view as it was writes anything.
        assert_eq!(update(&mut model, key("?")), Vec::new());
        assert_eq!(update(&mut model, key("esc")), Vec::new());
        // With no release there is no file to remember it in.
        let mut model = crate::app::fixture::sample_model();
        assert_eq!(update(&mut model, key("2")), Vec::new());
    }

    #[test]
    fn what_no_longer_fits_is_left_as_a_fresh_start_has_it() {
        let mut model = sample_model_with_release();
        let untouched = model.clone();
        let far = model.calendar.selected + Duration::days(5000);
        model.restore(&Remembered {
            focus: Pane::Checklist,
            cursor: Some(Cursor::Step("no-such-step".into())),
            folded: BTreeMap::from([(99, true)]),
            calendar: Some((far, 7)),
        });
        assert_eq!(model, untouched);
    }
}
