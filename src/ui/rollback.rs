//! The guided rollback wizard: one dialog, a header naming the six steps
//! with the current one lit, and the step's own body.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::key_names::prose;
use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::dialogs::confirm::Button;
use crate::app::dialogs::rollback_wizard::{ItemState, Stage, Wizard};
use crate::app::{Command, Model};
use crate::domain::display_time;
use crate::domain::offset::format_duration;
use crate::domain::rollout::UnitKind;

const STEPS: [&str; 6] = [
    "1 Assess",
    "2 Scope",
    "3 Confirm",
    "4 Execute",
    "5 Verify",
    "6 Incident",
];

/// Which of [`STEPS`] a stage is part of.
fn step_of(stage: Stage) -> usize {
    match stage {
        Stage::Assess | Stage::FixForward => 0,
        Stage::Scope => 1,
        Stage::Confirm => 2,
        Stage::Execute => 3,
        Stage::Verify => 4,
        Stage::Incident => 5,
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let Some(w) = &model.rollback else {
        return;
    };
    let popup = centered(area, 110, 30);
    let title = if w.automatic {
        "Automatic rollback"
    } else {
        "Guided rollback"
    };
    let inner = dialog(
        frame,
        popup,
        title,
        BorderType::Double,
        Role::Critical,
        theme,
    );
    let mut lines = vec![steps(w, theme), Line::default()];
    let body = match w.stage {
        Stage::Assess => assess(w, model, theme),
        Stage::FixForward => fix_forward(w, model, theme),
        Stage::Scope => scope(w, model.clock.zone, theme),
        Stage::Confirm => confirm(w, model, theme),
        Stage::Execute | Stage::Verify => progress(w, model, theme),
        Stage::Incident => incident(w, model, theme),
    };
    lines.extend(body);
    if let Some(message) = &w.message {
        lines.push(Line::default());
        lines.push(Line::styled(
            message.clone(),
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn steps<'a>(w: &Wizard, theme: &Theme) -> Line<'a> {
    let current = step_of(w.stage);
    let mut spans = Vec::new();
    for (i, label) in STEPS.iter().enumerate() {
        let style = match i.cmp(&current) {
            std::cmp::Ordering::Less => theme.style(Role::Ok),
            std::cmp::Ordering::Equal => theme
                .style(Role::Accent)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            std::cmp::Ordering::Greater => theme.style(Role::Muted),
        };
        spans.push(Span::styled(format!(" {label} "), style));
        if i + 1 < STEPS.len() {
            spans.push(Span::styled(" › ", theme.style(Role::Border)));
        }
    }
    Line::from(spans)
}

fn assess<'a>(w: &Wizard, model: &Model, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![match &w.trigger {
        Some(t) => Line::styled(
            format!(
                "Trigger: {} (now {}), firing since {}",
                t.rule,
                t.value,
                display_time::second_zoned(t.since, model.clock.zone)
            ),
            theme.style(Role::Critical),
        ),
        None => Line::styled(
            "No trigger is firing: a manual rollback.",
            theme.style(Role::Muted),
        ),
    }];
    lines.push(Line::default());
    lines.push(Line::styled(
        "How bad is it? (the decision matrix)",
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    ));
    let chosen_name = &w.severity_entry().name;
    for entry in w.scale.names() {
        let chosen = entry.level == w.severity && entry.name == *chosen_name;
        let style = if chosen {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        lines.push(Line::styled(
            format!(
                " {} {}  {:<58} {}",
                if chosen { "▶" } else { " " },
                entry.label(),
                entry.covers(),
                entry.level.action()
            ),
            style,
        ));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Reason: ", theme.style(Role::Muted)),
        Span::styled(format!("{}▏", w.reason), theme.style(Role::Text)),
    ]));
    lines
}

fn fix_forward<'a>(w: &Wizard, model: &Model, theme: &Theme) -> Vec<Line<'a>> {
    vec![
        Line::styled(
            format!("{}: fix forward.", w.severity_entry().label()),
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ),
        Line::styled(
            format!(
                "The matrix does not call for a rollback: ship a fix through the hotfix playbook. {} stops here (the assessment is journaled); {} rolls back anyway.",
                prose(model, Command::RollbackStop),
                prose(model, Command::RollbackAnyway)
            ),
            theme.style(Role::Text),
        ),
    ]
}

fn scope<'a>(w: &Wizard, zone: chrono_tz::Tz, theme: &Theme) -> Vec<Line<'a>> {
    let kinds = || w.choices.iter().map(|c| c.candidate.kind);
    let mut lines = vec![Line::styled(
        match crate::domain::rollout::units_word(kinds()) {
            "Deployment(s)" => {
                "Which Deployments, and to which revision (default: those this release changed, to the revision before it):"
            }
            "container(s)" => {
                "Which containers, and to which revision (default: those this release changed, to the image before it):"
            }
            _ => {
                "Which units, and to which revision or version (default: those this release changed, to the one before it):"
            }
        },
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    for (i, c) in w.choices.iter().enumerate() {
        let cursor = i == w.cursor;
        let base = if cursor {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let to = c.candidate.choices.get(c.revision);
        let target = match to {
            Some(r) => format!(
                "{} {} {}{}",
                revision_label(c.candidate.kind, r.number),
                r.version,
                r.created
                    .map(|t| display_time::day_minute(t, zone))
                    .unwrap_or_default(),
                r.change_cause
                    .as_ref()
                    .map(|c| format!("  {c}"))
                    .unwrap_or_default()
            ),
            None if c
                .candidate
                .commands
                .as_ref()
                .is_some_and(|r| r.templates.rollback.is_empty()) =>
            {
                "no `rollback` commands configured".to_owned()
            }
            None => "no older revision".to_owned(),
        };
        let target = if c.candidate.stale {
            format!("{target}  (stale)")
        } else {
            target
        };
        lines.push(Line::styled(
            format!(
                " [{}] {:<28} {:>12} {:<7} → {}",
                if c.selected { "x" } else { " " },
                c.candidate.key(),
                c.candidate.version,
                revision_label(c.candidate.kind, c.candidate.revision),
                target
            ),
            base,
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Will change:", theme.style(Role::Muted)));
    let items = w.items();
    if items.is_empty() {
        lines.push(Line::styled("  nothing selected", theme.style(Role::Warn)));
    }
    lines.extend(
        items
            .iter()
            .map(|i| Line::styled(format!("  {}", i.describe()), theme.style(Role::Warn))),
    );
    lines
}

/// `rev 4` for a Deployment's revision or a container's (its labels count
/// them); a command target's ledger entry `#4`.
fn revision_label(kind: UnitKind, number: u64) -> String {
    match kind {
        UnitKind::Deployment | UnitKind::Container => format!("rev {number}"),
        UnitKind::Command => format!("#{number}"),
    }
}

fn confirm<'a>(w: &Wizard, model: &Model, theme: &Theme) -> Vec<Line<'a>> {
    let version = model
        .release
        .as_ref()
        .map(|r| r.checklist.release.version.to_string())
        .unwrap_or_default();
    let mut lines = vec![Line::styled(
        format!(
            "Roll back {} {}, {} ({}):",
            w.items().len(),
            crate::domain::rollout::units_word(w.items().iter().map(|i| i.kind)),
            w.severity,
            w.reason_or_default()
        ),
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    for item in w.items() {
        lines.push(Line::styled(
            format!("  {}", item.describe()),
            theme.style(Role::Warn),
        ));
        // A command target's rollback: the exact commands that will run.
        lines.extend(
            item.commands
                .iter()
                .map(|c| Line::styled(format!("    $ {c}"), theme.style(Role::Accent))),
        );
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(
            format!("Type the release version ({version}) to confirm: "),
            theme.style(Role::Text),
        ),
        Span::styled(
            format!("{}▏", w.confirm.typed),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
    ]));
    lines.push(Line::default());
    let on_confirm = w.confirm.focus == Button::Confirm;
    let button = |label: &str, focused: bool, role: Role| {
        let style = if focused {
            theme
                .style(role)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            theme.style(Role::Muted)
        };
        // The marker shows the focus without colour too.
        let marker = if focused { "▶" } else { " " };
        Span::styled(format!("{marker}{label} "), style)
    };
    lines.push(Line::from(vec![
        Span::raw("  "),
        button("Cancel", !on_confirm, Role::Text),
        Span::raw("   "),
        button("Roll back", on_confirm, Role::Critical),
    ]));
    let enter = prose(model, Command::ConfirmChoose);
    let switch = prose(model, Command::ConfirmSwitch);
    let (what, role) = if !on_confirm {
        (
            format!(
                "{enter}: go back to the scope (the focus is on Cancel; {switch} moves it to Roll back)"
            ),
            Role::Text,
        )
    } else if model.operator.is_read_only() {
        (format!("{enter}: refused, read-only"), Role::Warn)
    } else if w.confirm.missing().is_some() {
        (
            format!("{enter}: asks for the version first (the focus is on Roll back)"),
            Role::Warn,
        )
    } else {
        (
            format!(
                "{enter}: roll back {} {} now (the focus is on Roll back)",
                w.items().len(),
                crate::domain::rollout::units_word(w.items().iter().map(|i| i.kind))
            ),
            Role::Critical,
        )
    };
    lines.push(Line::styled(
        format!("  {what}"),
        theme.style(role).add_modifier(Modifier::BOLD),
    ));
    if model.operator.is_read_only() {
        lines.push(Line::styled(
            "read-only: rolling back will be refused",
            theme.style(Role::Warn),
        ));
    }
    lines
}

fn progress<'a>(w: &Wizard, model: &Model, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for p in &w.progress {
        let (state, role) = match &p.state {
            ItemState::Sending => ("sending…".to_owned(), Role::Muted),
            ItemState::Sent => ("rolling back".to_owned(), Role::Accent),
            ItemState::Failed(why) => (format!("FAILED: {why} (r retries)"), Role::Critical),
            ItemState::Reverted => ("back on the old revision".to_owned(), Role::Ok),
        };
        let pods = model
            .rollout
            .rows()
            .find(|(_, d)| d.namespace == p.item.namespace && d.name == p.item.name)
            .filter(|_| p.state != ItemState::Reverted)
            .map(|(_, d)| format!(" ({}/{} up, {} av)", d.updated, d.desired, d.available))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<54} ", p.item.describe()),
                theme.style(Role::Text),
            ),
            Span::styled(format!("{state}{pods}"), theme.style(role)),
        ]));
    }
    if w.stage == Stage::Verify {
        lines.push(Line::default());
        let now = model.clock.now;
        match w.healthy_since {
            Some(since) => lines.push(Line::styled(
                format!(
                    "Verifying: all fine for {} of {}",
                    format_duration(chrono::Duration::seconds(
                        (now - since).num_seconds().max(0)
                    )),
                    format_duration(w.verify_window)
                ),
                theme.style(Role::Ok),
            )),
            None => {
                lines.push(Line::styled(
                    "Verifying: waiting for",
                    theme.style(Role::Warn),
                ));
                lines.extend(
                    w.waiting_for
                        .iter()
                        .map(|p| Line::styled(format!("  • {p}"), theme.style(Role::Warn))),
                );
            }
        }
    }
    lines
}

fn incident<'a>(w: &Wizard, model: &Model, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if let Some(verdict) = &w.verdict {
        let (text, role) = if verdict.ok {
            ("VERIFIED", Role::Ok)
        } else {
            ("NOT VERIFIED", Role::Critical)
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{text}: "),
                theme.style(role).add_modifier(Modifier::BOLD),
            ),
            Span::styled(verdict.detail.clone(), theme.style(Role::Text)),
        ]));
    }
    lines.push(Line::default());
    match &w.incident {
        Some(path) => {
            lines.push(Line::styled(
                format!("Incident report: {path}"),
                theme.style(Role::Accent),
            ));
            if let Some(verdict) = &w.verdict {
                // As the report planned them: due from the verdict.
                let settings = &model.incident_settings;
                let near = |at| display_time::near(at, model.clock.now, model.clock.zone);
                let mut due = vec![format!("report {}", near(verdict.at + settings.report))];
                due.extend(
                    crate::domain::incident::plan(&settings.follow_ups, verdict.at)
                        .into_iter()
                        .map(|f| format!("{} {}", f.title, near(f.due))),
                );
                lines.push(Line::styled(
                    format!(
                        "Due: {} (Follow-up steps of the checklist)",
                        due.join(" · ")
                    ),
                    theme.style(Role::Text),
                ));
            }
        }
        None if w.message.is_some() => {}
        None => lines.push(Line::styled(
            "Writing the incident report…",
            theme.style(Role::Muted),
        )),
    }
    if let Some(notice) = &w.notice {
        lines.push(Line::default());
        let send = match model
            .channels
            .resolve(model.rollback_settings.notify.as_deref())
        {
            Ok(channel) => format!(" (s sends it to {})", channel.name),
            Err(why) => format!(" (to copy: {why})"),
        };
        lines.push(Line::styled(
            format!("Rollback notice for stakeholders{send}:"),
            theme.style(Role::Muted),
        ));
        lines.extend(
            notice
                .lines()
                .map(|l| Line::styled(format!("  {l}"), theme.style(Role::Text))),
        );
    }
    lines
}
