//! Go/no-go on every deploy path: `d` on the Rollout pane is held to the same
//! bar as the playbook step that would deploy there.

use super::DeployScope;
use crate::app::Pane;
use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::fixture::{override_go_no_go, sample_model_with_release, sample_rollout};
use crate::app::model::{Model, Overlay};
use crate::app::panes::rollout::{RolloutState, TargetSpec};
use crate::app::{Effect, Msg, update};
use crate::domain::rollout::RolloutUpdate;

fn key(model: &mut Model, text: &str) -> Vec<Effect> {
    update(model, Msg::Key(text.parse().unwrap()))
}

/// The sample release (no approvals in) with a `shop` target in production and
/// a `stage` target in staging, each with a Deployment still on 2.3.1.
fn two_environments() -> Model {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    let sample = sample_rollout(now);
    let web = sample.targets[0].units[3].clone();
    let mut staging = web.clone();
    staging.namespace = "staging".to_owned();
    let mut production = web;
    production.phase = crate::domain::rollout::RolloutPhase::Complete;
    let mut rollout = RolloutState::new([TargetSpec::named("shop"), TargetSpec::named("stage")]);
    for (target, d) in [("shop", production), ("stage", staging)] {
        rollout.apply(
            RolloutUpdate::Snapshot {
                target: target.to_owned(),
                units: vec![d],
            },
            now,
        );
    }
    model.rollout = rollout;
    model.focus = Pane::Rollout;
    model
}

fn plan(model: &Model) -> &crate::domain::rollout::DeployPlan {
    match &model.overlay {
        Some(Overlay::Confirm(Confirm {
            action: Action::Deploy(plan),
            ..
        })) => plan,
        other => panic!("no deploy dialog: {other:?}, notice {:?}", model.notice),
    }
}

#[test]
fn d_with_only_production_shown_is_refused_while_go_no_go_is_blocked() {
    let mut model = sample_model_with_release();
    model.rollout = sample_rollout(model.clock.now);
    model.focus = Pane::Rollout;
    assert!(key(&mut model, "d").is_empty(), "nothing may run");
    let notice = model.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("go/no-go holds this deploy")
            && notice.contains("production waits for go/no-go on `deploy-production`")
            && notice.contains("approvals from"),
        "the blockers are listed: {notice}"
    );
    let plan = plan(&model).clone();
    assert!(plan.items.is_empty());
    assert_eq!(plan.held_back[0].step, "deploy-production");
    assert!(
        key(&mut model, "y").is_empty(),
        "y deploys nothing held back"
    );
    assert!(matches!(
        model.overlay,
        Some(Overlay::Confirm(Confirm {
            action: Action::Deploy(_),
            ..
        }))
    ));
}

#[test]
fn o_in_the_deploy_dialog_asks_why_and_journals_an_override_of_the_step_that_holds_it() {
    let mut model = two_environments();
    key(&mut model, "d");
    key(&mut model, "O");
    let Some(Overlay::Prompt(prompt)) = &model.overlay else {
        panic!("no prompt: {:?}", model.overlay);
    };
    assert_eq!(
        prompt.purpose,
        crate::app::model::PromptPurpose::OverrideReason {
            step: "deploy-production".to_owned()
        }
    );
    assert!(key(&mut model, "enter").is_empty(), "a reason is required");
    for c in "CTO approved, incident 42".chars() {
        update(&mut model, Msg::Key(crate::app::Key::char(c)));
    }
    assert_eq!(
        key(&mut model, "enter"),
        vec![Effect::Record(
            crate::domain::events::Event::GoNoGoOverridden {
                step: "deploy-production".to_owned(),
                reason: "CTO approved, incident 42".to_owned(),
            }
        )]
    );
}

