//! `release-cockpit calendar`: the trains' occurrences with their freezes and
//! windows as text, JSON lines, or an iCalendar file for other calendars.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};
use icalendar::{Component, EventLike, EventStatus};
use serde::Serialize;

use crate::domain::calendar::{Calendar, ConflictKind, Occurrence, Status, conflicts};
use crate::domain::offset::format_duration;

/// Events in the .ics get UIDs under this domain; a re-import updates them.
const UID_DOMAIN: &str = "release-cockpit";

fn status_text(o: &Occurrence) -> String {
    let from = o.scheduled.with_timezone(&o.zone).format("%Y-%m-%d");
    match &o.status {
        Status::Scheduled => "scheduled".to_owned(),
        Status::MovedOffBlackout { blackout } => format!("moved off {blackout} (was {from})"),
        Status::Postponed { reason, operator } => {
            format!("postponed by {operator} (was {from}): {reason}")
        }
        Status::Skipped {
            reason,
            operator: Some(by),
        } => format!("skipped by {by}: {reason}"),
        Status::Skipped {
            reason,
            operator: None,
        } => format!("skipped: {reason}"),
    }
}

/// One line per occurrence (train zone, then UTC), then the conflicts.
pub fn text(occurrences: &[Occurrence]) -> String {
    let mut out = String::new();
    if occurrences.is_empty() {
        out.push_str("no releases in this range\n");
    }
    for o in occurrences {
        let local = o.t0_local();
        let _ = write!(
            out,
            "{}  {:<12} {:<28} {}",
            local.format("%Y-%m-%d %a %H:%M %Z"),
            o.train,
            o.t0.format("(%Y-%m-%d %H:%M UTC)"),
            status_text(o)
        );
        if let Some(freeze) = o.freeze {
            let _ = write!(
                out,
                " · freeze from {}",
                freeze.with_timezone(&o.zone).format("%a %-d %b %H:%M")
            );
        }
        if let Some(end) = o.window_end {
            let merges = if o.merge_freeze { ", no merges" } else { "" };
            let _ = write!(out, " · window {}{merges}", format_duration(end - o.t0));
        }
        if let Some(blackout) = &o.on_blackout {
            let _ = write!(out, " · ON BLACKOUT {blackout}");
        }
        out.push('\n');
    }
    for c in conflicts(occurrences) {
        let (a, b) = (&occurrences[c.first], &occurrences[c.second]);
        let what = match c.kind {
            ConflictKind::WindowsOverlap => format!("{} and {} windows overlap", a.train, b.train),
            ConflictKind::FreezeDuringWindow => {
                format!("{} freeze starts in {}'s window", a.train, b.train)
            }
        };
        let _ = writeln!(
            out,
            "conflict {}: {what}",
            c.at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    out
}

#[derive(Serialize)]
struct JsonOccurrence<'a> {
    uid: String,
    train: &'a str,
    zone: &'a str,
    /// Where the rule put it.
    scheduled: DateTime<Utc>,
    t0: DateTime<Utc>,
    t0_local: String,
    status: &'static str,
    reason: Option<&'a str>,
    by: Option<&'a str>,
    on_blackout: Option<&'a str>,
    notice: Option<DateTime<Utc>>,
    announce: Option<DateTime<Utc>>,
    freeze: Option<DateTime<Utc>>,
    window_end: Option<DateTime<Utc>>,
    merge_freeze: bool,
}

/// One JSON object per line, every field.
pub fn json_lines(occurrences: &[Occurrence]) -> String {
    occurrences
        .iter()
        .map(|o| {
            let (status, reason, by) = match &o.status {
                Status::Scheduled => ("scheduled", None, None),
                Status::MovedOffBlackout { blackout } => ("moved", Some(blackout.as_str()), None),
                Status::Postponed { reason, operator } => {
                    ("postponed", Some(reason.as_str()), Some(operator.as_str()))
                }
                Status::Skipped { reason, operator } => {
                    ("skipped", Some(reason.as_str()), operator.as_deref())
                }
            };
            let line = JsonOccurrence {
                uid: o.uid(),
                train: &o.train,
                zone: o.zone.name(),
                scheduled: o.scheduled,
                t0: o.t0,
                t0_local: o.t0_local().to_rfc3339(),
                status,
                reason,
                by,
                on_blackout: o.on_blackout.as_deref(),
                notice: o.notice,
                announce: o.announce,
                freeze: o.freeze,
                window_end: o.window_end,
                merge_freeze: o.merge_freeze,
            };
            serde_json::to_string(&line).unwrap_or_default() + "\n"
        })
        .collect()
}

/// An iCalendar file: per occurrence its release (the deployment window),
/// code freeze, announcement and notice. UIDs come from the train and the
/// scheduled time, and SEQUENCE counts the occurrence's changes, so a
/// postponed release updates its event on re-import (RFC 5545 clients take
/// the higher SEQUENCE); a skipped one is sent as cancelled.
pub fn ics(calendar: &Calendar, occurrences: &[Occurrence], now: DateTime<Utc>) -> String {
    let mut out = icalendar::Calendar::new();
    out.name("Release trains");
    for o in occurrences {
        let train = calendar.train(&o.train);
        let kind = train.map_or("release", |t| t.kind.name());
        let zone_note = format!(
            "T-0 {} ({})",
            o.t0_local().format("%Y-%m-%d %H:%M %Z"),
            o.zone.name()
        );
        let status = if o.is_skipped() {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        };
        let sequence = calendar.changes.revision(&o.train, o.scheduled);
        let mut description = format!("{zone_note}\n{}", status_text(o));
        if o.merge_freeze {
            description.push_str("\nNo merges to main while the window is open.");
        }
        let mut event =
            |suffix: &str, summary: String, start: DateTime<Utc>, end: DateTime<Utc>| {
                out.push(
                    icalendar::Event::new()
                        .uid(&format!("{}-{suffix}@{UID_DOMAIN}", o.uid()))
                        .summary(&summary)
                        .description(&description)
                        .starts(start)
                        .ends(end)
                        .timestamp(now)
                        .sequence(sequence)
                        .status(status)
                        .done(),
                );
            };
        let end = o.window_end.unwrap_or(o.t0 + Duration::hours(1));
        event("release", format!("{} {kind} release", o.train), o.t0, end);
        if let Some(freeze) = o.freeze {
            event("freeze", format!("{} code freeze", o.train), freeze, o.t0);
        }
        if let Some(at) = o.announce {
            event(
                "announce",
                format!("{} release announcement", o.train),
                at,
                at + Duration::minutes(30),
            );
        }
        if let Some(at) = o.notice {
            event(
                "notice",
                format!("{} pre-release notice", o.train),
                at,
                at + Duration::minutes(30),
            );
        }
    }
    out.done().to_string()
}
