//! The audit views on the command line: `releases` and `history`, read from the
//! journals without taking any lock.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::events::Recorded;
use crate::session::{ReadError, ReadOnly, ReleaseStore, open_release_read_only};

/// One line per release, most recent first: id, type, version, T-0, progress and
/// outcome.
pub fn releases(store: &ReleaseStore, now: DateTime<Utc>) -> String {
    let mut out = format!(
        "{:<32} {:<9} {:<9} {:<22} {:<9} {:<12} {}\n",
        "ID", "TYPE", "VERSION", "T-0", "STEPS", "OUTCOME", "LEAD TIME"
    );
    let changes = crate::session::delivery::calendar_changes(store);
    for id in store.list() {
        match open_release_read_only(store, &id) {
            Ok(ReadOnly { checklist, .. }) => {
                let release = &checklist.release;
                let steps: Vec<_> = checklist.playbook.steps().map(|(_, s)| s).collect();
                let finished = steps
                    .iter()
                    .filter(|s| checklist.state(s, now).is_finished())
                    .count();
                let outcome = checklist
                    .outcome(changes.postponed_to(&release.name, release.t0))
                    .name();
                let t0 = release.t0_local().format("%Y-%m-%d %H:%M %Z").to_string();
                let _ = writeln!(
                    out,
                    "{:<32} {:<9} {:<9} {:<22} {:<9} {outcome:<12} {}",
                    release.id,
                    release.kind.to_string(),
                    release.version.to_string(),
                    t0,
                    format!("{finished}/{}", steps.len()),
                    lead_time(&checklist)
                );
            }
            Err(error) => {
                let _ = writeln!(out, "{id:<32} (unreadable: {error})");
            }
        }
    }
    out
}

/// `median 27h (3 commits)` once the release is in production; `-` when
/// its tags released no commits on record, or it is not there yet.
fn lead_time(checklist: &crate::domain::checklist::Checklist) -> String {
    let times = checklist.lead_times();
    match times.median() {
        Some(median) => format!(
            "median {} ({} commit{})",
            crate::domain::offset::format_duration(median),
            times.commits.len(),
            if times.commits.len() == 1 { "" } else { "s" }
        ),
        None if times.released > 0 => format!("not in production ({} commits)", times.released),
        None => "-".to_owned(),
    }
}

/// Why `history` printed nothing.
#[derive(Debug)]
pub enum HistoryError {
    NoReleases,
    Read(ReadError),
    Encode(serde_json::Error),
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoReleases => {
                f.write_str("no releases yet: start one with `release-cockpit start`")
            }
            Self::Read(error) => error.fmt(f),
            Self::Encode(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for HistoryError {}

#[derive(Serialize)]
struct HistoryLine<'a> {
    release: &'a str,
    #[serde(flatten)]
    recorded: &'a Recorded,
}

/// The audit trail of one release (the most recent when `id` is `None`): time,
/// operator, step, what happened and why, then a `!` line for each line of the
/// journal that did not replay; or JSON lines with every field (records only).
pub fn history(store: &ReleaseStore, id: Option<&str>, json: bool) -> Result<String, HistoryError> {
    let id = match id {
        Some(id) => id.to_owned(),
        None => store
            .list()
            .into_iter()
            .next()
            .ok_or(HistoryError::NoReleases)?,
    };
    let ReadOnly {
        records, problems, ..
    } = open_release_read_only(store, &id).map_err(HistoryError::Read)?;
    let mut out = String::new();
    for recorded in &records {
        if json {
            let line = serde_json::to_string(&HistoryLine {
                release: &id,
                recorded,
            })
            .map_err(HistoryError::Encode)?;
            out.push_str(&line);
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "{}  #{:<4} {:<12} {:<22} {}",
                recorded.at.format("%Y-%m-%d %H:%M:%SZ"),
                recorded.seq,
                recorded.operator,
                recorded.event.step().unwrap_or("-"),
                recorded.event.describe()
            );
        }
    }
    if !json {
        for problem in problems {
            let _ = writeln!(out, "! {problem}");
        }
    }
    Ok(out)
}
