//! `release-cockpit step complete|skip|approve STEP`: what the Checklist's
//! keys do. What needs the runtime (a gate, a deploy, a message) is left to
//! the cockpit, or to `deploy`, and says so.

use super::*;
use crate::app::dialogs::confirm::Action;
use crate::app::keys::commands::Command;
use crate::app::model::{Overlay, Prompt, PromptPurpose};
use crate::cli::args::{StepAction, StepArgs};

pub(in crate::startup) fn step_command(cli: &Cli, args: &StepArgs, paths: Option<&Paths>) -> i32 {
    let (
        _,
        Writer {
            mut model,
            mut journal,
            zone,
            _lock,
        },
    ) = match as_writer(
        cli,
        paths,
        args.release.as_deref(),
        "`step` writes the journal",
    ) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let Some(checklist) = model.release.as_ref().map(|r| r.checklist.clone()) else {
        return EXIT_USAGE;
    };
    if checklist.playbook.step(&args.step).is_none() {
        eprintln!(
            "error: {} has no step `{}`; fix: `release-cockpit history --release {}` lists them",
            checklist.release.id,
            strip_controls(&args.step),
            checklist.release.id
        );
        return EXIT_USAGE;
    }
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
    let deploys_to = model
        .release
        .as_ref()
        .and_then(|v| v.checklist.playbook.step(&args.step))
        .and_then(|s| match &s.kind {
            crate::domain::playbook::StepKind::Deploy { environment, .. } => {
                Some(environment.clone())
            }
            _ => None,
        });
    if let (Some(environment), Command::Complete) = (&deploys_to, command) {
        eprintln!(
            "refused: `{}` deploys; fix: `release-cockpit deploy --environment {}` (it asks for --yes)",
            strip_controls(&args.step),
            strip_controls(environment)
        );
        return EXIT_REFUSED;
    }
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
                    "refused: `{}` acts on the world (a tag, a message, a deploying command): do it from the cockpit",
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
