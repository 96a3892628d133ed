//! The text beside the grid: the selected day's releases, the agenda, and
//! the conflicts ahead. Times are in the operator's zone, with the train's
//! own zone beside them when it differs.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::app::Model;
use crate::app::panes::calendar::CalendarState;
use crate::domain::calendar::{self, ConflictKind, MilestoneKind, Occurrence, Status};
use crate::domain::display_time;
use crate::domain::offset::format_duration;
use crate::ui::theme::{Role, Theme};

/// `Tue 8 Dec 18:00 UTC` and, for a train kept in another zone, `10:00 PST`.
fn when(t: DateTime<Utc>, operator: Tz, train: Tz) -> (String, Option<String>) {
    (
        display_time::date_time(t, operator),
        display_time::beside(t, operator, train),
    )
}

pub fn day(view: &CalendarState, model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        view.selected.format("%A %-d %B %Y").to_string(),
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    let releases = view.day_releases();
    let ad_hoc: Vec<_> = view.ad_hoc_on(view.selected).collect();
    if releases.is_empty() && ad_hoc.is_empty() {
        lines.push(Line::styled(
            "no release this day",
            theme.style(Role::Muted),
        ));
    }
    for (n, (index, o)) in releases.iter().enumerate() {
        let picked = n == view.pick;
        lines.push(release_line(view, model, o, picked, theme));
        lines.extend(status_lines(view, *index, o, theme));
    }
    for known in ad_hoc {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                known.name.clone(),
                theme.style(Role::Accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(
                    " {} {} · ad hoc{}",
                    display_time::date_time(known.t0, view.zone),
                    known.version,
                    outcome(view, model, &known.id)
                ),
                theme.style(Role::Muted),
            ),
        ]));
    }
    lines
}

/// ` (open, released)` for the release open now, ` (rolled back)` for
/// another once its journal has been read; nothing before.
fn outcome(view: &CalendarState, model: &Model, id: &str) -> String {
    match model.release_outcome() {
        Some(outcome)
            if model
                .release
                .as_ref()
                .is_some_and(|r| r.checklist.release.id == id) =>
        {
            format!(" (open, {})", outcome.name())
        }
        _ => view
            .outcomes
            .get(id)
            .map_or_else(String::new, |name| format!(" ({name})")),
    }
}

fn release_line(
    view: &CalendarState,
    model: &Model,
    o: &Occurrence,
    picked: bool,
    theme: &Theme,
) -> Line<'static> {
    let (here, there) = when(o.t0, view.zone, o.zone);
    let name_style = if o.is_skipped() {
        theme.style(Role::Muted).add_modifier(Modifier::CROSSED_OUT)
    } else {
        theme.style(Role::Accent).add_modifier(Modifier::BOLD)
    };
    let mut spans = vec![
        Span::styled(if picked { "› " } else { "  " }, theme.style(Role::Accent)),
        Span::styled(o.train.clone(), name_style),
        Span::raw(" "),
        Span::styled(
            here[here.len().saturating_sub(9)..].to_owned(),
            theme.style(Role::Text),
        ),
    ];
    if let Some(there) = there {
        spans.push(Span::styled(
            format!(" ({there})"),
            theme.style(Role::Muted),
        ));
    }
    if let Some(end) = o.window_end {
        spans.push(Span::styled(
            format!(" · window {}", format_duration(end - o.t0)),
            theme.style(Role::Muted),
        ));
    }
    let action = match view.release_for(o) {
        Some(known)
            if known.id
                == model
                    .release
                    .as_ref()
                    .map_or("", |r| r.checklist.release.id.as_str()) =>
        {
            format!(" · {}{}", known.version, outcome(view, model, &known.id))
        }
        Some(known) => match view.outcomes.get(&known.id) {
            Some(name) => format!(" · {} ({name})", known.version),
            None => format!(" · {} started", known.version),
        },
        None if o.is_skipped() => String::new(),
        None => " · enter: start".to_owned(),
    };
    spans.push(Span::styled(action, theme.style(Role::Muted)));
    Line::from(spans)
}

