//! The Health pane: each signal's value against its rules and baseline, its
//! state, a sparkline, and how fresh it is. Zoomed, it is the "T+1h" view:
//! a tall chart per signal over the post-deploy window, for a second screen.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};

use super::columns::{self, Column};
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::alerts::Condition;
use crate::app::panes::health::SignalState;
use crate::domain::display_time;
use crate::domain::health::Unit;
use crate::domain::offset::{format_duration, format_t_clock};
use crate::domain::policy::Rule;

/// The table's columns, in screen order.
const NAME: usize = 0;
const VALUE: usize = 1;
const RULE: usize = 2;
const BASELINE: usize = 3;
const STATE: usize = 4;
const CHART: usize = 5;
/// Spaces after each column: a right-aligned value keeps two from the text
/// beside it.
const GAPS: [usize; 6] = [1, 2, 1, 2, 1, 0];

/// One signal's cells, worked out once per frame: the widths are measured
/// from them before any row is drawn.
struct Cells {
    value: String,
    /// The critical rule with the warn rule in brackets, then the critical alone.
    rule: [String; 2],
    baseline: String,
    /// `FIRING 7m`, then `FIRING`: the short form keeps FIRING whole.
    state: [String; 2],
    role: Role,
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    if model.zoomed {
        return render_t1h(frame, area, model, theme);
    }
    let now = model.clock.now;
    let (from, _) = window(model);
    let signals = &model.health.signals;
    let cells: Vec<Cells> = signals
        .iter()
        .map(|s| cells(s, baseline(model, s), deployed(model), now))
        .collect();
    let widths = columns::fit(&table(signals, &cells), usize::from(area.width));
    let mut lines = vec![header(&widths, theme)];
    for (index, (s, cells)) in signals.iter().zip(&cells).enumerate() {
        let selected = index == model.health.selected;
        lines.push(row(s, cells, selected, from, now, &widths, theme));
        if let Some(line) = detail(s, model, theme) {
            lines.push(line);
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Name and state go last, then the value; the chart before the rules, and
/// the baseline first. Each takes the width of its widest cell.
fn table(signals: &[SignalState], cells: &[Cells]) -> [Column; 6] {
    let widest = |f: &dyn Fn(&Cells) -> usize, floor: usize| {
        cells.iter().map(f).max().unwrap_or(0).max(floor)
    };
    let name = signals
        .iter()
        .map(|s| s.signal.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(6, 24);
    let width = |t: &String| t.chars().count();
    [
        Column::new(6, name, name, GAPS[NAME]),
        Column::new(4, widest(&|c| width(&c.value), 5), 0, GAPS[VALUE]),
        Column::new(
            2,
            widest(&|c| width(&c.rule[1]), 8),
            widest(&|c| width(&c.rule[0]), 15),
            GAPS[RULE],
        ),
        Column::new(1, widest(&|c| width(&c.baseline), 8), 0, GAPS[BASELINE]),
        Column::new(
            5,
            widest(&|c| width(&c.state[1]), 5),
            widest(&|c| width(&c.state[0]), 5),
            GAPS[STATE],
        ),
        Column::new(3, 8, 8, GAPS[CHART]).filling(),
    ]
}

fn header<'a>(widths: &[Option<usize>; 6], theme: &Theme) -> Line<'a> {
    // Each column's labels, full first, and whether it is right-aligned.
    const LABELS: [(&[&str], bool); 6] = [
        (&["SIGNAL"], false),
        (&["VALUE"], true),
        (&["CRITICAL (WARN)", "CRITICAL"], false),
        (&["BASELINE"], true),
        (&["STATE"], false),
        (&["CHART"], false),
    ];
    let text = columns::header(widths, &GAPS, |column, width| {
        let (forms, right) = LABELS[column];
        (columns::pick(forms, width), right)
    });
    Line::styled(text, theme.style(Role::Muted).add_modifier(Modifier::BOLD))
}

/// The chart's window, always up to now: from shortly before the last deploy
/// if it was within the chart range, else the whole range; never from before
/// the first point, so a cockpit just started fills its charts.
fn window(model: &Model) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let now = model.clock.now;
    let range_start = now - model.health.chart_range;
    let deploy = model.release.as_ref().and_then(|r| r.checklist.last_deploy);
    let from = match deploy {
        Some(at) if at > range_start => at - Duration::minutes(5),
        _ => range_start,
    };
    let first = model
        .health
        .signals
        .iter()
        .filter_map(|s| s.points.first())
        .map(|(at, _)| at)
        .min();
    let from = first.map_or(from, |first| from.max(first)).max(range_start);
    (from, deploy)
}

/// Whether the release has deployed: a baseline rule says nothing before.
fn deployed(model: &Model) -> bool {
    model
        .release
        .as_ref()
        .is_some_and(|r| r.checklist.last_deploy.is_some())
}

fn baseline(model: &Model, s: &SignalState) -> Option<f64> {
    model.release.as_ref()?.checklist.baseline(&s.signal.name)
}

/// The critical rule and, in brackets, the warn rule, without the name.
fn rules(s: &SignalState) -> String {
    let [full, _] = rule_forms(s);
    full
}

/// The rules in full, then the critical rule alone (a warn rule alone stays).
fn rule_forms(s: &SignalState) -> [String; 2] {
    let show = |rule: &Rule| {
        let text = s.signal.describe(rule);
        text.strip_prefix(&s.signal.name)
            .unwrap_or(&text)
            .trim()
            .to_owned()
    };
    match (&s.signal.critical, &s.signal.warn) {
        (Some(c), Some(w)) => [format!("{} ({})", show(c), show(w)), show(c)],
        (Some(c), None) => [show(c), show(c)],
        (None, Some(w)) => [format!("({})", show(w)), format!("({})", show(w))],
        (None, None) => [String::new(), String::new()],
    }
}

fn cells(s: &SignalState, baseline: Option<f64>, deployed: bool, now: DateTime<Utc>) -> Cells {
    let unit = s.signal.unit;
    let (state, role) = state(s, baseline, deployed, now);
    Cells {
        value: s.value.map_or_else(|| "–".to_owned(), |v| unit.format(v)),
        rule: rule_forms(s),
        baseline: match unit {
            Unit::Health => String::new(),
            _ => baseline.map_or_else(String::new, |b| unit.format(b)),
        },
        state,
        role,
    }
}

/// The state word in full and short, and its colour, as the header and
/// `status` count it.
fn state(
    s: &SignalState,
    baseline: Option<f64>,
    deployed: bool,
    now: DateTime<Utc>,
) -> ([String; 2], Role) {
    let condition = s.condition(baseline, deployed, now);
    let role = match condition {
        Condition::Stale => Role::Stale,
        Condition::Firing { .. } => Role::Critical,
        Condition::Clearing | Condition::Breached | Condition::Warning | Condition::NoBaseline => {
            Role::Warn
        }
        Condition::Waiting | Condition::NoValue => Role::Muted,
        Condition::Ok => Role::Ok,
    };
    let forms = match condition {
        Condition::Firing { since } => match (now - since).num_minutes() {
            minutes if minutes > 0 => [format!("FIRING {minutes}m"), "FIRING".to_owned()],
            _ => ["FIRING".to_owned(), "FIRING".to_owned()],
        },
        Condition::NoBaseline => [condition.word().to_owned(), "no base".to_owned()],
        other => [other.word().to_owned(), other.word().to_owned()],
    };
    (forms, role)
}

fn row<'a>(
    s: &SignalState,
    cells: &Cells,
    selected: bool,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    widths: &[Option<usize>; 6],
    theme: &Theme,
) -> Line<'a> {
    let role = cells.role;
    let base = if selected {
        theme.style(Role::Selection)
    } else {
        Style::default()
    };
    let text = |t: String, role: Role| Span::styled(t, theme.style(role).patch(base));
    let value_role = if role == Role::Stale {
        Role::Stale
    } else {
        role_of(role)
    };
    let mut spans = Vec::with_capacity(6);
    if let Some(w) = widths[NAME] {
        let name = columns::clip(&s.signal.name, w);
        spans.push(text(format!("{name:<w$} "), Role::Text));
    }
    if let Some(w) = widths[VALUE] {
        let value = columns::clip(&cells.value, w);
        spans.push(text(format!("{value:>w$}  "), value_role));
    }
    if let Some(w) = widths[RULE] {
        let forms = [cells.rule[0].as_str(), cells.rule[1].as_str()];
        spans.push(text(
            format!("{:<w$} ", columns::pick(&forms, w)),
            Role::Muted,
        ));
    }
    if let Some(w) = widths[BASELINE] {
        let baseline = columns::clip(&cells.baseline, w);
        spans.push(text(format!("{baseline:>w$}  "), Role::Muted));
    }
    if let Some(w) = widths[STATE] {
        let forms = [cells.state[0].as_str(), cells.state[1].as_str()];
        spans.push(text(format!("{:<w$} ", columns::pick(&forms, w)), role));
    }
    let Some(chart) = widths[CHART] else {
        return Line::from(spans);
    };
    // A health check is up or down: what it answered says more than bars.
    if s.signal.unit == Unit::Health {
        let note = s.note.as_deref().unwrap_or_default();
        spans.push(Span::styled(
            columns::clip(note, chart),
            theme.style(Role::Muted),
        ));
    } else {
        let limit = s.signal.critical.as_ref().and_then(|r| r.threshold(None));
        let bars = sparkline(s, from, now, chart, limit);
        spans.push(Span::styled(bars, theme.style(role_of(role))));
    }
    Line::from(spans)
}

/// The value's colour follows the state, but a fine value reads as text.
fn role_of(state: Role) -> Role {
    match state {
        Role::Ok | Role::Muted => Role::Text,
        other => other,
    }
}

/// Why the signal is stale, late, or has no value; nothing when all is well.
fn detail<'a>(s: &SignalState, model: &Model, theme: &Theme) -> Option<Line<'a>> {
    let now = model.clock.now;
    let age =
        |at: DateTime<Utc>| format_duration(Duration::seconds((now - at).num_seconds().max(0)));
    let text = match (&s.stale, s.received) {
        (Some(stale), Some(at)) => format!(
            "  stale since {} (last value {} ago): {}",
            display_time::second(stale.since, model.clock.zone),
            age(at),
            stale.error
        ),
        (Some(stale), None) => format!("  no data yet: {}", stale.error),
        (None, Some(at)) if s.is_late(now) => format!("  late: last value {} ago", age(at)),
        // Health notes sit in the row; others explain a missing value.
        _ if s.signal.unit == Unit::Health || s.value.is_some() => return None,
        _ => {
            return s
                .note
                .as_ref()
                .map(|n| Line::styled(format!("  {n}"), theme.style(Role::Muted)));
        }
    };
    Some(Line::styled(text, theme.style(Role::Stale)))
}

/// One line of bars, one per column; a threshold lifts the scale so that a
/// calm signal looks calm.
fn sparkline(
    s: &SignalState,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    width: usize,
    limit: Option<f64>,
) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let columns = filled(s, from, now, width);
    let top = scale_top(&columns, limit);
    columns
        .iter()
        .map(|c| match c {
            None => ' ',
            Some(v) => BARS[((v / top).clamp(0.0, 1.0) * 7.0).round() as usize],
        })
        .collect()
}

