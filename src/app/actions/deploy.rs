//! Deploying the release's version: `d` on the Rollout pane (every Deployment
//! shown) or `Space` on a playbook `deploy` step (the targets serving its
//! environment). Either plans, holds back what go/no-go does not allow, asks
//! for confirmation (default: cancel), checks go/no-go again on `y`, then
//! hands the plan to the runner, which journals it before and after touching
//! the cluster.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay};
use crate::app::panes::rollout::TargetState;
use crate::domain::checklist::{Checklist, EnvironmentGate};
use crate::domain::events::Event;
use crate::domain::rollout::{
    CommandTemplates, DeployItem, DeployOutcome, DeployPlan, HeldBack, RolloutPhase, Unit, with_tag,
};

/// Which Deployments a deploy is for.
pub enum DeployScope<'a> {
    Everything,
    /// A playbook step's: a named target, or those serving an environment.
    Step {
        id: &'a str,
        environment: &'a str,
        target: Option<&'a str>,
    },
}

impl DeployScope<'_> {
    fn includes(&self, target: &TargetState, d: &Unit) -> bool {
        match self {
            DeployScope::Everything => true,
            DeployScope::Step {
                target: Some(name), ..
            } => target.name == *name,
            DeployScope::Step { environment, .. } => {
                target.environment.as_deref().unwrap_or(&d.namespace) == *environment
            }
        }
    }

    /// Whether a target might serve this scope, before knowing its rows: a
    /// target with no environment of its own is judged by its namespaces.
    fn may_include(&self, target: &TargetState) -> bool {
        match self {
            DeployScope::Everything => true,
            DeployScope::Step {
                target: Some(name), ..
            } => target.name == *name,
            DeployScope::Step { environment, .. } => match &target.environment {
                Some(own) => own == environment,
                None => {
                    target.units.is_empty()
                        || target.units.iter().any(|d| d.namespace == *environment)
                }
            },
        }
    }

    /// The go/no-go that decides a deploy of this scope to `environment`: a
    /// step's own (its blockers, or its override), or, for a deploy outside
    /// the playbook, that of the step that would deploy there.
    fn gate(&self, checklist: &Checklist, environment: &str) -> EnvironmentGate {
        // A step's own go/no-go decides only for its own environment: a
        // named target that also serves another is held to that one's.
        let step = match self {
            DeployScope::Step { id, .. } => checklist
                .playbook
                .step(id)
                .filter(|s| s.kind.deploys_to() == Some(environment)),
            DeployScope::Everything => None,
        };
        match step {
            Some(step) => checklist.step_gate(step),
            None => checklist.environment_gate(environment),
        }
    }

    fn step(&self) -> Option<String> {
        match self {
            DeployScope::Everything => None,
            DeployScope::Step { id, .. } => Some((*id).to_owned()),
        }
    }
}

/// Whether any configured target serves (or, not having reported yet, may
/// serve) the step; when none does, the step stays one done by hand.
pub fn serves(model: &Model, environment: &str, target: Option<&str>) -> bool {
    let scope = DeployScope::Step {
        id: "",
        environment,
        target,
    };
    model.rollout.targets.iter().any(|t| scope.may_include(t))
}

