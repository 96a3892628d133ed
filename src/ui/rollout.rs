//! The Rollout pane: one row per Deployment with its image, revision, pods,
//! state, last movement and ETA; stale targets say so and keep their rows.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::rollout_view::TargetView;
use crate::domain::offset::format_duration;
use crate::domain::rollout::{DeploymentState, RolloutPhase, image_tag};

const BAR: usize = 10;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let view = &model.rollout;
    let now = model.clock.now;
    let mut lines: Vec<Line> = Vec::new();
    for target in &view.targets {
        if let Some(line) = target_notice(target, now, theme) {
            lines.push(line);
        }
    }
    let width = usize::from(area.width);
    let name_width = view
        .rows()
        .map(|(_, d)| d.namespace.len() + d.name.len() + 1)
        .max()
        .unwrap_or(10)
        .clamp(10, (width / 3).max(10));
    lines.push(Line::styled(
        format!(
            "{:<name_width$}  {:<17} {:>4}  {:<BAR$} {:<11}  {:<12} {:<8} {}",
            "DEPLOYMENT", "IMAGE", "REV", "PODS", "", "STATE", "MOVED", "ETA"
        ),
        theme.style(Role::Muted).add_modifier(Modifier::BOLD),
    ));
    // Keep one line for the selected row's status message.
    let room = usize::from(area.height).saturating_sub(lines.len() + 1);
    let first = view.selected.saturating_sub(room.saturating_sub(1));
    for (index, (target, d)) in view.rows().enumerate().skip(first).take(room) {
        lines.push(row(
            d,
            target,
            index == view.selected,
            name_width,
            now,
            model,
            theme,
        ));
    }
    if let Some((_, d)) = view.selected_row() {
        let pad = usize::from(area.height).saturating_sub(lines.len() + 1);
        lines.extend(std::iter::repeat_n(Line::default(), pad));
        lines.push(Line::styled(d.message.clone(), theme.style(Role::Muted)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn target_notice<'a>(target: &TargetView, now: DateTime<Utc>, theme: &Theme) -> Option<Line<'a>> {
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
        (None, Some(_)) if target.deployments.is_empty() => Some(Line::styled(
            format!("{}: no Deployments match", target.name),
            theme.style(Role::Warn),
        )),
        _ => None,
    }
}

fn row<'a>(
    d: &DeploymentState,
    target: &TargetView,
    selected: bool,
    name_width: usize,
    now: DateTime<Utc>,
    model: &Model,
    theme: &Theme,
) -> Line<'a> {
    let stale = target.stale.is_some();
    let name = format!("{}/{}", d.namespace, d.name);
    let image = match &d.previous_image {
        Some(old) => format!("{} → {}", image_tag(old), image_tag(&d.image)),
        None => image_tag(&d.image).to_owned(),
    };
    let (state, role) = if stale {
        ("stale", Role::Stale)
    } else {
        match d.phase {
            RolloutPhase::Complete => ("complete", Role::Ok),
            RolloutPhase::Progressing => ("progressing", Role::Accent),
            RolloutPhase::Failed => ("failed", Role::Critical),
            RolloutPhase::Paused => ("paused", Role::Warn),
        }
    };
    let moved = d
        .last_update
        .map(|at| format!("{} ago", coarse(now - at)))
        .unwrap_or_default();
    let eta = model
        .rollout
        .eta(&target.name, d, now)
        .map(|left| format!("~{}", format_duration(left)))
        .unwrap_or_default();
    let base = if selected {
        theme.style(Role::Selection)
    } else {
        Style::default()
    };
    let text = |s: String, role: Role| Span::styled(s, theme.style(role).patch(base));
    let (filled, partial) = bar(d);
    Line::from(vec![
        text(format!("{:<name_width$.name_width$}  ", name), Role::Text),
        text(format!("{image:<17.17} "), Role::Text),
        text(format!("{:>4}  ", d.revision), Role::Muted),
        text(
            "█".repeat(filled),
            if stale { Role::Stale } else { Role::Ok },
        ),
        text("▒".repeat(partial), Role::Accent),
        text("░".repeat(BAR - filled - partial), Role::Border),
        text(
            format!(
                " {:<11}  ",
                format!("{}/{} up {} av", d.updated, d.desired, d.available)
            ),
            Role::Text,
        ),
        text(format!("{state:<12} "), role),
        text(format!("{moved:<8} "), Role::Muted),
        text(eta, Role::Muted),
    ])
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
fn bar(d: &DeploymentState) -> (usize, usize) {
    let desired = d.desired.max(1);
    let scale = |n: i32| {
        let n = usize::try_from(n.clamp(0, desired)).unwrap_or(0);
        n * BAR / usize::try_from(desired).unwrap_or(1)
    };
    let filled = scale(d.updated.min(d.available));
    let partial = scale(d.updated).saturating_sub(filled);
    (filled, partial.min(BAR - filled))
}