/// Why it is where it is, and what to look at: conflicts, a blackout.
fn status_lines(
    view: &CalendarState,
    index: usize,
    o: &Occurrence,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut found = Vec::new();
    if let Some(c) = view.conflicts_of(index).next() {
        let other = if c.first == index { c.second } else { c.first };
        let other = view
            .occurrences
            .get(other)
            .map_or("?", |o| o.train.as_str());
        let text = match c.kind {
            ConflictKind::WindowsOverlap => format!("windows overlap with {other}"),
            ConflictKind::FreezeDuringWindow if c.first == index => {
                format!("freeze starts in {other}'s window")
            }
            ConflictKind::FreezeDuringWindow => format!("{other}'s freeze starts in this window"),
        };
        found.push((format!("⚠ {text}"), Role::Critical));
    }
    if let Some(blackout) = &o.on_blackout {
        found.push((format!("⚠ on {blackout}"), Role::Warn));
    }
    let from = display_time::day(o.scheduled, view.zone);
    match &o.status {
        Status::Skipped { reason, operator } => found.push((
            match operator {
                Some(by) => format!("skipped by {by}: {reason}"),
                None => format!("skipped: {reason}"),
            },
            Role::Muted,
        )),
        Status::Postponed { reason, operator } => found.push((
            format!("postponed by {operator} from {from}: {reason}"),
            Role::Warn,
        )),
        Status::MovedOffBlackout { blackout } => {
            found.push((format!("moved off {blackout} from {from}"), Role::Muted))
        }
        Status::Scheduled => {}
    }
    found
        .into_iter()
        .map(|(text, role)| Line::styled(format!("    {text}"), theme.style(role)))
        .collect()
}

pub fn agenda(
    view: &CalendarState,
    now: DateTime<Utc>,
    theme: &Theme,
    room: usize,
) -> Vec<Line<'static>> {
    let items = agenda_items(view, now, room.saturating_sub(1));
    if items.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(
        "Coming up",
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    lines.extend(items.into_iter().map(|(o, item)| {
        let (here, there) = when(item.at, view.zone, o.zone);
        let role = match (item.ongoing, item.kind) {
            (true, MilestoneKind::Release) => Role::Ok,
            (true, _) | (false, MilestoneKind::CodeFreeze) => Role::Warn,
            (false, MilestoneKind::Release) => Role::Accent,
            _ => Role::Text,
        };
        let mut spans = vec![
            Span::styled(format!("{here:<21} "), theme.style(Role::Muted)),
            Span::styled(format!("{:<10} ", o.train), theme.style(Role::Accent)),
            Span::styled(item.text.clone(), theme.style(role)),
        ];
        if let Some(there) = there {
            spans.push(Span::styled(
                format!(" ({there})"),
                theme.style(Role::Muted),
            ));
        }
        Line::from(spans)
    }));
    lines
}

fn agenda_items(
    view: &CalendarState,
    now: DateTime<Utc>,
    limit: usize,
) -> Vec<(&Occurrence, crate::domain::calendar::AgendaItem)> {
    calendar::agenda(&view.occurrences, now, view.zone, limit)
        .into_iter()
        .take(limit)
        .filter_map(|item| Some((view.occurrences.get(item.occurrence)?, item)))
        .collect()
}

pub fn conflicts(view: &CalendarState, now: DateTime<Utc>, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = view
        .conflicts
        .iter()
        .filter(|c| c.at >= now)
        .take(3)
        .filter_map(|c| {
            let (a, b) = (
                view.occurrences.get(c.first)?,
                view.occurrences.get(c.second)?,
            );
            let what = match c.kind {
                ConflictKind::WindowsOverlap => {
                    format!("{} and {} windows overlap", a.train, b.train)
                }
                ConflictKind::FreezeDuringWindow => {
                    format!("{} freeze starts in {}'s window", a.train, b.train)
                }
            };
            let at = display_time::day_minute(c.at, view.zone);
            Some(Line::styled(
                format!("⚠ {at}: {what}"),
                theme.style(Role::Critical),
            ))
        })
        .collect();
    if !lines.is_empty() {
        lines.push(Line::default());
    }
    lines
}