/// Opens the confirmation, or says why there is nothing to confirm.
pub fn plan(model: &mut Model, scope: &DeployScope) -> Vec<Effect> {
    model.mark_changed();
    if model.operator.is_read_only() {
        super::share::refused(model, "deploys");
        return Vec::new();
    }
    let Some(release) = model.release.as_ref().map(|r| &r.checklist.release) else {
        model.notice = Some("open a release first: a deploy sets its version".to_owned());
        return Vec::new();
    };
    let version = release.version.to_string();
    // What the notices call the version: a release of components deploys
    // each its own.
    let said = if release.components.is_empty() {
        version.clone()
    } else {
        "its component's version".to_owned()
    };
    let chosen: Vec<(&TargetState, &Unit)> = model
        .rollout
        .rows()
        .filter(|(target, d)| scope.includes(target, d))
        .collect();
    if scope.step().is_some() {
        // A step deploys all of its environment or nothing: every target
        // that may serve it must have fresh data.
        let unsure: Vec<&str> = model
            .rollout
            .targets
            .iter()
            .filter(|t| scope.may_include(t))
            .filter(|t| t.stale.is_some() || t.received.is_none())
            .map(|t| t.name.as_str())
            .collect();
        if !unsure.is_empty() {
            model.notice = Some(format!(
                "cannot deploy yet: target {} has no fresh data; wait until it reports",
                unsure.join(", ")
            ));
            return Vec::new();
        }
    }
    let mut unrendered = Vec::new();
    let items: Vec<DeployItem> = chosen
        .into_iter()
        .filter(|(target, _)| target.stale.is_none())
        .filter_map(|(target, d)| {
            // A component's targets get its own version.
            let version = release.version_of(target.component.as_deref()).to_string();
            item(target, d, &release.id, &version)
                .map_err(|problem| unrendered.push(problem))
                .ok()
        })
        .filter(|item| item.from != item.to)
        .collect();
    if !unrendered.is_empty() {
        model.fail(format!("cannot deploy: {}", unrendered.join("; ")));
        return Vec::new();
    }
    if items.is_empty() {
        let unfinished: Vec<String> = model
            .rollout
            .rows()
            .filter(|(target, d)| scope.includes(target, d))
            .filter(|(_, d)| d.phase != RolloutPhase::Complete)
            .map(|(_, d)| format!("{}/{} ({})", d.namespace, d.name, d.phase.label()))
            .collect();
        if let Some(step) = scope.step().filter(|_| unfinished.is_empty()) {
            model.notice = Some(format!(
                "every Deployment `{step}` deploys to already runs {said}: step completed"
            ));
            return vec![Effect::Record(Event::StepCompleted { step })];
        }
        model.notice = Some(if unfinished.is_empty() {
            format!("nothing to deploy: every Deployment with fresh data already runs {said}")
        } else {
            format!(
                "{said} is already set but not rolled out: {}",
                unfinished.join(", ")
            )
        });
        return Vec::new();
    }
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let (items, held_back) = go_no_go(&view.checklist, scope, items);
    if items.is_empty() {
        model.notice = Some(format!(
            "go/no-go holds this deploy: {}; O overrides with a reason",
            describe(&held_back)
        ));
    }
    // The dialog opens even when everything is held back: it lists why, and
    // `O` there overrides (with a reason, journaled) instead of `y`.
    model.overlay = Some(Overlay::Confirm(Confirm::new(Action::Deploy(DeployPlan {
        version,
        release_id: release.id.clone(),
        items,
        dry_run: false,
        step: scope.step(),
        held_back,
    }))));
    Vec::new()
}

/// What deploying `version` means for one unit: a Deployment's image set to
/// it, or a command target's deploy commands with their variables filled in.
fn item(
    target: &TargetState,
    d: &Unit,
    release: &str,
    version: &str,
) -> Result<DeployItem, String> {
    let environment = environment_of(target, d).to_owned();
    let (to, commands) = match &target.commands {
        Some(templates) => {
            let vars = templates.vars(
                release,
                &target.name,
                &environment,
                version,
                Some(&d.version),
            );
            let commands = CommandTemplates::render(&templates.deploy, &vars).map_err(|e| {
                let why = match e.name() {
                    "previous_version" => {
                        ": nothing is on record as deployed to it yet (its `status` can say)"
                    }
                    _ => "",
                };
                format!("target `{}`: {e}{why}", target.name)
            })?;
            (version.to_owned(), commands)
        }
        None => (
            match &target.image_template {
                Some(template) => template.replace("{version}", version),
                None => with_tag(&d.image, version),
            },
            Vec::new(),
        ),
    };
    Ok(DeployItem {
        target: target.name.clone(),
        kind: d.kind,
        environment,
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        container: d.container.clone(),
        from: if d.kind.runs_images() {
            d.image.clone()
        } else {
            d.version.clone()
        },
        to,
        commands,
    })
}

/// The environment a row serves: its target's, or its namespace.
fn environment_of<'a>(target: &'a TargetState, d: &'a Unit) -> &'a str {
    target.environment.as_deref().unwrap_or(&d.namespace)
}

