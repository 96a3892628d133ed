//! The notice log: every status-bar notice, with its time and level, kept
//! because the status bar shows only the latest and cuts it at the
//! terminal's width. `:notices` shows it whole.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// How much a notice matters, for its colour and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoticeLevel {
    #[default]
    Info,
    /// Something refused, or not as it should be.
    Warning,
    /// Something failed: not recorded, not started, not written.
    Error,
}

impl NoticeLevel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warn",
            Self::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub at: DateTime<Utc>,
    pub level: NoticeLevel,
    pub text: String,
}

/// The last [`NoticeLog::CAPACITY`] notices, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticeLog {
    entries: VecDeque<Notice>,
}

impl NoticeLog {
    /// Enough for a release day's notices; the log file keeps everything.
    pub const CAPACITY: usize = 200;

    pub fn push(&mut self, at: DateTime<Utc>, level: NoticeLevel, text: String) {
        if self.entries.len() == Self::CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(Notice { at, level, text });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn latest(&self) -> Option<&Notice> {
        self.entries.back()
    }

    pub fn newest_first(&self) -> impl Iterator<Item = &Notice> {
        self.entries.iter().rev()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keys::key::Key;
    use crate::app::model::Overlay;

    #[test]
    fn the_log_keeps_the_newest_and_is_bounded() {
        let mut log = NoticeLog::default();
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        for n in 0..NoticeLog::CAPACITY + 5 {
            log.push(at, NoticeLevel::Info, format!("notice {n}"));
        }
        assert_eq!(log.len(), NoticeLog::CAPACITY);
        assert_eq!(log.latest().map(|n| n.text.as_str()), Some("notice 204"));
        assert_eq!(
            log.newest_first().last().map(|n| n.text.as_str()),
            Some("notice 5"),
            "the oldest five went"
        );
    }

    #[test]
    fn update_logs_each_new_notice_with_its_time_and_level() {
        use crate::app::fixture::sample_model_with_release;
        use crate::app::{Msg, update};
        use crate::domain::events::Event;
        let mut model = sample_model_with_release();
        update(
            &mut model,
            Msg::ReleaseFailed("a journal exists already".into()),
        );
        update(
            &mut model,
            Msg::RecordFailed {
                event: Box::new(Event::StepCompleted {
                    step: "announce".into(),
                }),
                error: "Permission denied (os error 13)".into(),
            },
        );
        // A message that leaves the notice as it is logs nothing more.
        let now = model.clock.now;
        update(&mut model, Msg::Tick(now));
        let logged: Vec<_> = model
            .notices
            .newest_first()
            .map(|n| (n.level, n.text.as_str()))
            .collect();
        assert_eq!(
            logged,
            [
                (
                    NoticeLevel::Error,
                    "not recorded, so not done: completed (Permission denied (os error 13))"
                ),
                (
                    NoticeLevel::Error,
                    "no release started: a journal exists already"
                ),
            ]
        );
        assert_eq!(model.notices.latest().map(|n| n.at), Some(model.clock.now));
        assert_eq!(model.notice_level(), NoticeLevel::Error);
        // A refusal warns; the status bar's colour follows the latest.
        model.operator.read_only = true;
        for c in ":release-new".chars() {
            update(&mut model, Msg::Key(Key::char(c)));
        }
        update(
            &mut model,
            Msg::Key("enter".parse().unwrap_or_else(|e| panic!("{e}"))),
        );
        assert_eq!(
            model.notices.latest().map(|n| (n.level, n.text.as_str())),
            Some((
                NoticeLevel::Warning,
                "read-only: starting a release refused"
            ))
        );
        assert_eq!(model.notice_level(), NoticeLevel::Warning);
        assert_eq!(model.notices.len(), 3);
    }

    #[test]
    fn the_palette_command_opens_the_log_and_esc_closes_it() {
        use crate::app::fixture::sample_model;
        use crate::app::{Msg, update};
        let mut model = sample_model();
        for key in [":", "n", "o", "t", "i", "c", "e", "s", "enter"] {
            let key = key.parse::<Key>().unwrap_or_else(|e| panic!("{e}"));
            update(&mut model, Msg::Key(key));
        }
        assert_eq!(model.overlay, Some(Overlay::Notices { scroll: 0 }));
        update(&mut model, Msg::Key(Key::char('j')));
        assert_eq!(
            model.overlay,
            Some(Overlay::Notices { scroll: 0 }),
            "nothing older to scroll to"
        );
        update(
            &mut model,
            Msg::Key("esc".parse().unwrap_or_else(|e| panic!("{e}"))),
        );
        assert_eq!(model.overlay, None);
    }

    #[test]
    fn overlay_keys_scroll_within_the_log_and_close() {
        use crate::app::dialogs::overlay_keys;
        use crate::app::keys::commands::Mode;
        use crate::app::keys::keymap::Keymap;
        let keymap = Keymap::defaults();
        let overlay_key = |scroll, text: &str, entries| {
            let key = text.parse::<Key>().unwrap_or_else(|e| panic!("{e}"));
            overlay_keys::notices(scroll, keymap.read(&key, Mode::Notices), entries)
        };
        assert_eq!(overlay_key(0, "j", 3), Some(Overlay::Notices { scroll: 1 }));
        assert_eq!(overlay_key(0, "G", 3), Some(Overlay::Notices { scroll: 2 }));
        assert_eq!(overlay_key(2, "j", 3), Some(Overlay::Notices { scroll: 2 }));
        assert_eq!(overlay_key(2, "k", 3), Some(Overlay::Notices { scroll: 1 }));
        assert_eq!(overlay_key(2, "esc", 3), None);
    }
}