/// The chart's columns, a value carried forward over the columns between two
/// polls; a gap longer than three polls (an outage) stays empty.
fn filled(
    s: &SignalState,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    width: usize,
) -> Vec<Option<f64>> {
    let mut columns = s.points.chart(from, now, width);
    let column_ms = ((now - from).num_milliseconds() / width.max(1) as i64).max(1);
    let reach =
        usize::try_from((s.signal.interval * 3).num_milliseconds() / column_ms).unwrap_or(0);
    let mut last: Option<(usize, f64)> = None;
    for (i, cell) in columns.iter_mut().enumerate() {
        match (*cell, last) {
            (Some(v), _) => last = Some((i, v)),
            (None, Some((at, v))) if i - at <= reach => *cell = Some(v),
            _ => {}
        }
    }
    columns
}

fn scale_top(columns: &[Option<f64>], limit: Option<f64>) -> f64 {
    let peak = columns.iter().flatten().fold(0.0_f64, |a, b| a.max(*b));
    let top = peak.max(limit.unwrap_or(0.0) * 1.2);
    if top > 0.0 { top } else { 1.0 }
}

/// Zoomed: a tall chart per signal over the post-deploy window.
fn render_t1h(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let now = model.clock.now;
    let (from, deploy) = window(model);
    let signals = &model.health.signals;
    let zone = model.clock.zone;
    let t0 = model.release.as_ref().map(|r| r.checklist.release.t0);
    let title = match deploy.zip(t0) {
        // T counts from T-0, here as everywhere: the deploy's place on the plan.
        Some((at, t0)) => format!(
            "T+1h view · deploy at {} ({}) · {} to now",
            display_time::minute(at, zone),
            format_t_clock(at - t0),
            display_time::minute(from, zone),
        ),
        None => format!(
            "T+1h view · no deploy yet · the last {}",
            format_duration(model.health.chart_range)
        ),
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Line::styled(
            title,
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
        head,
    );
    if signals.is_empty() {
        return;
    }
    let rows = Layout::vertical(signals.iter().map(|_| Constraint::Fill(1))).split(body);
    for (index, (s, rect)) in signals.iter().zip(rows.iter()).enumerate() {
        let name_style = if index == model.health.selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let [label, chart] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(*rect);
        let baseline = baseline(model, s);
        let ([state, _], role) = state(s, baseline, deployed(model), now);
        let value = s
            .value
            .map_or_else(|| "–".to_owned(), |v| s.signal.unit.format(v));
        let base = baseline.map_or_else(String::new, |b| {
            format!(" · baseline {}", s.signal.unit.format(b))
        });
        let read = s.received.map_or_else(
            || " · no value yet".to_owned(),
            |at| format!(" · read {}", display_time::second(at, zone)),
        );
        frame.render_widget(
            Line::from(vec![
                Span::styled(
                    format!("{} {value} ", s.signal.name),
                    name_style.add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!("{state} "), theme.style(role)),
                Span::styled(
                    format!("· {}{base}{read}", rules(s)),
                    theme.style(Role::Muted),
                ),
            ]),
            label,
        );
        if chart.height == 0 {
            continue;
        }
        let columns = filled(s, from, now, usize::from(chart.width));
        let limit = s
            .signal
            .critical
            .as_ref()
            .and_then(|r| r.threshold(baseline));
        let top = scale_top(&columns, limit);
        let bars = columns.iter().map(|c| {
            let breached = limit.zip(*c).is_some_and(|(l, v)| v > l);
            let bar = SparklineBar::from(c.map(|v| ((v / top).clamp(0.0, 1.0) * 1000.0) as u64));
            if breached {
                bar.style(Some(theme.style(Role::Critical)))
            } else {
                bar
            }
        });
        frame.render_widget(
            Sparkline::default()
                .data(bars)
                .max(1000)
                .style(theme.style(role_of(role))),
            chart,
        );
    }
}
