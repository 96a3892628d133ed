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
use crate::startup::Prepared;

/// The step was done (or was already).
const EXIT_DONE: i32 = 0;
/// The rules refused it: it stays as it was.
const EXIT_REFUSED: i32 = 1;

pub(super) fn step_command(cli: &Cli, args: &StepArgs, paths: Option<&Paths>) -> i32 {
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

/// A release opened as its writer, with a model showing it. Its lock is
/// held while the caller keeps this.
struct Writer {
    model: Model,
    journal: crate::session::journal::Journal,
    zone: chrono_tz::Tz,
    _lock: Option<crate::session::lock::ReleaseLock>,
}

/// What every headless command starts with: refused `--read-only` (`what`
/// says why), the config prepared, and the release opened as its writer;
/// or the exit code, said.
fn as_writer(
    cli: &Cli,
    paths: Option<&Paths>,
    release: Option<&str>,
    what: &str,
) -> Result<((Prepared, bool), Writer), i32> {
    if cli.read_only {
        eprintln!("error: --read-only: {what}; fix: run it without --read-only");
        return Err(EXIT_USAGE);
    }
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = prepared_or_said(source, paths)?;
    let writer = opened(cli, &prepared, paths, demo, release)?;
    Ok(((prepared, demo), writer))
}

/// The release (`--release`, or the current one) opened as its writer, and
/// a model built as the cockpit builds it; or the exit code, said.
fn opened(
    cli: &Cli,
    prepared: &Prepared,
    paths: Option<&Paths>,
    demo: bool,
    release: Option<&str>,
) -> Result<Writer, i32> {
    let zone = prepared.settings.zone.unwrap_or_else(system_zone);
    let store = release_store(paths, demo);
    let current = match release {
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
        return Err(EXIT_USAGE);
    };
    let Some(journal) = current.journal else {
        let holder = current
            .follow
            .and_then(|f| f.writer)
            .unwrap_or_else(|| "another process".to_owned());
        eprintln!(
            "error: {} is open in the cockpit of {}, its only writer; fix: act from that cockpit, or stop it first",
            checklist.release.id,
            strip_controls(&holder)
        );
        return Err(EXIT_REFUSED);
    };
    let calendar = crate::session::calendar_setup::load_calendar(&prepared.settings, &store);
    let mut model = Model::new(
        model_settings(cli, prepared, zone, calendar.calendar, calendar.releases),
        Utc::now(),
    );
    model.show_release(checklist);
    Ok(Writer {
        model,
        journal,
        zone,
        _lock: current.lock,
    })
}

/// Appends each journal line the core asks for (synced), feeding it back,
/// until it asks for none; prints each. `Err` when one could not be written.
fn journal_all(
    model: &mut Model,
    journal: &mut crate::session::journal::Journal,
    mut effects: Vec<Effect>,
    zone: chrono_tz::Tz,
    mut other: impl FnMut(Effect),
) -> Result<bool, i32> {
    let mut recorded_any = false;
    while !effects.is_empty() {
        let mut next = Vec::new();
        for effect in effects {
            let Effect::Record(event) = effect else {
                other(effect);
                continue;
            };
            let operator = model.operator.name.clone();
            match journal.append(&operator, Utc::now(), event) {
                Ok(recorded) => {
                    println!(
                        "#{} {}",
                        recorded.seq,
                        strip_controls(&recorded.event.describe_in(zone))
                    );
                    recorded_any = true;
                    next.extend(crate::app::update(model, Msg::Recorded(recorded)));
                }
                Err(error) => {
                    eprintln!("error: not recorded, so not done: {error}");
                    return Err(EXIT_REFUSED);
                }
            }
        }
        effects = next;
    }
    Ok(recorded_any)
}

/// `release-cockpit deploy [--environment E] [--target T] [--yes]`: the
/// Rollout pane's `d` (or a deploy step's Space, with `--environment`), by
/// the same rules: targets read once, go/no-go, the plan shown, `--yes` to
/// go, journaled before (synced) and after, the outcome completing the step.
pub(super) fn deploy_command(
    cli: &Cli,
    args: &crate::cli::args::DeployArgs,
    paths: Option<&Paths>,
) -> i32 {
    let (
        (prepared, demo),
        Writer {
            mut model,
            mut journal,
            zone,
            _lock,
        },
    ) = match as_writer(cli, paths, args.release.as_deref(), "a deploy is refused") {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let runtime = match async_runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return EXIT_REFUSED;
        }
    };
    let state_dir = targets_state_dir(paths, demo);
    let targets = prepared.settings.targets.clone();
    // What every target runs now: the plan is made from it.
    let (updates, _) = runtime.block_on(crate::cli::status::read_once(
        targets.clone(),
        &state_dir,
        &[],
        prepared.settings.health.chart,
    ));
    let now = model.clock.now;
    for update in updates {
        model.rollout.apply(update, now);
    }
    let step = args.environment.as_deref().map(|environment| {
        model.release.as_ref().and_then(|view| {
            view.checklist
                .playbook
                .steps()
                .map(|(_, s)| s)
                .find_map(|s| match &s.kind {
                    crate::domain::playbook::StepKind::Deploy {
                        environment: e,
                        target,
                    } if e == environment
                        && (args.target.is_none()
                            || target.as_deref() == args.target.as_deref()) =>
                    {
                        Some((s.id.clone(), e.clone(), target.clone()))
                    }
                    _ => None,
                })
        })
    });
    let planned = match &step {
        None => crate::app::actions::deploy::plan(
            &mut model,
            &crate::app::actions::deploy::DeployScope::Everything,
        ),
        Some(None) => {
            eprintln!(
                "error: the playbook has no deploy step for `{}`; fix: leave out --environment to deploy everything go/no-go allows",
                strip_controls(args.environment.as_deref().unwrap_or_default())
            );
            return EXIT_USAGE;
        }
        Some(Some((id, environment, target))) => crate::app::actions::deploy::plan(
            &mut model,
            &crate::app::actions::deploy::DeployScope::Step {
                id,
                environment,
                target: target.as_deref(),
            },
        ),
    };
    let Some(Overlay::Confirm(confirm)) = model.overlay.take() else {
        let said = model
            .notice
            .clone()
            .unwrap_or_else(|| "nothing to deploy".to_owned());
        // A step whose targets all run the version already is completed.
        return match journal_all(&mut model, &mut journal, planned, zone, |_| {}) {
            Ok(true) => EXIT_DONE,
            Ok(false) => {
                eprintln!("refused: {}", strip_controls(&said));
                EXIT_REFUSED
            }
            Err(code) => code,
        };
    };
    let Action::Deploy(plan) = confirm.action else {
        return EXIT_REFUSED;
    };
    for item in &plan.items {
        println!(
            "plan: {} (runs {} now)",
            strip_controls(&item.describe()),
            strip_controls(&item.from)
        );
    }
    for held in &plan.held_back {
        println!("held back: {}", strip_controls(&held.why));
    }
    if plan.items.is_empty() {
        eprintln!("refused: go/no-go holds every target back");
        return EXIT_REFUSED;
    }
    if !args.yes {
        eprintln!("not deployed: add --yes to deploy these");
        return EXIT_REFUSED;
    }
    let effects = crate::app::actions::deploy::confirmed(&mut model, plan);
    let mut deploys = Vec::new();
    if let Err(code) = journal_all(&mut model, &mut journal, effects, zone, |e| deploys.push(e)) {
        return code;
    }
    let Some(Effect::Deploy { request, plan }) = deploys.into_iter().next() else {
        eprintln!(
            "refused: {}",
            strip_controls(model.notice.as_deref().unwrap_or("nothing to deploy"))
        );
        return EXIT_REFUSED;
    };
    // As the cockpit's runner: the request on disk before any target is touched.
    let requested = crate::domain::events::Event::DeployRequested {
        version: plan.version.clone(),
        targets: plan.items.iter().map(|i| i.describe()).collect(),
        dry_run: plan.dry_run,
        step: plan.step.clone(),
    };
    if let Err(code) = journal_all(
        &mut model,
        &mut journal,
        vec![Effect::Record(requested)],
        zone,
        |_| {},
    ) {
        return code;
    }
    let (mailbox, mut output) = tokio::sync::mpsc::unbounded_channel();
    let acting = crate::runtime::targets::Acting {
        release: plan.release_id.clone(),
        operator: model.operator.name.clone(),
        mailbox,
    };
    let set = crate::runtime::targets::TargetSet::new(
        targets,
        crate::adapters::kubernetes::Clients::default(),
        state_dir,
    );
    let cause = format!(
        "release-cockpit: {} {} by {}",
        plan.release_id, plan.version, model.operator.name
    );
    let say = |msg: Msg| {
        if let Msg::RunOutput(crate::domain::rollout::RunOutput::Line { target, line }) = msg {
            println!("  {target}: {}", strip_controls(&line));
        }
    };
    let (ok, results) = runtime.block_on(async {
        let run = crate::runtime::deploy::run(&set, &plan, &cause, &acting);
        tokio::pin!(run);
        loop {
            tokio::select! {
                done = &mut run => break done,
                Some(msg) = output.recv() => say(msg),
            }
        }
    });
    // What came in as the run ended.
    while let Ok(msg) = output.try_recv() {
        say(msg);
    }
    let done = crate::app::update(
        &mut model,
        Msg::Done {
            request,
            result: crate::app::requests::TaskResult::Deploy(
                crate::domain::rollout::DeployOutcome {
                    ok,
                    results,
                    step: plan.step.clone(),
                    dry_run: plan.dry_run,
                },
            ),
        },
    );
    match journal_all(&mut model, &mut journal, done, zone, |_| {}) {
        Ok(_) if ok => EXIT_DONE,
        Ok(_) => EXIT_REFUSED,
        Err(code) => code,
    }
}
