//! `release-cockpit deploy`: the Rollout pane's `d`, or a deploy step's
//! Space, for pipelines.

use super::*;
use crate::app::dialogs::confirm::Action;
use crate::app::model::Overlay;

/// `release-cockpit deploy [--environment E] [--target T] [--yes]`: the
/// Rollout pane's `d` (or a deploy step's Space, with `--environment`), by
/// the same rules: targets read once, go/no-go, the plan shown, `--yes` to
/// go, journaled before (synced) and after, the outcome completing the step.
pub(in crate::startup) fn deploy_command(
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
    let (acting, set, mut output) =
        acting_on(&plan.release_id, &model.operator.name, targets, state_dir);
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
