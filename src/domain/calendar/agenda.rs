//! The dates around each release as one timeline, and the agenda: what is on
//! now and what comes next, with countdowns.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::schedule::Occurrence;
use crate::domain::offset::format_relative;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MilestoneKind {
    Notice,
    Announcement,
    CodeFreeze,
    Release,
    WindowCloses,
}

impl MilestoneKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Notice => "pre-release notice",
            Self::Announcement => "announcement",
            Self::CodeFreeze => "code freeze",
            Self::Release => "release",
            Self::WindowCloses => "window closes",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub at: DateTime<Utc>,
    pub kind: MilestoneKind,
    /// Index into the occurrences given to [`milestones`].
    pub occurrence: usize,
}

/// Every dated milestone of the live (not skipped) occurrences, in time order.
pub fn milestones(occurrences: &[Occurrence]) -> Vec<Milestone> {
    let mut found: Vec<Milestone> = occurrences
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.is_skipped())
        .flat_map(|(i, o)| {
            [
                (o.notice, MilestoneKind::Notice),
                (o.announce, MilestoneKind::Announcement),
                (o.freeze, MilestoneKind::CodeFreeze),
                (Some(o.t0), MilestoneKind::Release),
                (o.window_end, MilestoneKind::WindowCloses),
            ]
            .into_iter()
            .filter_map(move |(at, kind)| {
                at.map(|at| Milestone {
                    at,
                    kind,
                    occurrence: i,
                })
            })
        })
        .collect();
    found.sort_by(|a, b| a.at.cmp(&b.at).then(a.kind.cmp(&b.kind)));
    found
}

/// One line of the agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub at: DateTime<Utc>,
    pub occurrence: usize,
    pub kind: MilestoneKind,
    /// Happening now (window open, freeze on) rather than coming up.
    pub ongoing: bool,
    /// `code freeze in 1d 4h`, `window open, closes 11:47`.
    pub text: String,
}

/// What is going on at `now` and the next `limit` milestones after it. Clock
/// times are shown in `zone`, the operator's.
pub fn agenda(
    occurrences: &[Occurrence],
    now: DateTime<Utc>,
    zone: Tz,
    limit: usize,
) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for (i, o) in occurrences
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.is_skipped())
    {
        if let (true, Some(end)) = (o.window_open_at(now), o.window_end) {
            let merges = if o.merge_freeze { "; no merges" } else { "" };
            items.push(AgendaItem {
                at: o.t0,
                occurrence: i,
                kind: MilestoneKind::Release,
                ongoing: true,
                text: format!(
                    "window open, closes {}{merges}",
                    end.with_timezone(&zone).format("%H:%M")
                ),
            });
        } else if o.frozen_at(now) {
            items.push(AgendaItem {
                at: o.freeze.unwrap_or(o.t0),
                occurrence: i,
                kind: MilestoneKind::CodeFreeze,
                ongoing: true,
                text: format!("code freeze on, release {}", format_relative(o.t0 - now)),
            });
        }
    }
    // A window closing is news only while it is open (above). Milestones of one
    // release at the same moment share a line: "announcement + code freeze".
    let mut upcoming: Vec<(Milestone, Vec<&str>)> = Vec::new();
    for m in milestones(occurrences)
        .into_iter()
        .filter(|m| m.at > now && m.kind != MilestoneKind::WindowCloses)
    {
        let full = upcoming.len() == limit;
        match upcoming.last_mut() {
            Some((last, labels)) if last.at == m.at && last.occurrence == m.occurrence => {
                labels.push(m.kind.label());
                last.kind = last.kind.max(m.kind);
            }
            _ if full => break,
            _ => upcoming.push((m.clone(), vec![m.kind.label()])),
        }
    }
    items.extend(upcoming.into_iter().map(|(m, labels)| AgendaItem {
        at: m.at,
        occurrence: m.occurrence,
        kind: m.kind,
        ongoing: false,
        text: format!("{} {}", labels.join(" + "), format_relative(m.at - now)),
    }));
    items
}
