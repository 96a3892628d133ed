//! `d` on the Rollout pane: plan a deploy of the release's version to every
//! Deployment shown, confirm it (default: cancel), then hand it to the runner,
//! which journals it before and after touching the cluster.

use super::effect::Effect;
use super::key::{Key, KeyCode};
use super::model::{Model, Overlay};
use crate::domain::events::Event;
use crate::domain::rollout::{DeployItem, DeployPlan, with_tag};

/// Opens the confirmation, or says why there is nothing to confirm.
pub fn plan(model: &mut Model) -> Vec<Effect> {
    model.mark_changed();
    if model.session.read_only {
        model.notice = Some("read-only: deploys are refused in this cockpit".to_owned());
        return Vec::new();
    }
    let Some(release) = model.release.as_ref().map(|r| &r.checklist.release) else {
        model.notice = Some("open a release first: a deploy sets its version".to_owned());
        return Vec::new();
    };
    let version = release.version.to_string();
    let items: Vec<DeployItem> = model
        .rollout
        .rows()
        .filter(|(target, _)| target.stale.is_none())
        .map(|(target, d)| DeployItem {
            target: target.name.clone(),
            namespace: d.namespace.clone(),
            name: d.name.clone(),
            container: d.container.clone(),
            from: d.image.clone(),
            to: match &target.image_template {
                Some(template) => template.replace("{version}", &version),
                None => with_tag(&d.image, &version),
            },
        })
        .filter(|item| item.from != item.to)
        .collect();
    if items.is_empty() {
        model.notice = Some(format!(
            "nothing to deploy: every Deployment with fresh data already runs {version}"
        ));
        return Vec::new();
    }
    model.overlay = Some(Overlay::ConfirmDeploy(DeployPlan {
        version,
        release_id: release.id.clone(),
        items,
        dry_run: false,
    }));
    Vec::new()
}

/// A key in the confirmation: `y` deploys, `t` toggles the dry run, anything
/// else cancels.
pub fn confirm_key(model: &mut Model, mut plan: DeployPlan, key: Key) -> Vec<Effect> {
    model.mark_changed();
    match key.code {
        KeyCode::Char('y' | 'Y') if !key.ctrl => {
            model.notice = Some(format!(
                "{} {} to {} Deployment(s)…",
                if plan.dry_run {
                    "dry-running"
                } else {
                    "deploying"
                },
                plan.version,
                plan.items.len()
            ));
            vec![Effect::Deploy(Box::new(plan))]
        }
        KeyCode::Char('t') if !key.ctrl => {
            plan.dry_run = !plan.dry_run;
            model.overlay = Some(Overlay::ConfirmDeploy(plan));
            Vec::new()
        }
        _ => {
            model.notice = Some("deploy cancelled".to_owned());
            Vec::new()
        }
    }
}

/// The runner's report: shown, and journaled as the deploy's outcome.
pub fn done(model: &mut Model, ok: bool, results: Vec<String>) -> Vec<Effect> {
    model.mark_changed();
    model.notice = Some(if ok {
        format!("deploy sent: {}", results.join("; "))
    } else {
        format!("deploy failed: {}", results.join("; "))
    });
    vec![Effect::Record(Event::DeployFinished { ok, results })]
}
