//! `<release id>.view` beside the journal: what the operator last looked at
//! (`app::remembered`), as JSON. It is a convenience, never a record: read
//! tolerantly (an older file held only the pane's title; a damaged one or a
//! field of the wrong shape gives the default for that part) and written off
//! the loop, the newest state winning.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::app::Pane;
use crate::app::remembered::{Cursor, Remembered};

pub fn encode(remembered: &Remembered) -> String {
    let cursor = match &remembered.cursor {
        Some(Cursor::Step(id)) => json!({ "step": id }),
        Some(Cursor::Phase(phase)) => json!({ "phase": phase }),
        None => Value::Null,
    };
    let calendar = match remembered.calendar {
        Some((day, pick)) => json!({ "day": day.to_string(), "pick": pick }),
        None => Value::Null,
    };
    json!({
        "focus": remembered.focus.title(),
        "cursor": cursor,
        "folded": remembered.folded.iter().collect::<Vec<_>>(),
        "calendar": calendar,
    })
    .to_string()
}

/// Whatever the text, a `Remembered`: each part read on its own.
pub fn decode(text: &str) -> Remembered {
    let defaults = Remembered::default();
    let Ok(Value::Object(file)) = serde_json::from_str::<Value>(text) else {
        // The first format: the focused pane's title alone.
        return Remembered {
            focus: Pane::from_title(text).unwrap_or(defaults.focus),
            ..defaults
        };
    };
    let index = |v: &Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
    let cursor = file.get("cursor").and_then(|c| {
        match (c.get("step").and_then(Value::as_str), c.get("phase")) {
            (Some(id), _) => Some(Cursor::Step(id.to_owned())),
            (None, Some(phase)) => index(phase).map(Cursor::Phase),
            (None, None) => None,
        }
    });
    let folded = file
        .get("folded")
        .and_then(Value::as_array)
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| Some((index(pair.get(0)?)?, pair.get(1)?.as_bool()?)))
                .collect()
        })
        .unwrap_or_default();
    let calendar = file.get("calendar").and_then(|c| {
        let day = c.get("day")?.as_str()?.parse::<NaiveDate>().ok()?;
        Some((day, c.get("pick").and_then(index).unwrap_or(0)))
    });
    Remembered {
        focus: file
            .get("focus")
            .and_then(Value::as_str)
            .and_then(Pane::from_title)
            .unwrap_or(defaults.focus),
        cursor,
        folded,
        calendar,
    }
}

/// The file's state, or the default when it is missing or unreadable.
pub fn read(path: &Path) -> Remembered {
    std::fs::read_to_string(path).map_or_else(|_| Remembered::default(), |text| decode(&text))
}

/// Writes view files on tokio's blocking pool, one write at a time; a state
/// that arrives while one is being written replaces any still waiting, so a
/// run of cursor moves costs a write or two, not one each.
#[derive(Debug, Clone, Default)]
pub struct ViewWriter {
    slot: Arc<Mutex<Slot>>,
}

#[derive(Debug, Default)]
struct Slot {
    next: Option<(PathBuf, String)>,
    writing: bool,
}

impl ViewWriter {
    pub fn write(&self, path: PathBuf, remembered: &Remembered) {
        let start = {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            slot.next = Some((path, encode(remembered)));
            !std::mem::replace(&mut slot.writing, true)
        };
        if !start {
            return;
        }
        let slot = self.slot.clone();
        let drain = move || {
            loop {
                let next = {
                    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
                    match slot.next.take() {
                        Some(next) => next,
                        None => {
                            slot.writing = false;
                            return;
                        }
                    }
                };
                let (path, text) = next;
                // Best effort: losing it only means starting elsewhere.
                if let Err(error) = crate::config::paths::write_private(&path, &text) {
                    tracing::warn!(%error, path = %path.display(), "cannot remember the view");
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(drain)),
            // Outside the loop (a tool, a test) there is no loop to keep free.
            Err(_) => drain(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Remembered {
        Remembered {
            focus: Pane::Calendar,
            cursor: Some(Cursor::Step("deploy-production".into())),
            folded: [(0, true), (2, false)].into(),
            calendar: NaiveDate::from_ymd_opt(2026, 11, 24).map(|d| (d, 1)),
        }
    }

    #[test]
    fn a_view_round_trips() {
        assert_eq!(decode(&encode(&sample())), sample());
        let phase = Remembered {
            cursor: Some(Cursor::Phase(3)),
            calendar: None,
            ..sample()
        };
        assert_eq!(decode(&encode(&phase)), phase);
    }

    #[test]
    fn the_first_format_a_pane_title_still_reads() {
        assert_eq!(
            decode("Health"),
            Remembered {
                focus: Pane::Health,
                ..Remembered::default()
            }
        );
    }

    #[test]
    fn garbage_falls_back_to_the_defaults_part_by_part() {
        for text in ["", "\u{0}\u{ff}garbage", "[1,2]", "{", "null", "42"] {
            assert_eq!(decode(text), Remembered::default(), "{text:?}");
        }
        let partly = r#"{"focus":"Nowhere","cursor":{"phase":-1},"folded":[[0,true],["x",1],[1]],
            "calendar":{"day":"2026-02-30","pick":0},"extra":true}"#;
        assert_eq!(
            decode(partly),
            Remembered {
                folded: [(0, true)].into(),
                ..Remembered::default()
            }
        );
    }

    #[test]
    fn the_writer_leaves_the_newest_state_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("release.view");
        let writer = ViewWriter::default();
        writer.write(path.clone(), &Remembered::default());
        writer.write(path.clone(), &sample());
        assert_eq!(read(&path), sample());
        assert_eq!(
            read(&dir.path().join("missing.view")),
            Remembered::default()
        );
    }

    /// On the loop, a burst of states is written in the background and the
    /// last one is what the file holds.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_the_loop_the_last_of_a_burst_is_written() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("release.view");
        let writer = ViewWriter::default();
        for phase in 0..200 {
            writer.write(
                path.clone(),
                &Remembered {
                    cursor: Some(Cursor::Phase(phase)),
                    ..Remembered::default()
                },
            );
        }
        let last = Some(Cursor::Phase(199));
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while read(&path).cursor != last && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(read(&path).cursor, last);
    }
}
