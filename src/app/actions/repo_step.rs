//! A repository step (`tag`, `branch`, `notes`, `git`): the dialog that
//! says what it does to which repository (a check runs without one), and,
//! on `y`, the journaled start of the work (a gate run: `GateStarted`
//! before, `GateFinished` with what happened after); the runtime acts.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay};
use crate::domain::events::{Event, GateOutcome};
use crate::domain::playbook::RepoStep;
use crate::domain::versioning::plan::RepoPlan;

/// Space (or `r`) on a repository step: the dialog, or why not. A check
/// changes nothing, so it starts without asking.
pub fn ask(model: &mut Model, step: &str, kind: &RepoStep) -> Vec<Effect> {
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    match model.repos.plan(step, kind, &view.checklist.release) {
        Ok(plan) if !plan.work.changes_the_repo() => confirmed(model, plan),
        Ok(plan) => {
            model.overlay = Some(Overlay::Confirm(Confirm::new(Action::RepoStep(plan))));
            Vec::new()
        }
        Err(why) => {
            model.notice = Some(format!("`{step}` cannot {}: {why}", kind.work.doing()));
            Vec::new()
        }
    }
}

/// `y` in the dialog: refused read-only, else journaled as started.
pub fn confirmed(model: &mut Model, plan: RepoPlan) -> Vec<Effect> {
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal(&format!("`{}`", plan.step)));
        return Vec::new();
    }
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    if view.live_gates.contains(&plan.step) {
        model.notice = Some(format!("`{}` is running", plan.step));
        return Vec::new();
    }
    vec![Effect::Record(Event::GateStarted { step: plan.step })]
}

/// Its `GateStarted` is on disk: the work, planned again from what the
/// journal holds, or a failure recorded (a start must be recorded as ended).
pub fn started(model: &mut Model, step: &str, kind: &RepoStep) -> Vec<Effect> {
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    match model.repos.plan(step, kind, &view.checklist.release) {
        Ok(plan) => {
            view.live_gates.insert(step.to_owned());
            let request = model.start_request(format!("{} `{step}`", kind.work.kind_name()), 1);
            vec![Effect::RepoStep { request, plan }]
        }
        Err(why) => vec![Effect::Record(Event::GateFinished {
            step: step.to_owned(),
            outcome: GateOutcome {
                passed: false,
                summary: why,
                output: String::new(),
                duration_ms: 0,
                released: Vec::new(),
            },
        })],
    }
}
