//! The Rollout pane: one row per Deployment with its image, revision, pods,
//! state, last movement and ETA; stale targets say so and keep their rows.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::columns::{self, Column};
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::panes::rollout::TargetState;
use crate::domain::offset::format_duration;
use crate::domain::rollout::{RolloutPhase, Unit, UnitKind};

const BAR: usize = 10;

/// The table's columns, in screen order.
const NAME: usize = 0;
const IMAGE: usize = 1;
const REV: usize = 2;
const PODS_BAR: usize = 3;
const PODS: usize = 4;
const STATE: usize = 5;
const MOVED: usize = 6;
const ETA: usize = 7;
const GAPS: [usize; 8] = [2, 1, 2, 1, 2, 1, 1, 0];

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let view = &model.rollout;
    let now = model.clock.now;
    let mut lines: Vec<Line> = Vec::new();
    for target in &view.targets {
        if let Some(line) = target_notice(target, now, theme) {
            lines.push(line);
        }
    }
    let (table, longest_name) = table(model);
    let widths = columns::fit(&table, usize::from(area.width));
    lines.push(header(&widths, model, theme));
    // Keep one line for the selected row's status message.
    let room = usize::from(area.height).saturating_sub(lines.len() + 1);
    let slots = slots(model);
    let selected = slots
        .iter()
        .position(|s| *s == Slot::Row(view.selected))
        .unwrap_or(0);
    let first = selected.saturating_sub(room.saturating_sub(1));
    let rows: Vec<(&TargetState, &Unit)> = view.rows().collect();
    for slot in slots.iter().skip(first).take(room) {
        match *slot {
            Slot::Component(name) => lines.push(component_header(name, model, theme)),
            Slot::Row(index) => {
                let Some((target, d)) = rows.get(index) else {
                    continue;
                };
                lines.push(row(
                    d,
                    target,
                    index == view.selected,
                    (&widths, longest_name),
                    now,
                    model,
                    theme,
                ));
            }
        }
    }
    if let Some((_, d)) = view.selected_row() {
        let pad = usize::from(area.height).saturating_sub(lines.len() + 1);
        lines.extend(std::iter::repeat_n(Line::default(), pad));
        lines.push(Line::styled(d.message.clone(), theme.style(Role::Muted)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// A line of the table: a component's heading, or a row (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot<'a> {
    Component(&'a str),
    Row(usize),
}

/// The table's lines: with components, each one's rows under its name (the
/// targets are in the components' order); without, the rows alone.
fn slots(model: &Model) -> Vec<Slot<'_>> {
    let grouped = model.rollout.targets.iter().any(|t| t.component.is_some());
    let mut slots = Vec::with_capacity(model.rollout.len() + 4);
    let mut index = 0;
    let mut last: Option<&str> = None;
    for target in &model.rollout.targets {
        let component = target.component.as_deref().unwrap_or("");
        if grouped && last != Some(component) && !target.units.is_empty() {
            slots.push(Slot::Component(component));
            last = Some(component);
        }
        slots.extend((index..index + target.units.len()).map(Slot::Row));
        index += target.units.len();
    }
    slots
}

/// `backend 1.5.0`: a component's name and the version the release ships
/// of it; targets of no component under `other targets`.
fn component_header<'a>(name: &str, model: &Model, theme: &Theme) -> Line<'a> {
    let text = if name.is_empty() {
        "other targets".to_owned()
    } else {
        match &model.release {
            Some(view) if view.checklist.release.components.is_empty() => name.to_owned(),
            Some(view) => match view.checklist.release.components.get(name) {
                Some(version) => format!("{name} {version}"),
                None => format!("{name} (not in this release)"),
            },
            None => name.to_owned(),
        }
    };
    Line::styled(text, theme.style(Role::Accent).add_modifier(Modifier::BOLD))
}

/// The name and state go last, then the pods (how far it is), the image;
/// the revision first, then the bar (the pods say it in figures). A name
/// shortens its namespace before itself: `prod…/checkout`. Also the longest
/// name without its namespace.
fn table(model: &Model) -> ([Column; 8], usize) {
    // Over every row, so that scrolling does not move the columns; Kubernetes
    // names are ASCII, so their lengths are their widths.
    let (mut full, mut short, mut longest) = (10, 10, 0);
    for (_, d) in model.rollout.rows() {
        let whole = d.namespace.len() + d.name.len() + 1;
        full = full.max(whole);
        short = short.max(whole.min(d.name.len() + 2));
        longest = longest.max(d.name.len());
    }
    let columns = [
        Column::new(9, short, full, GAPS[NAME]),
        // `2.3.1 → 2.4.0-bad`, or where it goes: `→ 2.4.0-bad`, `2.4.0-bad`.
        Column::new(5, 10, 17, GAPS[IMAGE]),
        Column::new(1, 4, 4, GAPS[REV]),
        Column::new(2, BAR, BAR, GAPS[PODS_BAR]),
        // `2/4 up 3 av`, or `2/4`.
        Column::new(6, 5, 11, GAPS[PODS]),
        // `progressing`, or `rolling`.
        Column::new(8, 7, 11, GAPS[STATE]),
        // `40s ago`, or `40s` (under its five-letter label).
        Column::new(3, 5, 8, GAPS[MOVED]),
        Column::new(4, 5, 7, GAPS[ETA]),
    ];
    (columns, longest)
}

fn header<'a>(widths: &[Option<usize>; 8], model: &Model, theme: &Theme) -> Line<'a> {
    // Deployments keep kubectl's words; a command target's service is a
    // unit with a version and no pods.
    let (mut any_pods, mut only_deployments, mut only_containers) = (false, true, true);
    for (_, d) in model.rollout.rows() {
        any_pods |= d.kind == UnitKind::Deployment;
        only_deployments &= d.kind == UnitKind::Deployment;
        only_containers &= d.kind == UnitKind::Container;
    }
    let (name, image) = if only_deployments {
        ("DEPLOYMENT", "IMAGE")
    } else if only_containers {
        ("CONTAINER", "IMAGE")
    } else {
        ("UNIT", "VERSION")
    };
    let (bar, pods) = match (any_pods, widths[PODS_BAR].is_some()) {
        (false, _) if only_containers => ("HEALTH", ""),
        (false, _) => ("DONE", ""),
        // The bar carries the PODS label; without it, the figures do.
        (true, true) => ("PODS", ""),
        (true, false) => ("PODS", "PODS"),
    };
    let labels = [name, image, "REV", bar, pods, "STATE", "MOVED", "ETA"];
    let text = columns::header(widths, &GAPS, |column, width| {
        (columns::clip(labels[column], width), column == REV)
    });
    Line::styled(text, theme.style(Role::Muted).add_modifier(Modifier::BOLD))
}

/// `production/checkout`, else the namespace cut to what leaves room for the
/// longest name, the same in every row (`prod…/checkout`, `prod…/web`), else
/// the name cut.
fn deployment_name(namespace: &str, name: &str, width: usize, longest_name: usize) -> String {
    let whole = format!("{namespace}/{name}");
    let name_width = name.chars().count();
    if whole.chars().count() <= width {
        return whole;
    }
    if name_width + 2 > width {
        return columns::clip(name, width);
    }
    let kept = width.saturating_sub(longest_name.max(name_width) + 2);
    let namespace: String = namespace.chars().take(kept).collect();
    format!("{namespace}…/{name}")
}

fn target_notice<'a>(target: &TargetState, now: DateTime<Utc>, theme: &Theme) -> Option<Line<'a>> {
    match (&target.stale, target.received) {
        (Some(stale), _) => Some(Line::from(vec![
            Span::styled(
                format!(
                    "{}: stale {} ",
                    target.name,
                    format_duration(now - stale.since)
                ),
                theme.style(Role::Stale).add_modifier(Modifier::BOLD),
            ),
            Span::styled(stale.error.clone(), theme.style(Role::Stale)),
        ])),
        (None, None) => Some(Line::styled(
            format!("{}: connecting…", target.name),
            theme.style(Role::Muted),
        )),
        (None, Some(_)) if target.units.is_empty() => Some(Line::styled(
            format!("{}: no Deployments match", target.name),
            theme.style(Role::Warn),
        )),
        _ => None,
    }
}

fn row<'a>(
    d: &Unit,
    target: &TargetState,
    selected: bool,
    (widths, longest_name): (&[Option<usize>; 8], usize),
    now: DateTime<Utc>,
    model: &Model,
    theme: &Theme,
) -> Line<'a> {
    let stale = target.stale.is_some();
    // Each state in full, then short enough for a narrow pane.
    let (state, role) = if stale {
        (["stale"; 2], Role::Stale)
    } else {
        match d.phase {
            RolloutPhase::Complete => (["complete", "done"], Role::Ok),
            RolloutPhase::Progressing => (["progressing", "rolling"], Role::Accent),
            RolloutPhase::Failed => (["failed"; 2], Role::Critical),
            RolloutPhase::Paused => (["paused"; 2], Role::Warn),
            RolloutPhase::Unknown => (["unknown", "?"], Role::Muted),
        }
    };
    let base = if selected {
        theme.style(Role::Selection)
    } else {
        Style::default()
    };
    let text = |s: String, role: Role| Span::styled(s, theme.style(role).patch(base));
    let mut spans = Vec::with_capacity(10);
    if let Some(w) = widths[NAME] {
        let name = deployment_name(&d.namespace, &d.name, w, longest_name);
        spans.push(text(format!("{name:<w$}  "), Role::Text));
    }
    if let Some(w) = widths[IMAGE] {
        let new = d.version.as_str();
        let image = match d.previous_version() {
            Some(old) => {
                let (change, arrival) = (format!("{old} → {new}"), format!("→ {new}"));
                // The state says it is moving; the tag it moves to matters more.
                columns::pick(&[change.as_str(), arrival.as_str(), new], w)
            }
            None => columns::clip(new, w),
        };
        spans.push(text(format!("{image:<w$} "), Role::Text));
    }
    if let Some(w) = widths[REV] {
        spans.push(text(format!("{:>w$}  ", d.revision), Role::Muted));
    }
    if widths[PODS_BAR].is_some() {
        let (filled, partial) = bar(d);
        spans.push(text(
            "█".repeat(filled),
            if stale { Role::Stale } else { Role::Ok },
        ));
        spans.push(text("▒".repeat(partial), Role::Accent));
        spans.push(text("░".repeat(BAR - filled - partial), Role::Border));
        spans.push(text(" ".to_owned(), Role::Text));
    }
    if let Some(w) = widths[PODS] {
        let counts = format!("{}/{}", d.updated, d.desired);
        let full = format!("{counts} up {} av", d.available);
        // A command target's service has no pods to count; a container
        // has its health, which its message starts with.
        let pods = match d.kind {
            UnitKind::Deployment => columns::pick(&[full.as_str(), counts.as_str()], w),
            UnitKind::Container => {
                let health = d.message.split(" · ").next().unwrap_or_default();
                let word = health.split(' ').next().unwrap_or_default();
                columns::pick(&[health, word], w)
            }
            UnitKind::Command => String::new(),
        };
        spans.push(text(format!("{pods:<w$}  "), Role::Text));
    }
    if let Some(w) = widths[STATE] {
        spans.push(text(format!("{:<w$} ", columns::pick(&state, w)), role));
    }
    if let Some(w) = widths[MOVED] {
        let moved = d.last_update.map_or_else(String::new, |at| {
            let age = coarse(now - at);
            let ago = format!("{age} ago");
            columns::pick(&[ago.as_str(), age.as_str()], w)
        });
        spans.push(text(format!("{moved:<w$} "), Role::Muted));
    }
    if let Some(w) = widths[ETA] {
        let eta = model
            .rollout
            .eta(&target.name, d, now)
            .map(|left| columns::clip(&format!("~{}", format_duration(left)), w))
            .unwrap_or_default();
        spans.push(text(eta, Role::Muted));
    }
    Line::from(spans)
}

/// The largest unit only, so that an old rollout's age does not redraw
/// every second: `12s`, `5m`, `3h`, `2d`.
fn coarse(age: chrono::Duration) -> String {
    let s = age.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Cells for available pods of the new revision, then updated ones not yet
/// available; the rest is what is left to do.
fn bar(d: &Unit) -> (usize, usize) {
    let desired = d.desired.max(1);
    let scale = |n: i32| {
        let n = usize::try_from(n.clamp(0, desired)).unwrap_or(0);
        n * BAR / usize::try_from(desired).unwrap_or(1)
    };
    let filled = scale(d.updated.min(d.available));
    let partial = scale(d.updated).saturating_sub(filled);
    (filled, partial.min(BAR - filled))
}
