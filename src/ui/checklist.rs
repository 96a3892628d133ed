//! The Checklist pane: the release's header and its phases, each a foldable group
//! with a progress bar, each step with its state, due time, offset and owner.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row as TableRow, Table, TableState};

use super::layout::{Need, PANE_FRAME};
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::panes::release::{ReleaseState, Row};
use crate::domain::checklist::StepState;
use crate::domain::display_time;
use crate::domain::offset::{format_relative, format_t_clock};
use crate::domain::playbook::{Step, When, step_vars};
use crate::domain::vars::substitute_known;

/// The columns beside the title: state, offset, due time; the owner's is
/// as wide as the widest owner, up to `OWNER`.
const BADGE: u16 = 11;
const OFFSET: u16 = 8;
const DUE: u16 = 14;
const NARROW_DUE: u16 = 12;
const OWNER: u16 = 16;
/// The table puts one space between its five columns.
const SPACING: u16 = 4;
const NARROW_FIXED: u16 = BADGE + NARROW_DUE + SPACING;
/// The offset and owner show once the title keeps this much (or all it needs).
const TITLE_WIDE: u16 = 40;
/// A narrow pane still gives titles this much.
const TITLE_NARROW: u16 = 30;

/// What the table's text needs, folded phases included, so that the
/// columns stay put when a phase opens.
struct Measure {
    /// The widest step title with its marks.
    title: u16,
    owner: u16,
}

impl Measure {
    fn of(view: &ReleaseState, now: DateTime<Utc>, theme: &Theme) -> Self {
        let steps = || view.checklist.playbook.phases.iter().flat_map(|p| &p.steps);
        let width = |w: usize| u16::try_from(w).unwrap_or(u16::MAX);
        let title = steps()
            .map(|step| title(view, step, view.checklist.state(step, now), theme).width())
            .max()
            .unwrap_or(0);
        let owner = steps()
            .map(|step| step.owner.chars().count())
            .max()
            .unwrap_or(0);
        Self {
            title: width(title),
            owner: width(owner).min(OWNER),
        }
    }

    /// Every column but the title, in the wide table.
    fn wide_fixed(&self) -> u16 {
        BADGE + OFFSET + DUE + self.owner + SPACING
    }
}

/// Every title in full beside every column; at least the narrow table.
pub fn need(view: &ReleaseState, model: &Model, theme: &Theme) -> Need {
    let measure = Measure::of(view, model.clock.now, theme);
    Need {
        min: PANE_FRAME + NARROW_FIXED + measure.title.min(TITLE_NARROW),
        preferred: PANE_FRAME + measure.wide_fixed() + measure.title,
    }
}

