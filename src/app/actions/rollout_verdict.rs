//! A deploy watched to its end: once every unit the last deploy set runs
//! its version and is complete, or one failed, the writer journals
//! `RolloutFinished`, and the deploy step goes from `deploying` to done
//! (or failed). Stale data decides nothing: the verdict waits for fresh.

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::app::panes::rollout::RolloutState;
use crate::domain::checklist::deployed_unit;
use crate::domain::events::Event;
use crate::domain::rollout::RolloutPhase;

/// After a snapshot, or a deploy's outcome on disk: the verdict, if there
/// is one to journal now.
pub fn check(model: &mut Model) -> Vec<Effect> {
    if model.operator.is_read_only() {
        return Vec::new();
    }
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    let checklist = &view.checklist;
    let Some(run) = checklist.deploys.last().filter(|r| r.is_rolling()) else {
        return Vec::new();
    };
    // A rollback since takes it from here (its own verification).
    if checklist.rollback.as_ref().is_some_and(|r| r.at >= run.at) {
        return Vec::new();
    }
    if view.verdict_asked == Some(run.at) {
        return Vec::new();
    }
    let Some((ok, detail)) = verdict(&run.targets, &model.rollout) else {
        return Vec::new();
    };
    view.verdict_asked = Some(run.at);
    vec![Effect::Record(Event::RolloutFinished { ok, detail })]
}

/// Complete when every line's unit runs what it set and is complete;
/// failed when one failed, or is in no target once every target has been
/// read fresh (no longer watched here: nothing would ever end it); `None`
/// while one rolls, is not seen yet, or is seen only through stale data.
pub fn verdict(lines: &[String], rollout: &RolloutState) -> Option<(bool, String)> {
    let all_read = !rollout.targets.is_empty()
        && rollout
            .targets
            .iter()
            .all(|t| t.received.is_some() && t.stale.is_none());
    let mut complete = Vec::new();
    let mut waiting = false;
    for line in lines {
        let Some((unit_id, wanted)) = deployed_unit(line) else {
            continue;
        };
        let Some((target, unit)) = rollout
            .rows()
            .find(|(_, u)| format!("{}/{}", u.namespace, u.name) == unit_id)
        else {
            if all_read {
                return Some((
                    false,
                    format!("{unit_id} is in no target watched here: check its rollout by hand"),
                ));
            }
            waiting = true;
            continue;
        };
        if target.stale.is_some() {
            waiting = true;
            continue;
        }
        let runs_it = unit.image == wanted || unit.version == wanted;
        match unit.phase {
            RolloutPhase::Failed => {
                return Some((false, format!("{unit_id}: {}", unit.message)));
            }
            RolloutPhase::Complete if runs_it => complete.push(unit_id.to_owned()),
            _ => waiting = true,
        }
    }
    if waiting || complete.is_empty() {
        return None;
    }
    Some((true, format!("{} complete", complete.join(", "))))
}

#[cfg(test)]
mod tests;