#[test]
fn d_offers_the_environments_go_no_go_allows_and_says_what_it_holds_back() {
    let mut model = two_environments();
    assert!(key(&mut model, "d").is_empty());
    let plan = plan(&model);
    let environments: Vec<&str> = plan.items.iter().map(|i| i.environment.as_str()).collect();
    assert_eq!(environments, ["staging"], "staging alone may go");
    assert_eq!(plan.held_back.len(), 1);
    assert!(
        plan.held_back[0]
            .why
            .starts_with("production waits for go/no-go on `deploy-production`"),
        "{:?}",
        plan.held_back
    );
    let effects = key(&mut model, "y");
    let [Effect::Deploy { plan: sent, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(sent.items.iter().all(|i| i.namespace == "staging"));
}

#[test]
fn an_override_recorded_on_the_production_step_lets_d_deploy_there() {
    let mut model = two_environments();
    override_go_no_go(&mut model, "deploy-production");
    key(&mut model, "d");
    let plan = plan(&model);
    assert_eq!(plan.items.len(), 2);
    assert!(plan.held_back.is_empty());
}

#[test]
fn go_no_go_is_asked_again_when_the_deploy_is_confirmed() {
    let mut model = two_environments();
    override_go_no_go(&mut model, "deploy-production");
    key(&mut model, "d");
    assert_eq!(plan(&model).items.len(), 2);
    // While the dialog is open, the release is replayed without the override
    // (as a restart from a journal without it would).
    let fresh = sample_model_with_release().release;
    model.release = fresh;
    assert!(
        key(&mut model, "y").is_empty(),
        "nothing is sent past a go/no-go that no longer holds"
    );
    let plan = plan(&model);
    assert!(plan.items.iter().all(|i| i.environment == "staging"));
    assert!(
        model
            .notice
            .as_deref()
            .unwrap_or_default()
            .starts_with("go/no-go changed while the dialog was open")
    );
    let effects = key(&mut model, "y");
    assert!(matches!(effects.as_slice(), [Effect::Deploy { .. }]));
}

#[test]
fn a_playbook_that_gates_no_environment_lets_d_deploy_anywhere() {
    let mut model = two_environments();
    if let Some(view) = model.release.as_mut() {
        view.checklist.playbook.go_no_go.clear();
    }
    key(&mut model, "d");
    assert_eq!(plan(&model).items.len(), 2);
}

#[test]
fn a_gated_environment_of_the_playbooks_own_choosing_is_held_too() {
    let mut model = two_environments();
    if let Some(view) = model.release.as_mut() {
        view.checklist.playbook.go_no_go = vec!["production".to_owned(), "staging".to_owned()];
    }
    key(&mut model, "d");
    // `deploy-staging` needs the earlier required steps too, so nothing goes.
    assert!(plan(&model).items.is_empty());
    let notice = model.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("staging waits for go/no-go on `deploy-staging`")
            && notice.contains("production waits"),
        "{notice}"
    );
}

#[test]
fn a_step_naming_a_target_that_serves_production_is_held_to_productions_go_no_go() {
    let mut model = two_environments();
    // `deploy-staging` names the `shop` target, whose rows are in production.
    if let Some(view) = model.release.as_mut()
        && let Some(step) = view
            .checklist
            .playbook
            .phases
            .iter_mut()
            .flat_map(|p| p.steps.iter_mut())
            .find(|s| s.id == "deploy-staging")
    {
        step.kind = crate::domain::playbook::StepKind::Deploy {
            environment: "staging".to_owned(),
            target: Some("shop".to_owned()),
        };
    }
    let scope = DeployScope::Step {
        id: "deploy-staging",
        environment: "staging",
        target: Some("shop"),
    };
    super::plan(&mut model, &scope);
    let plan = plan(&model);
    assert!(plan.items.is_empty(), "{:?}", plan.items);
    assert_eq!(plan.held_back[0].environment, "production");
}

/// A command target serving production, on 2.3.1 by its ledger.
fn command_target() -> Model {
    use crate::domain::rollout::{CommandTemplates, Revision, RolloutPhase, Unit, UnitKind};
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    let templates = CommandTemplates {
        deploy: vec!["npm run deploy:production -- --tag v{version} # {release}".into()],
        rollback: vec!["render deploys rollback --service srv-1 --to {version}".into()],
        image: None,
        component: None,
    };
    let mut rollout = RolloutState::new([TargetSpec {
        name: "render".into(),
        image: None,
        environment: Some("production".into()),
        commands: Some(templates),
    }]);
    rollout.apply(
        RolloutUpdate::Snapshot {
            target: "render".into(),
            units: vec![Unit {
                kind: UnitKind::Command,
                namespace: "production".into(),
                name: "render".into(),
                version: "2.3.1".into(),
                container: String::new(),
                image: "2.3.1".into(),
                previous_image: None,
                revision: 1,
                desired: 1,
                updated: 1,
                ready: 1,
                available: 1,
                total: 1,
                phase: RolloutPhase::Complete,
                message: "deploy 2.3.1 by bob".into(),
                last_update: Some(now),
                history: vec![Revision {
                    number: 1,
                    version: "2.3.1".into(),
                    images: Vec::new(),
                    created: Some(now),
                    change_cause: None,
                    replicas: 0,
                }],
            }],
        },
        now,
    );
    model.rollout = rollout;
    model.focus = Pane::Rollout;
    model
}

#[test]
fn a_command_target_is_held_by_go_no_go_and_confirmed_with_its_exact_commands() {
    let mut model = command_target();
    key(&mut model, "d");
    assert!(plan(&model).items.is_empty(), "production is gated");
    assert_eq!(plan(&model).held_back[0].step, "deploy-production");
    model.overlay = None;
    override_go_no_go(&mut model, "deploy-production");
    key(&mut model, "d");
    let planned = plan(&model).clone();
    let [item] = planned.items.as_slice() else {
        panic!("one unit: {planned:?}")
    };
    let release = model.release.as_ref().unwrap().checklist.release.id.clone();
    assert_eq!(
        item.commands,
        [format!(
            "npm run deploy:production -- --tag v2.4.0 # {release}"
        )]
    );
    assert_eq!((item.from.as_str(), item.to.as_str()), ("2.3.1", "2.4.0"));
    assert!(
        item.describe()
            .starts_with("production/render 2.4.0: npm run deploy")
    );
    let effects = key(&mut model, "y");
    assert!(
        matches!(effects.as_slice(), [Effect::Deploy { plan, .. }] if plan.items == planned.items),
        "the confirmed commands are what runs: {effects:?}"
    );
    model.operator.read_only = true;
    model.overlay = None;
    assert!(key(&mut model, "d").is_empty());
    assert!(
        model.overlay.is_none(),
        "read-only: refused before any dialog"
    );
}

#[test]
fn a_command_targets_own_deploy_is_not_taken_for_someone_elses() {
    let line = "production/render 2.4.0: npm run deploy:production -- --tag v2.4.0".to_owned();
    let change = crate::app::panes::rollout::ImageChange {
        kind: crate::domain::rollout::UnitKind::Command,
        version: "2.4.0".into(),
        namespace: "production".into(),
        name: "render".into(),
        container: String::new(),
        from: "2.3.1".into(),
        to: "2.4.0".into(),
    };
    assert!(change.deployed_as(&line));
    assert!(!change.deployed_as("production/render 2.4.1: x"));
}

#[test]
fn space_on_the_production_deploy_step_deploys_the_command_target_serving_production() {
    let mut model = command_target();
    override_go_no_go(&mut model, "deploy-production");
    model.focus = Pane::Checklist;
    let now = model.clock.now;
    if let Some(view) = model.release.as_mut() {
        view.select_step("deploy-production", now);
    }
    key(&mut model, "space");
    let planned = plan(&model);
    assert_eq!(planned.step.as_deref(), Some("deploy-production"));
    let [item] = planned.items.as_slice() else {
        panic!("the command target: {planned:?}")
    };
    assert_eq!(item.target, "render");
    assert!(item.commands[0].starts_with("npm run deploy:production -- --tag v2.4.0"));
}

#[test]
fn a_components_target_deploys_the_components_version_with_its_name_in_the_commands() {
    use crate::domain::versioning::repos::{Component, Repos};
    let mut model = command_target();
    model.repos = Repos {
        repos: Vec::new(),
        components: vec![Component {
            name: "bot".into(),
            repo: 0,
            path: None,
            tag_format: "{component}-v{version}".into(),
            targets: vec!["render".into()],
        }],
        templates: Default::default(),
    };
    model.rollout.group_by_components(&model.repos);
    if let Some(commands) = model.rollout.targets[0].commands.as_mut() {
        commands.deploy = vec!["npm run deploy:{component} -- --tag {component}-v{version}".into()];
        commands.component = Some("bot".into());
    }
    model
        .release
        .as_mut()
        .unwrap()
        .checklist
        .release
        .components
        .insert("bot".into(), semver::Version::new(0, 9, 0));
    override_go_no_go(&mut model, "deploy-production");
    key(&mut model, "d");
    let planned = plan(&model).clone();
    let [item] = planned.items.as_slice() else {
        panic!("one unit: {planned:?}")
    };
    assert_eq!(
        item.to, "0.9.0",
        "the component's version, not the release's 2.4.0"
    );
    assert_eq!(item.commands, ["npm run deploy:bot -- --tag bot-v0.9.0"]);
}