pub fn render(frame: &mut Frame, area: Rect, view: &ReleaseState, model: &Model, theme: &Theme) {
    let now = model.clock.now;
    let checklist = &view.checklist;
    let [header, rows_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    frame.render_widget(header_lines(view, model, theme), header);

    let current_phase = checklist.current_phase(now);
    let rows: Vec<TableRow> = view
        .rows(now)
        .into_iter()
        .map(|row| match row {
            Row::Phase(phase) => phase_row(view, phase, current_phase, now, theme),
            Row::Step { phase, index } => step_row(
                view,
                &checklist.playbook.phases[phase].steps[index],
                (now, model.clock.zone),
                theme,
            ),
        })
        .collect();
    // Narrow panes keep state, title and due time; the offset and owner go first.
    let measure = Measure::of(view, now, theme);
    let widths = if area.width >= measure.wide_fixed() + measure.title.min(TITLE_WIDE) {
        [
            Constraint::Length(BADGE),
            Constraint::Fill(1),
            Constraint::Length(OFFSET),
            Constraint::Length(DUE),
            Constraint::Length(measure.owner),
        ]
    } else {
        [
            Constraint::Length(BADGE),
            Constraint::Fill(1),
            Constraint::Length(0),
            Constraint::Length(NARROW_DUE),
            Constraint::Length(0),
        ]
    };
    let table = Table::new(rows, widths).row_highlight_style(theme.style(Role::Selection));
    let mut state = TableState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(table, rows_area, &mut state);
}

fn header_lines<'a>(
    view: &'a ReleaseState,
    model: &Model,
    theme: &Theme,
) -> ratatui::text::Text<'a> {
    let release = &view.checklist.release;
    let zone = model.clock.zone;
    let mut t0 = format!("T-0 {}", display_time::date_time(release.t0, zone));
    if let Some(there) = display_time::beside(release.t0, zone, release.zone) {
        t0.push_str(&format!(" ({there})"));
    }
    let mut first = Line::from(vec![
        Span::styled(
            format!("{} {}", release.name, release.version),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("  {} · {} playbook", release.kind, release.playbook),
            theme.style(Role::Muted),
        ),
    ]);
    if !release.components.is_empty() {
        let held: Vec<String> = release
            .components
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        first.push_span(Span::styled(
            format!("  {}", held.join(" · ")),
            theme.style(Role::Text),
        ));
    }
    let mut second = Line::from(vec![
        Span::styled(t0, theme.style(Role::Text)),
        Span::styled("  ", Style::new()),
        Span::styled(
            format_t_clock(model.clock.now - release.t0),
            theme.style(Role::Accent),
        ),
    ]);
    // Flagged, never refused: the commits hold more than the type allows.
    let flags: Vec<String> = match &view.repo_reading {
        Some(Ok(readings)) => readings
            .iter()
            .filter_map(|r| {
                let flag = r.beyond_type.as_ref()?;
                Some(match &r.component {
                    Some(component) => format!("{component}: {flag}"),
                    None => flag.clone(),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    if let Some(flag) = flags.first() {
        let more = match flags.len() {
            1 => String::new(),
            n => format!(" (+{} more; Enter on a tag step)", n - 1),
        };
        second.push_span(Span::styled(
            format!("  ⚑ {flag}{more}"),
            theme.style(Role::Warn),
        ));
    }
    ratatui::text::Text::from(vec![first, second])
}

fn phase_row<'a>(
    view: &'a ReleaseState,
    phase: usize,
    current_phase: usize,
    now: DateTime<Utc>,
    theme: &Theme,
) -> TableRow<'a> {
    let (done, total) = view.checklist.progress(phase, now);
    let width = 8;
    let filled = (done * width).checked_div(total).unwrap_or(0);
    let bar = format!(
        "{}{} {done}/{total}",
        "█".repeat(filled),
        "░".repeat(width - filled)
    );
    let fold = if view.is_folded_given(phase, current_phase) {
        "▸"
    } else {
        "▾"
    };
    let current = phase == current_phase;
    let name_style = theme
        .style(if current { Role::Accent } else { Role::Text })
        .add_modifier(Modifier::BOLD);
    let bar_role = if done == total { Role::Ok } else { Role::Muted };
    TableRow::new(vec![
        Cell::from(Span::styled(fold, theme.style(Role::Muted))),
        Cell::from(Span::styled(
            view.checklist.playbook.phases[phase].name.clone(),
            name_style,
        )),
        Cell::from(""),
        Cell::from(Span::styled(bar, theme.style(bar_role))),
        Cell::from(""),
    ])
}

fn step_row<'a>(
    view: &'a ReleaseState,
    step: &'a Step,
    (now, zone): (DateTime<Utc>, chrono_tz::Tz),
    theme: &Theme,
) -> TableRow<'a> {
    let checklist = &view.checklist;
    let state = checklist.state(step, now);
    let unknown = state == StepState::Running && !view.live_gates.contains(&step.id);
    let (badge, role) = if unknown {
        ("? unknown".to_owned(), Role::Stale)
    } else {
        badge(state)
    };
    let title = title(view, step, state, theme);
    let when = match (&step.when, checklist.due_at(step)) {
        // A follow-up is due at a time, not at a place in the plan.
        (When::At(_), Some(due)) if checklist.follow_ups.contains(&step.id) => {
            display_time::minute(due, zone)
        }
        (When::At(offset), _) => offset.to_string(),
        (When::After(other), _) => format!("↳{other}"),
    };
    let relative = if state.is_finished() {
        checklist
            .finished_at(step)
            .map(|at| format_relative(at - now))
            .unwrap_or_default()
    } else {
        checklist
            .due_at(step)
            .map(|due| format_relative(due - now))
            .unwrap_or_else(|| "waiting".to_owned())
    };
    TableRow::new(vec![
        Cell::from(Span::styled(badge, theme.style(role))),
        Cell::from(title),
        Cell::from(Span::styled(when, theme.style(Role::Muted))),
        Cell::from(Span::styled(
            relative,
            theme.style(if matches!(state, StepState::Overdue) {
                Role::Critical
            } else {
                Role::Muted
            }),
        )),
        Cell::from(Span::styled(step.owner.as_str(), theme.style(Role::Muted))),
    ])
}

/// A step's title, with `⛔ blocked (n)` while it waits on others and
/// `optional` when it is.
fn title<'a>(view: &'a ReleaseState, step: &'a Step, state: StepState, theme: &Theme) -> Line<'a> {
    // `Tag v{version}` reads as the release's; the train's previous version
    // is left to Details, which knows the other releases.
    let text: std::borrow::Cow<'a, str> = if step.title.contains('{') {
        substitute_known(&step.title, &step_vars(&view.checklist.release, step, None)).into()
    } else {
        step.title.as_str().into()
    };
    let mut title = vec![Span::styled(
        text,
        theme.style(if state.is_finished() {
            Role::Muted
        } else {
            Role::Text
        }),
    )];
    let blockers = view.checklist.blockers(step);
    if !blockers.is_empty() && !state.is_finished() {
        title.push(Span::styled(
            format!("  ⛔ blocked ({})", blockers.len()),
            theme.style(Role::Critical),
        ));
    }
    if !step.required {
        title.push(Span::styled("  optional", theme.style(Role::Muted)));
    }
    Line::from(title)
}

/// The state column: a symbol that survives `NO_COLOR`, and its colour role.
pub fn badge(state: StepState) -> (String, Role) {
    let (symbol, role) = match state {
        StepState::Pending => ("○", Role::Text),
        StepState::Due => ("●", Role::Warn),
        StepState::Overdue => ("!", Role::Critical),
        StepState::Running => ("↻", Role::Accent),
        StepState::Deploying => ("⇡", Role::Accent),
        StepState::Passed => ("✓", Role::Ok),
        StepState::Failed => ("✗", Role::Critical),
        StepState::Skipped => ("–", Role::Muted),
        StepState::Done => ("✓", Role::Ok),
    };
    (format!("{symbol} {}", state.name()), role)
}
