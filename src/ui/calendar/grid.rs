//! The month grid: one cell per day, Monday first, marking release days,
//! freezes, blackouts, today and the selected day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::panes::calendar::{CalendarState, WEEKDAYS};
use crate::ui::theme::{Role, Theme};

/// What the grid shows about one day.
#[derive(Default)]
struct DayMarks {
    releases: usize,
    skipped: usize,
    conflict: bool,
    flagged: bool,
    frozen: bool,
    blackout: bool,
}

fn marks(view: &CalendarState, day: NaiveDate) -> DayMarks {
    let mut marks = DayMarks::default();
    let (start, end) = (view.day_start(day), view.day_start(day + Duration::days(1)));
    for (i, o) in view.occurrences.iter().enumerate() {
        let on_day = (start..end).contains(&o.t0);
        if o.is_skipped() {
            marks.skipped += usize::from(on_day);
            continue;
        }
        if on_day {
            marks.releases += 1;
            marks.conflict |= view.conflicts_of(i).next().is_some();
            marks.flagged |= o.on_blackout.is_some();
        }
        marks.frozen |= o.freeze.is_some_and(|f| f < end && o.t0 > start);
    }
    marks.releases += view.ad_hoc_on(day).count();
    marks.blackout = view
        .calendar
        .blackouts
        .iter()
        .any(|b| (b.first..=b.last).contains(&day));
    marks
}

pub fn grid(view: &CalendarState, now: DateTime<Utc>, theme: &Theme) -> Paragraph<'static> {
    let today = view.today(now);
    let mut lines = vec![Line::styled(
        view.month.format("%B %Y").to_string(),
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    lines.push(Line::from(
        WEEKDAYS
            .iter()
            .map(|d| {
                Span::styled(
                    format!("{:<4}", &d.to_string()[..2]),
                    theme.style(Role::Muted),
                )
            })
            .collect::<Vec<_>>(),
    ));
    let start = view.grid_start();
    for week in 0..6 {
        let spans: Vec<Span> = (0..7)
            .map(|d| start + Duration::days(week * 7 + d))
            .flat_map(|day| cell(view, day, today, theme))
            .collect();
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines)
}

fn cell(
    view: &CalendarState,
    day: NaiveDate,
    today: NaiveDate,
    theme: &Theme,
) -> [Span<'static>; 2] {
    let m = marks(view, day);
    let mut style = if day.month() != view.month.month() {
        theme.style(Role::Muted)
    } else if m.frozen {
        theme.style(Role::Warn)
    } else if m.blackout {
        theme.style(Role::Muted).add_modifier(Modifier::DIM)
    } else {
        theme.style(Role::Text)
    };
    if day == today {
        style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    }
    let (marker, marker_style) = match () {
        _ if m.conflict => (
            "!",
            theme.style(Role::Critical).add_modifier(Modifier::BOLD),
        ),
        _ if m.flagged => ("!", theme.style(Role::Warn).add_modifier(Modifier::BOLD)),
        _ if m.releases > 1 => ("◆", theme.style(Role::Accent)),
        _ if m.releases == 1 => ("●", theme.style(Role::Accent)),
        _ if m.skipped > 0 => ("×", theme.style(Role::Muted)),
        _ if m.blackout => ("-", theme.style(Role::Muted)),
        _ => (" ", Style::default()),
    };
    let selected = day == view.selected;
    let (style, marker_style) = if selected {
        (theme.style(Role::Selection), theme.style(Role::Selection))
    } else {
        (style, marker_style)
    };
    [
        Span::styled(format!("{:>2}", day.day()), style),
        Span::styled(format!("{marker} "), marker_style),
    ]
}

pub fn legend(theme: &Theme) -> Vec<Line<'static>> {
    let muted = theme.style(Role::Muted);
    vec![
        Line::from(vec![
            Span::styled("●", theme.style(Role::Accent)),
            Span::styled(" release  ", muted),
            Span::styled("12", theme.style(Role::Warn)),
            Span::styled(" frozen", muted),
        ]),
        Line::from(vec![
            Span::styled("!", theme.style(Role::Critical)),
            Span::styled(" clash  ", muted),
            Span::styled("×", muted),
            Span::styled(" skip  ", muted),
            Span::styled("-", muted),
            Span::styled(" blackout", muted),
        ]),
    ]
}
