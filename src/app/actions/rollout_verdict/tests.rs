//! A deploy step reads `deploying` until its rollouts end, and the writer
//! journals how they ended from fresh data only.

use chrono::Duration;

use crate::app::fixture::{sample_model_with_release, sample_rollout};
use crate::app::model::Model;
use crate::app::panes::rollout::{RolloutState, TargetSpec};
use crate::app::{Effect, Msg, update};
use crate::domain::checklist::{Outcome, StepState};
use crate::domain::events::{Event, Recorded};
use crate::domain::rollout::{RolloutPhase, RolloutUpdate, Unit};

const LINE: &str = "production/checkout checkout=registry.example.com/shop/checkout:2.4.0";

fn unit(phase: RolloutPhase) -> Unit {
    let now = chrono::Utc::now();
    let mut unit = sample_rollout(now).targets[0].units[1].clone();
    unit.phase = phase;
    unit.message = match phase {
        RolloutPhase::Failed => "exceeded its progress deadline".into(),
        _ => "rolling".into(),
    };
    unit
}

fn snapshot(model: &mut Model, phase: RolloutPhase) -> Vec<Effect> {
    update(
        model,
        Msg::Rollout(RolloutUpdate::Snapshot {
            target: "shop".into(),
            units: vec![unit(phase)],
        }),
    )
    .into_iter()
    .filter(|e| !matches!(e, Effect::Record(Event::BaselineCaptured { .. })))
    .collect()
}

fn record(model: &mut Model, event: Event) -> Vec<Effect> {
    let seq = model.release.as_ref().map_or(0, |r| r.checklist.last_seq) + 1;
    let recorded = Recorded {
        seq,
        at: model.clock.now,
        operator: model.operator.name.clone(),
        event,
    };
    update(model, Msg::Recorded(recorded))
}

fn verdicts(effects: &[Effect]) -> Vec<(bool, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Record(Event::RolloutFinished { ok, detail }) => Some((*ok, detail.clone())),
            _ => None,
        })
        .collect()
}

fn deployed() -> Model {
    let mut model = sample_model_with_release();
    model.rollout = RolloutState::new([TargetSpec::named("shop")]);
    snapshot(&mut model, RolloutPhase::Progressing);
    record(
        &mut model,
        Event::DeployRequested {
            version: "2.4.0".into(),
            targets: vec![LINE.into()],
            dry_run: false,
            step: Some("deploy-production".into()),
        },
    );
    let effects = record(
        &mut model,
        Event::DeployFinished {
            ok: true,
            results: vec!["production/checkout: image set".into()],
        },
    );
    assert!(verdicts(&effects).is_empty(), "still rolling: {effects:?}");
    record(
        &mut model,
        Event::StepCompleted {
            step: "deploy-production".into(),
        },
    );
    model
}

fn state(model: &Model) -> StepState {
    let checklist = &model.release.as_ref().unwrap().checklist;
    let step = checklist.playbook.step("deploy-production").unwrap();
    checklist.state(step, model.clock.now)
}

#[test]
fn a_deploy_step_is_deploying_until_its_rollouts_complete_then_done() {
    let mut model = deployed();
    assert_eq!(state(&model), StepState::Deploying);
    let outcome = model.release.as_ref().unwrap().checklist.outcome(None);
    assert!(matches!(outcome, Outcome::InProgress { .. }), "{outcome:?}");

    assert!(verdicts(&snapshot(&mut model, RolloutPhase::Progressing)).is_empty());
    model.clock.now += Duration::minutes(3);
    let effects = snapshot(&mut model, RolloutPhase::Complete);
    let verdict = verdicts(&effects);
    assert_eq!(
        verdict,
        vec![(true, "production/checkout complete".to_owned())]
    );
    // A snapshot before the line is on disk adds no second one.
    assert!(verdicts(&snapshot(&mut model, RolloutPhase::Complete)).is_empty());
    record(
        &mut model,
        Event::RolloutFinished {
            ok: true,
            detail: verdict[0].1.clone(),
        },
    );
    assert_eq!(state(&model), StepState::Done);
    let run = model
        .release
        .as_ref()
        .unwrap()
        .checklist
        .deploys
        .last()
        .cloned();
    assert_eq!(
        run.and_then(|r| r.duration()),
        Some(Duration::minutes(3)),
        "how long the deploy took"
    );
}

#[test]
fn a_failed_rollout_fails_the_step_with_the_units_words() {
    let mut model = deployed();
    let verdict = verdicts(&snapshot(&mut model, RolloutPhase::Failed));
    assert_eq!(verdict.len(), 1, "{verdict:?}");
    assert!(!verdict[0].0);
    assert!(
        verdict[0]
            .1
            .contains("production/checkout: exceeded its progress deadline"),
        "{verdict:?}"
    );
    record(
        &mut model,
        Event::RolloutFinished {
            ok: false,
            detail: verdict[0].1.clone(),
        },
    );
    assert_eq!(state(&model), StepState::Failed);
}

#[test]
fn stale_data_or_a_follower_decides_nothing() {
    let mut model = deployed();
    let now = model.clock.now;
    model.rollout.apply(
        RolloutUpdate::Snapshot {
            target: "shop".into(),
            units: vec![unit(RolloutPhase::Complete)],
        },
        now,
    );
    assert!(super::verdict(&[LINE.to_owned()], &model.rollout).is_some());
    update(
        &mut model,
        Msg::Rollout(RolloutUpdate::Stale {
            target: "shop".into(),
            error: "the API did not answer".into(),
        }),
    );
    let verdict = super::verdict(&[LINE.to_owned()], &model.rollout);
    assert_eq!(verdict, None, "stale");

    let mut follower = deployed();
    follower.operator.read_only = true;
    assert!(verdicts(&snapshot(&mut follower, RolloutPhase::Complete)).is_empty());
}

#[test]
fn a_unit_no_target_watches_fails_the_verdict_once_every_target_was_read() {
    let model = deployed();
    let line = "production/gone gone=registry.example.com/shop/gone:2.4.0".to_owned();
    let unread = RolloutState::new([TargetSpec::named("shop")]);
    assert_eq!(
        super::verdict(std::slice::from_ref(&line), &unread),
        None,
        "not read yet"
    );
    let verdict = super::verdict(&[line], &model.rollout);
    assert!(
        matches!(&verdict, Some((false, why)) if why.contains("no target watched here")),
        "{verdict:?}"
    );
}
