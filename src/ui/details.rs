//! Everything about one step: what to do, when, its gate, what blocks it, who did
//! what, and the last gate output.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::checklist::badge;
use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::dialogs::scrolling::ScrollFrom;
use crate::domain::checklist::GateRun;
use crate::domain::display_time;
use crate::domain::offset::{format_duration, format_relative};
use crate::domain::playbook::{StepKind, When, step_vars};
use crate::domain::vars::substitute_known;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    step_id: &str,
    scroll: ScrollFrom,
    model: &Model,
    theme: &Theme,
) {
    let Some(view) = &model.release else { return };
    let checklist = &view.checklist;
    let Some(step) = checklist.playbook.step(step_id) else {
        return;
    };
    let now = model.clock.now;
    // What the playbook writes as `{version}` is shown as the release's own.
    let vars = step_vars(
        &checklist.release,
        step,
        model.calendar.previous_version(&checklist.release),
    );
    let filled = |text: &str| substitute_known(text, &vars);
    let popup = centered(
        area,
        area.width.saturating_sub(8).min(110),
        area.height.saturating_sub(4),
    );
    let inner = dialog(
        frame,
        popup,
        &filled(&step.title),
        BorderType::Rounded,
        Role::Accent,
        theme,
    );

    let label = |text: &str| Span::styled(format!("{text:<11}"), theme.style(Role::Muted));
    let text = |text: String| Span::styled(text, theme.style(Role::Text));
    let heading = |text: &str| {
        Line::styled(
            text.to_owned(),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        )
    };
    let state = checklist.state(step, now);
    let (badge, role) = badge(state);
    let mut lines = vec![
        Line::from(vec![
            label("step"),
            text(step.id.clone()),
            Span::styled(format!("   {badge}"), theme.style(role)),
        ]),
        Line::from(vec![
            label("kind"),
            text(format!(
                "{}{}",
                step.kind.name(),
                if step.required { "" } else { " (optional)" }
            )),
        ]),
        Line::from(vec![label("owner"), text(step.owner.clone())]),
    ];
    let due = match (&step.when, checklist.due_at(step)) {
        (When::At(_), Some(at)) if checklist.follow_ups.contains(&step.id) => format!(
            "{} ({})",
            display_time::near(at, now, model.clock.zone),
            format_relative(at - now)
        ),
        (When::At(offset), Some(at)) => format!(
            "{offset}: {} ({})",
            display_time::date_time(at, model.clock.zone),
            format_relative(at - now)
        ),
        (When::After(other), Some(at)) => format!(
            "after `{other}`, which finished {}",
            format_relative(at - now)
        ),
        (When::After(other), None) => format!("after `{other}` finishes"),
        (When::At(offset), None) => offset.to_string(),
    };
    lines.push(Line::from(vec![label("due"), text(due)]));
    match &step.kind {
        StepKind::Command(gate) => {
            lines.push(Line::from(vec![
                label("runs"),
                Span::styled(filled(&gate.run), theme.style(Role::Accent)),
            ]));
            lines.push(Line::from(vec![
                label("timeout"),
                text(format_duration(gate.timeout)),
            ]));
        }
        StepKind::Http(check) => {
            lines.push(Line::from(vec![
                label("checks"),
                Span::styled(
                    format!("GET {}", filled(&check.url)),
                    theme.style(Role::Accent),
                ),
            ]));
            let body = check
                .body_contains
                .as_ref()
                .map(|b| format!(", body contains {:?}", filled(b)))
                .unwrap_or_default();
            lines.push(Line::from(vec![
                label("expects"),
                text(format!(
                    "HTTP {} within {}{body}",
                    check.expect_status,
                    format_duration(check.max_latency)
                )),
            ]));
        }
        StepKind::Deploy {
            environment,
            target,
        } => {
            let serving: Vec<&str> = model
                .rollout
                .targets
                .iter()
                .filter(|t| match target {
                    Some(name) => t.name == *name,
                    None => model.rollout.rows().any(|(row_target, d)| {
                        row_target.name == t.name
                            && t.environment.as_deref().unwrap_or(&d.namespace) == environment
                    }),
                })
                .map(|t| t.name.as_str())
                .collect();
            let text = if serving.is_empty() {
                format!("by hand: no [[target]] serves environment `{environment}`")
            } else {
                format!(
                    "Space deploys the release's version to {} (asks first)",
                    serving.join(", ")
                )
            };
            lines.push(Line::from(vec![
                label("deploys"),
                Span::styled(text, theme.style(Role::Text)),
            ]));
        }
        StepKind::Approval(rule) => {
            let by: Vec<String> = checklist
                .record(&step.id)
                .map(|r| r.approvals.iter().map(|a| a.by.clone()).collect())
                .unwrap_or_default();
            lines.push(Line::from(vec![
                label("approvals"),
                text(format!(
                    "{} of {} from {} {}",
                    by.len(),
                    rule.count,
                    rule.role,
                    if by.is_empty() {
                        String::new()
                    } else {
                        format!("({})", by.join(", "))
                    }
                )),
            ]));
            if !rule.allow_self {
                lines.push(Line::from(vec![
                    label(""),
                    Span::styled(
                        format!(
                            "{} started the release and may not approve it",
                            checklist.started_by
                        ),
                        theme.style(Role::Muted),
                    ),
                ]));
            }
        }
        StepKind::Repo(kind) => {
            lines.extend(super::repo_details::does(&step.id, kind, model, theme))
        }
        StepKind::Notify { channel, every, .. } => {
            lines.extend(super::message_preview::sends_to(
                channel.as_deref(),
                model,
                theme,
            ));
            if let Some(every) = every {
                lines.extend(super::message_preview::repeats(step, *every, model, theme));
            }
        }
        _ => {}
    }
    let blockers = checklist.blockers(step);
    lines.push(Line::from(vec![
        label("go/no-go"),
        match step.kind.deploys_to() {
            Some(env) if checklist.playbook.is_gated(step) => Span::styled(
                match checklist
                    .record(&step.id)
                    .and_then(|r| r.overridden.as_ref())
                {
                    Some((mark, reason)) => format!(
                        "gates this step ({env}); overridden by {}: {reason}",
                        mark.by
                    ),
                    None if blockers.is_empty() => format!("gates this step ({env}); clear"),
                    None => format!("gates this step ({env}); blocked"),
                },
                theme.style(if blockers.is_empty() {
                    Role::Ok
                } else {
                    Role::Critical
                }),
            ),
            Some(env) => Span::styled(
                format!("does not gate this step: the playbook gates no deploy to {env}"),
                theme.style(Role::Muted),
            ),
            None => Span::styled(
                format!(
                    "does not gate this step; the playbook {}",
                    checklist.playbook.gating_summary()
                ),
                theme.style(Role::Muted),
            ),
        },
    ]));
    if !blockers.is_empty() {
        lines.push(Line::default());
        lines.push(heading("Go / no-go: blocked by"));
        for blocker in blockers {
            lines.push(Line::styled(
                format!("  ⛔ {}: {}", blocker.step, blocker.reason),
                theme.style(Role::Critical),
            ));
        }
        lines.push(Line::styled(
            "  O overrides, with a reason that is recorded",
            theme.style(Role::Muted),
        ));
    }
    let instructions = filled(&step.instructions);
    if !instructions.trim().is_empty() {
        lines.push(Line::default());
        lines.push(heading("Instructions"));
        lines.extend(
            instructions
                .trim()
                .lines()
                .map(|l| Line::styled(format!("  {l}"), theme.style(Role::Text))),
        );
    }
    if let StepKind::Repo(kind) = &step.kind {
        lines.extend(super::repo_details::notes(kind, model, theme));
    }
    if let StepKind::Notify { template, .. } = &step.kind {
        lines.extend(super::message_preview::lines(
            template.as_deref(),
            model,
            theme,
        ));
    }
    if let Some(record) = checklist.record(&step.id) {
        if let GateRun::Finished { outcome, .. } = &record.gate {
            lines.push(Line::default());
            lines.push(heading(&format!("Last gate run: {}", outcome.summary)));
            lines.extend(
                outcome
                    .output
                    .lines()
                    .map(|l| Line::styled(format!("  {l}"), theme.style(Role::Muted))),
            );
        }
        lines.push(Line::default());
        lines.push(heading("History"));
        for recorded in &record.history {
            let at = display_time::day_minute(recorded.at, model.clock.zone);
            lines.push(Line::from(vec![
                Span::styled(format!("  {at}  "), theme.style(Role::Muted)),
                Span::styled(
                    format!("{:<12}", recorded.operator),
                    theme.style(Role::Accent),
                ),
                text(recorded.event.describe_in(model.clock.zone)),
            ]));
        }
    }
    let total: usize = lines
        .iter()
        .map(|line| wrapped_rows(line, usize::from(inner.width)))
        .sum();
    let first = scroll.first_line(total, usize::from(inner.height));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(first).unwrap_or(u16::MAX), 0)),
        inner,
    );
}

/// How many rows a line takes wrapped at word boundaries to `width`, as the
/// paragraph wraps it (a word longer than the width is broken).
fn wrapped_rows(line: &Line, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1;
    let mut column = 0;
    for word in text.split_inclusive(' ') {
        let bare = word.trim_end_matches(' ').chars().count();
        if column > 0 && column + bare > width {
            rows += 1;
            column = 0;
        }
        if bare > width {
            rows += (bare - 1) / width;
            column = bare % width;
        } else {
            column += word.chars().count();
        }
    }
    rows
}
