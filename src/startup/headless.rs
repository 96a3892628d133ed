//! `release-cockpit step complete|skip|approve STEP`: what the Checklist's
//! keys do, for scripts and CI, by the same rules. The release is opened as
//! its writer (refused while a cockpit writes it, naming it), a model is
//! built as the cockpit builds it, the command runs through the pure core,
//! and each line it journals is appended (synced) before the next is asked.
//! What needs a dialog's answer asks for `--yes`; what needs the runtime (a
//! gate, a deploy, a message) is left to the cockpit, and says so.

use super::commands::prepared_or_said;
use super::*;
use crate::app::Model;
use crate::app::dialogs::confirm::Action;
use crate::app::effect::Effect;
use crate::app::keys::commands::Command;
use crate::app::model::{Overlay, Prompt, PromptPurpose};
use crate::app::msg::Msg;
use crate::cli::args::{StepAction, StepArgs};
use crate::cli::output::strip_controls;

/// The step was done (or was already).
const EXIT_DONE: i32 = 0;
/// The rules refused it: it stays as it was.
const EXIT_REFUSED: i32 = 1;

pub(super) fn step_command(cli: &Cli, args: &StepArgs, paths: Option<&Paths>) -> i32 {
    if cli.read_only {
        eprintln!("error: --read-only: `step` writes the journal; fix: run it without --read-only");
        return EXIT_USAGE;
    }
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let zone = prepared.settings.zone.unwrap_or_else(system_zone);
    let store = release_store(paths, demo);
    let current = match &args.release {
        Some(id) => crate::session::current_release::open_by_id(&store, id, false),
        None => open_current(&store, &prepared.playbooks, false, false, zone),
    };
    let Some(checklist) = current.checklist else {
        eprintln!(
            "error: {}",
            strip_controls(
                current.notice.as_deref().unwrap_or(
                    "no release in progress; fix: start one with `release-cockpit start`"
                )
            )
        );
        return EXIT_USAGE;
    };
    let Some(mut journal) = current.journal else {
        let holder = current
            .follow
            .and_then(|f| f.writer)
            .unwrap_or_else(|| "another process".to_owned());
        eprintln!(
            "error: {} is open in the cockpit of {}, its only writer; fix: act from that cockpit, or stop it first",
            checklist.release.id,
            strip_controls(&holder)
        );
        return EXIT_REFUSED;
    };
    let calendar = crate::session::calendar_setup::load_calendar(&prepared.settings, &store);
    let mut model = Model::new(
        model_settings(cli, &prepared, zone, calendar.calendar, calendar.releases),
        Utc::now(),
    );
    if checklist.playbook.step(&args.step).is_none() {
        eprintln!(
            "error: {} has no step `{}`; fix: `release-cockpit history --release {}` lists them",
            checklist.release.id,
            strip_controls(&args.step),
            checklist.release.id
        );
        return EXIT_USAGE;
    }
    model.show_release(checklist);
    model.focus = crate::app::Pane::Checklist;
    let now = model.clock.now;
    if let Some(view) = model.release.as_mut() {
        view.select_step(&args.step, now);
    }
    let command = match args.action {
        StepAction::Complete => Command::Complete,
        StepAction::Skip => Command::Skip,
        StepAction::Approve => Command::Approve,
    };
    let gate = model
        .release
        .as_ref()
        .and_then(|v| v.checklist.playbook.step(&args.step))
        .is_some_and(|s| {
            matches!(
                s.kind,
                crate::domain::playbook::StepKind::Command(_)
                    | crate::domain::playbook::StepKind::Http(_)
            )
        });
    if gate && command == Command::Complete {
        eprintln!(
            "refused: `{}` is a gate (a command or an HTTP check) that runs in the cockpit; fix: Space on it there",
            strip_controls(&args.step)
        );
        return EXIT_REFUSED;
    }
    let mut effects = crate::app::actions::step::run(&mut model, command);
    // The dialogs a key would open, answered from the command line.
    match model.overlay.take() {
        Some(Overlay::Prompt(Prompt { purpose, .. }))
            if matches!(purpose, PromptPurpose::SkipReason { .. }) =>
        {
            let Some(reason) = args.reason.clone().filter(|r| !r.trim().is_empty()) else {
                eprintln!("error: skipping needs a reason; fix: add --reason \"...\"");
                return EXIT_USAGE;
            };
            let prompt = Prompt {
                purpose,
                text: reason,
            };
            effects.extend(crate::app::actions::step::submit_prompt(&mut model, prompt));
        }
        Some(Overlay::Confirm(confirm)) => match confirm.action {
            Action::CompleteEarly { step, .. } if args.yes => {
                effects.extend(crate::app::actions::step::complete_early_confirmed(
                    &mut model, step,
                ));
            }
            Action::CompleteEarly { step, due } => {
                eprintln!(
                    "refused: `{step}` is due {}; fix: add --yes to complete it this early",
                    crate::domain::display_time::full(due, zone)
                );
                return EXIT_REFUSED;
            }
            _ => {
                eprintln!(
                    "refused: `{}` acts on the world (a deploy, a tag, a message, a deploying command): do it from the cockpit, or with the command made for it",
                    strip_controls(&args.step)
                );
                return EXIT_REFUSED;
            }
        },
        Some(Overlay::Rollback) => {
            eprintln!(
                "refused: a rollback step completes once a rollback is verified in the cockpit"
            );
            return EXIT_REFUSED;
        }
        _ => {}
    }
    let mut recorded_any = false;
    while !effects.is_empty() {
        let mut next = Vec::new();
        // Only journal lines: the rest (a gate, a send) is the cockpit's.
        for effect in effects {
            let Effect::Record(event) = effect else {
                continue;
            };
            let operator = model.operator.name.clone();
            match journal.append(&operator, Utc::now(), event) {
                Ok(recorded) => {
                    println!(
                        "#{} {}: {}",
                        recorded.seq,
                        strip_controls(&args.step),
                        strip_controls(&recorded.event.describe_in(zone))
                    );
                    recorded_any = true;
                    next.extend(crate::app::update(&mut model, Msg::Recorded(recorded)));
                }
                Err(error) => {
                    eprintln!("error: not recorded, so not done: {error}");
                    return EXIT_REFUSED;
                }
            }
        }
        effects = next;
    }
    if recorded_any {
        return EXIT_DONE;
    }
    let said = model
        .notice
        .clone()
        .unwrap_or_else(|| "nothing to do".to_owned());
    eprintln!("refused: {}", strip_controls(&said));
    EXIT_REFUSED
}
