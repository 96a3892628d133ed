//! Confirmation dialogs. The safe answer is always the default.

use crate::domain::rollout::UnitKind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::actions::step::EARLY;
use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::{COMMANDS, Model, Scope};
use crate::domain::display_time;
use crate::domain::offset::{format_duration, format_relative};
use crate::domain::playbook::RepoWork;
use crate::domain::versioning::plan::{BranchFrom, ItemWork, RepoPlan};
use chrono::{DateTime, Utc};

/// The confirmation, as its action asks it.
pub fn render(frame: &mut Frame, area: Rect, confirm: &Confirm, model: &Model, theme: &Theme) {
    match &confirm.action {
        Action::Quit => render_quit(frame, area, confirm, model, theme),
        Action::Deploy(plan) => render_deploy(frame, area, confirm, plan, model, theme),
        Action::RunStep {
            step,
            run,
            environment,
        } => render_run(frame, area, confirm, (step, run, environment), model, theme),
        Action::RepoStep(plan) => render_repo(frame, area, confirm, plan, model, theme),
        Action::Notify(plan) => {
            super::confirm_notify::render(frame, area, confirm, plan, model, theme)
        }
        Action::CompleteEarly { step, due } => {
            render_early_complete(frame, area, confirm, (step, *due), model, theme)
        }
        // The rollback's confirmation is a stage of the wizard, drawn there.
        Action::Rollback => {}
        Action::DeclareIncident(declaration) => {
            render_declare(frame, area, confirm, declaration, model, theme)
        }
        Action::Abandon { release, reason } => {
            render_abandon(frame, area, confirm, (release, reason), model, theme)
        }
        Action::TakeOver { release, previous } => {
            render_take_over(frame, area, confirm, (release, previous), model, theme)
        }
    }
}

/// `:incident`'s question: what is declared, and what follows from it.
fn render_declare(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    declaration: &crate::app::dialogs::incident_form::Declaration,
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(area, 90, 9);
    let label = crate::domain::severity_scale::label(
        declaration.severity,
        declaration.severity_name.as_deref(),
    );
    let lines = vec![
        Line::styled(
            format!(
                "Declare a {label} incident ({}), with no rollback?",
                declaration.severity.action()
            ),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::styled(
            format!("Reason: {}", declaration.reason),
            theme.style(Role::Text),
        ),
        Line::styled(
            format!(
                "Journaled first, then the incident report is written; it is due in {}, with its follow-ups on the checklist.",
                format_duration(model.incident_settings.report)
            ),
            theme.style(Role::Muted),
        ),
        Line::default(),
        answers(confirm, model, None, theme),
    ];
    warn_dialog(frame, popup, "Declare an incident?", lines, theme);
}

fn render_quit(frame: &mut Frame, area: Rect, confirm: &Confirm, model: &Model, theme: &Theme) {
    let popup = centered(area, 60, 8);
    let mut lines = vec![Line::styled("Still running:", theme.style(Role::Text))];
    lines.extend(
        model
            .running_actions()
            .into_iter()
            .map(|label| Line::styled(format!("  • {label}"), theme.style(Role::Warn))),
    );
    lines.push(Line::default());
    lines.push(answers(confirm, model, None, theme));
    warn_dialog(frame, popup, "Quit while actions run?", lines, theme);
}

/// The deploy confirmation: every Deployment with its current and new image.
fn render_deploy(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    plan: &crate::domain::rollout::DeployPlan,
    model: &Model,
    theme: &Theme,
) {
    const SHOWN: usize = 12;
    let held = if plan.held_back.is_empty() {
        0
    } else {
        plan.held_back.len() * 2 + 2
    };
    let commands: usize = plan
        .items
        .iter()
        .take(SHOWN)
        .map(|i| i.commands.len())
        .sum();
    let height = u16::try_from(plan.items.len().min(SHOWN) + 7 + held + commands).unwrap_or(20);
    let popup = centered(area, 100, height);
    let mut lines = vec![Line::styled(
        if plan.items.is_empty() {
            format!("Nothing may deploy {} now:", plan.version)
        } else {
            format!(
                "Deploy {} to {} {}{}:",
                deployed_versions(plan),
                plan.items.len(),
                crate::domain::rollout::units_word(plan.items.iter().map(|i| i.kind)),
                if plan.dry_run {
                    " as a server-side DRY RUN"
                } else {
                    ""
                }
            )
        },
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    for item in plan.items.iter().take(SHOWN) {
        if item.kind == UnitKind::Command {
            // The exact commands that will run, variables filled in.
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<32} ", format!("{}/{}", item.namespace, item.name)),
                    theme.style(Role::Text),
                ),
                Span::styled(item.from.clone(), theme.style(Role::Muted)),
                Span::styled(" → ", theme.style(Role::Text)),
                Span::styled(
                    item.to.clone(),
                    theme.style(Role::Accent).add_modifier(Modifier::BOLD),
                ),
                Span::styled("  runs:", theme.style(Role::Muted)),
            ]));
            for command in &item.commands {
                lines.push(Line::styled(
                    format!("    $ {command}"),
                    theme.style(Role::Accent),
                ));
            }
            continue;
        }
        // One line each: the tags side by side, the repository once.
        let (from_repo, from_tag) = split_image(&item.from);
        let (to_repo, to_tag) = split_image(&item.to);
        let repo = if from_repo == to_repo {
            format!("  {to_repo}")
        } else {
            format!("  {from_repo} → {to_repo}")
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<32} ", format!("{}/{}", item.namespace, item.name)),
                theme.style(Role::Text),
            ),
            Span::styled(from_tag.to_owned(), theme.style(Role::Muted)),
            Span::styled(" → ", theme.style(Role::Text)),
            Span::styled(
                to_tag.to_owned(),
                theme.style(Role::Accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(repo, theme.style(Role::Muted)),
        ]));
    }
    if plan.items.len() > SHOWN {
        lines.push(Line::styled(
            format!("  … and {} more", plan.items.len() - SHOWN),
            theme.style(Role::Muted),
        ));
    }
    if plan.items.iter().any(|i| i.kind == UnitKind::Container) {
        lines.push(Line::styled(
            "Each container is replaced by a new one with its configuration, one at a time; the old one is",
            theme.style(Role::Muted),
        ));
        lines.push(Line::styled(
            "kept as NAME-previous and put back by itself if the new one is not healthy in time.",
            theme.style(Role::Muted),
        ));
    }
    if !plan.held_back.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Held back by go/no-go:",
            theme.style(Role::Critical).add_modifier(Modifier::BOLD),
        ));
        for held in &plan.held_back {
            lines.push(Line::styled(
                format!("  ⛔ {}", held.why),
                theme.style(Role::Critical),
            ));
        }
    }
    lines.push(Line::default());
    let override_hint = plan
        .held_back
        .first()
        .map(|h| format!("override go/no-go on {} (with a reason)", h.step));
    lines.push(answers(confirm, model, override_hint, theme));
    warn_dialog(frame, popup, "Deploy?", lines, theme);
}