fn describe(held_back: &[HeldBack]) -> String {
    held_back
        .iter()
        .map(|h| h.why.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Splits a deploy by go/no-go: the items whose environment may go now, and
/// each environment held back, saying why. Every deploy path goes through
/// here, when it is planned and again when it is confirmed.
fn go_no_go(
    checklist: &Checklist,
    scope: &DeployScope,
    items: Vec<DeployItem>,
) -> (Vec<DeployItem>, Vec<HeldBack>) {
    let mut gates: Vec<(String, EnvironmentGate)> = Vec::new();
    for item in &items {
        if !gates.iter().any(|(env, _)| *env == item.environment) {
            gates.push((
                item.environment.clone(),
                scope.gate(checklist, &item.environment),
            ));
        }
    }
    let allowed = |env: &str| gates.iter().any(|(e, g)| e == env && g.allows());
    let held_back = gates
        .iter()
        .filter_map(|(env, gate)| match gate {
            EnvironmentGate::Blocked { step, .. } => Some(HeldBack {
                environment: env.clone(),
                step: step.clone(),
                why: gate.describe(env),
            }),
            _ => None,
        })
        .collect();
    let items = items
        .into_iter()
        .filter(|i| allowed(&i.environment))
        .collect();
    (items, held_back)
}

/// The deploy dialog's `O`: asks why, to override the go/no-go that holds
/// the deploy back.
pub fn override_held(model: &mut Model, plan: &DeployPlan) -> Vec<Effect> {
    match plan.held_back.first() {
        Some(held) => {
            model.overlay = Some(Overlay::Prompt(crate::app::model::Prompt {
                purpose: crate::app::model::PromptPurpose::OverrideReason {
                    step: held.step.clone(),
                },
                text: String::new(),
            }));
        }
        None => model.notice = Some("deploy cancelled: nothing is held back".to_owned()),
    }
    Vec::new()
}

/// `y` in the deploy dialog: go/no-go is checked again, then the plan goes
/// to the runner.
pub fn confirmed(model: &mut Model, mut plan: DeployPlan) -> Vec<Effect> {
    let reopen = |plan| Some(Overlay::Confirm(Confirm::new(Action::Deploy(plan))));
    if plan.items.is_empty() {
        model.notice = Some(format!(
            "nothing may deploy: {}; O overrides with a reason",
            describe(&plan.held_back)
        ));
        model.overlay = reopen(plan);
        return Vec::new();
    }
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal("deploys"));
        return Vec::new();
    }
    // The go/no-go may have changed while the dialog was open (an approval
    // undone, a gate run again): the deploy goes only as far as it allows now.
    let Some(view) = model.release.as_ref() else {
        model.notice = Some("deploy cancelled: no release is open".to_owned());
        return Vec::new();
    };
    if view.checklist.release.id != plan.release_id {
        model.notice = Some("deploy cancelled: another release is open now".to_owned());
        return Vec::new();
    }
    let scope = match &plan.step {
        Some(id) => DeployScope::Step {
            id,
            environment: "",
            target: None,
        },
        None => DeployScope::Everything,
    };
    let before = plan.items.len();
    let (items, held_back) = go_no_go(&view.checklist, &scope, plan.items.clone());
    if items.len() != before {
        model.notice = Some(format!(
            "go/no-go changed while the dialog was open: {}",
            describe(&held_back)
        ));
        plan.items = items;
        plan.held_back = held_back;
        model.overlay = reopen(plan);
        return Vec::new();
    }
    let units = crate::domain::rollout::units_word(plan.items.iter().map(|i| i.kind));
    model.notice = Some(format!(
        "{} {} to {} {units}…",
        if plan.dry_run {
            "dry-running"
        } else {
            "deploying"
        },
        plan.version,
        plan.items.len()
    ));
    let request = model.start_request(
        format!("deploy of {} to {} {units}", plan.version, plan.items.len()),
        1,
    );
    vec![Effect::Deploy {
        request,
        plan: Box::new(plan),
    }]
}

/// The runner's report: shown, and journaled as the deploy's outcome; a
/// playbook step that asked for it is completed when every patch was taken.
pub fn done(model: &mut Model, outcome: DeployOutcome) -> Vec<Effect> {
    model.mark_changed();
    let DeployOutcome {
        ok,
        results,
        step,
        dry_run,
    } = outcome;
    if ok {
        model.notice = Some(format!("deploy sent: {}", results.join("; ")));
    } else {
        model.fail(format!("deploy failed: {}", results.join("; ")));
    }
    let mut effects = vec![Effect::Record(Event::DeployFinished { ok, results })];
    if let Some(step) = step.filter(|_| ok && !dry_run) {
        effects.push(Effect::Record(Event::StepCompleted { step }));
    }
    effects
}

#[cfg(test)]
mod tests;
