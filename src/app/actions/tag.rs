//! A `tag` step: the dialog that says which tag goes where, and, on `y`,
//! the journaled start of the work (a gate run: `GateStarted` before,
//! `GateFinished` with what happened after); the runtime makes the tag.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay};
use crate::domain::events::Event;
use crate::domain::versioning::repos::TagPlan;

/// Space on a tag step: the dialog, or why not.
pub fn ask(model: &mut Model, step: &str) -> Vec<Effect> {
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let version = view.checklist.release.version.to_string();
    match model.repos.tag_plan(step, &version) {
        Ok(plan) => {
            model.overlay = Some(Overlay::Confirm(Confirm::new(Action::TagStep(plan))));
        }
        Err(why) => model.notice = Some(format!("`{step}` cannot tag: {why}")),
    }
    Vec::new()
}

/// `y` in the dialog: refused read-only, else journaled as started.
pub fn confirmed(model: &mut Model, plan: TagPlan) -> Vec<Effect> {
    if model.operator.is_read_only() {
        model.warn(format!("read-only: `{}` is refused", plan.step));
        return Vec::new();
    }
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    if view.live_gates.contains(&plan.step) {
        model.notice = Some(format!("`{}` is tagging", plan.step));
        return Vec::new();
    }
    vec![Effect::Record(Event::GateStarted { step: plan.step })]
}