/// A command step that deploys, before it runs.
fn render_run(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    (step, run, environment): (&str, &str, &str),
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(area, 90, 9);
    let lines = vec![
        Line::styled(
            format!("`{step}` deploys to {environment}. It runs:"),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::styled(format!("  {run}"), theme.style(Role::Accent)),
        Line::styled(
            "Journaled before it starts and when it ends.",
            theme.style(Role::Muted),
        ),
        Line::default(),
        answers(confirm, model, None, theme),
    ];
    warn_dialog(frame, popup, "Run a deploy?", lines, theme);
}

/// The version a deploy sets, or, for a release of components whose
/// targets each get their own, those versions (`1.5.0, 0.9.0`).
fn deployed_versions(plan: &crate::domain::rollout::DeployPlan) -> String {
    let mut versions: Vec<&str> = Vec::new();
    for item in &plan.items {
        let version = if item.kind.runs_images() {
            crate::domain::rollout::image_tag(&item.to)
        } else {
            item.to.as_str()
        };
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    match versions.as_slice() {
        [one] if *one == plan.version => plan.version.clone(),
        [] => plan.version.clone(),
        several => several.join(", "),
    }
}

/// A repository step: for each item, what it makes where, and where it goes.
fn render_repo(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    plan: &RepoPlan,
    model: &Model,
    theme: &Theme,
) {
    let shown = plan.items.len().min(8);
    let popup = centered(area, 96, 8 + shown as u16);
    let (title, headline, footnote) = match &plan.work {
        RepoWork::Tag => (
            "Tag the release?",
            format!(
                "`{}` tags the release: {}",
                plan.step,
                plan.tags().join(", ")
            ),
            "Annotated, with the notes' summary as the message. A tag is never moved; journaled before and after.",
        ),
        RepoWork::Branch(_) => (
            "Cut the branch?",
            format!("`{}` cuts a branch in each repository below", plan.step),
            "An existing branch is never moved; journaled before and after.",
        ),
        _ => (
            "Write the release notes?",
            format!(
                "`{}` writes the notes of {}",
                plan.step,
                plan.tags().join(", ")
            ),
            "The rest of the CHANGELOG is left as it is; nothing is committed. Journaled before and after.",
        ),
    };
    let mut lines = vec![Line::styled(
        headline,
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    for item in plan.items.iter().take(shown) {
        let pushed = match &item.remote {
            Some(remote) => format!(", pushed to {remote}"),
            None => ", kept local".to_owned(),
        };
        let what = match &item.work {
            ItemWork::Tag => format!("{} on {}{pushed}", item.tag, item.at),
            ItemWork::Branch { name, from } => {
                let from = match from {
                    BranchFrom::Revision(rev) => rev.clone(),
                    BranchFrom::LatestRelease => "the latest release tag".to_owned(),
                };
                format!("{name} from {from}{pushed}")
            }
            _ => format!(
                "a {} section on top of {}, and a notes file",
                item.version, item.changelog
            ),
        };
        lines.push(Line::styled(
            format!("  {}: {what}  ({})", item.label, item.repo.display()),
            theme.style(Role::Accent),
        ));
    }
    if plan.items.len() > shown {
        lines.push(Line::styled(
            format!("  and {} more", plan.items.len() - shown),
            theme.style(Role::Accent),
        ));
    }
    lines.push(Line::styled(footnote, theme.style(Role::Muted)));
    lines.push(Line::default());
    lines.push(answers(confirm, model, None, theme));
    let inner = dialog(frame, popup, title, BorderType::Double, Role::Warn, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Completing a step long before it is due.
fn render_early_complete(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    (step, due): (&str, DateTime<Utc>),
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(area, 80, 6);
    let now = model.clock.now;
    let lines = vec![
        Line::styled(
            format!(
                "`{step}` is due {} ({}).",
                display_time::near(due, now, model.clock.zone),
                format_relative(due - now)
            ),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::styled(
            format!(
                "That is more than {} from now: complete it already?",
                format_duration(EARLY)
            ),
            theme.style(Role::Text),
        ),
        Line::default(),
        answers(confirm, model, None, theme),
    ];
    warn_dialog(frame, popup, "Complete early?", lines, theme);
}

/// `:release-abandon`'s question: the release, why, and what it means.
fn render_abandon(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    (release, reason): (&str, &str),
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(area, 80, 7);
    let lines = vec![
        Line::styled(
            format!("Abandon {release}: it will not go out."),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::styled(format!("Why: {reason}"), theme.style(Role::Text)),
        Line::styled(
            "Journaled; `releases` and the figures count it as abandoned. Its steps stay as they are.",
            theme.style(Role::Muted),
        ),
        Line::default(),
        answers(confirm, model, None, theme),
    ];
    warn_dialog(frame, popup, "Abandon the release?", lines, theme);
}

/// `[share]`: whose release this cockpit would write, and what it does first.
fn render_take_over(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    (release, previous): (&str, &str),
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(area, 84, 8);
    let lines = vec![
        Line::styled(
            format!("Take {release} over from {previous}?"),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::styled(
            "Its Lease went unrenewed for a whole duration as this machine saw it: the writer died or is cut off.",
            theme.style(Role::Text),
        ),
        Line::styled(
            "The Lease is claimed (one fence more: the old writer's late lines are refused), the whole mirror copied here, and the takeover journaled, naming the old writer, before anything else.",
            theme.style(Role::Muted),
        ),
        Line::default(),
        answers(confirm, model, None, theme),
    ];
    warn_dialog(frame, popup, "Take the release over?", lines, theme);
}

/// A confirmation's double-bordered warning box holding `lines`, wrapped.
fn warn_dialog(frame: &mut Frame, popup: Rect, title: &str, lines: Vec<Line>, theme: &Theme) {
    let inner = dialog(frame, popup, title, BorderType::Double, Role::Warn, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn split_image(image: &str) -> (&str, &str) {
    let tag = crate::domain::rollout::image_tag(image);
    let repo = image
        .strip_suffix(tag)
        .and_then(|r| r.strip_suffix([':', '@']))
        .unwrap_or(image);
    (repo, tag)
}

/// The keys the dialog takes (from the command table, as remapped), then
/// the default: any other key cancels. `override_label` says what `O` does.
pub(super) fn answers<'a>(
    confirm: &Confirm,
    model: &Model,
    override_label: Option<String>,
    theme: &Theme,
) -> Line<'a> {
    let key = theme.style(Role::Accent).add_modifier(Modifier::BOLD);
    let text = theme.style(Role::Text);
    let mut spans = Vec::new();
    let offered = COMMANDS
        .iter()
        .filter(|spec| spec.scope == Scope::Confirm && confirm.offers(spec.command));
    for spec in offered {
        let Some(first) = model.keymap.keys_for(spec.command).first() else {
            continue;
        };
        let what = match spec.command {
            crate::app::Command::ConfirmYes => confirm.verb(),
            crate::app::Command::ConfirmOverride => override_label
                .clone()
                .unwrap_or_else(|| spec.hint.unwrap_or_default().to_owned()),
            _ => spec.hint.unwrap_or_default().to_owned(),
        };
        spans.push(Span::styled(first.to_string(), key));
        spans.push(Span::styled(format!(" {what}    "), text));
    }
    spans.push(Span::styled("any other key", key));
    spans.push(Span::styled(" cancel (default)", text));
    Line::from(spans)
}
