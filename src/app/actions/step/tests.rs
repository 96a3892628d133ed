use chrono::Duration;

use super::*;
use crate::app::fixture::sample_model_with_release;
use crate::app::{Key, Msg, update};
use crate::domain::events::GateOutcome;

fn press(model: &mut Model, keys: &[&str]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(model, Msg::Key(k.parse::<crate::app::Key>().unwrap())))
        .collect()
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, Msg::Key(Key::char(c)));
    }
}

/// Feeds events back as the runtime would after writing them, numbering them.
fn record(model: &mut Model, effects: Vec<Effect>) -> Vec<Effect> {
    let mut follow_up = Vec::new();
    for effect in effects {
        match effect {
            Effect::Record(event) => {
                let seq = model.release.as_ref().map_or(0, |v| v.checklist.last_seq) + 1;
                let recorded = Recorded {
                    seq,
                    at: model.clock.now,
                    operator: model.operator.name.clone(),
                    event,
                };
                follow_up.extend(update(model, Msg::Recorded(recorded)));
            }
            other => follow_up.push(other),
        }
    }
    follow_up
}

fn select(model: &mut Model, id: &str) {
    let now = model.clock.now;
    model.release.as_mut().unwrap().select_step(id, now);
}

fn state(model: &Model, id: &str) -> StepState {
    let view = model.release.as_ref().unwrap();
    view.checklist
        .state(view.checklist.playbook.step(id).unwrap(), model.clock.now)
}

#[test]
fn space_records_completion_and_the_screen_changes_only_when_durable() {
    let mut model = sample_model_with_release();
    select(&mut model, "final-checks");
    let effects = press(&mut model, &["space"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepCompleted {
            step: "final-checks".into()
        })]
    );
    assert_eq!(
        state(&model, "final-checks"),
        StepState::Overdue,
        "not done until recorded"
    );
    record(&mut model, effects);
    assert_eq!(state(&model, "final-checks"), StepState::Done);
}

#[test]
fn j_and_k_move_and_enter_on_a_phase_folds_it() {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    assert_eq!(
        model.release.as_ref().unwrap().selected_row(now),
        Some(Row::Phase(0))
    );
    press(&mut model, &["j"]);
    assert_eq!(
        model
            .release
            .as_ref()
            .unwrap()
            .selected_step(now)
            .map(|s| s.id.as_str()),
        Some("announce")
    );
    press(&mut model, &["k", "enter"]);
    assert!(model.release.as_ref().unwrap().is_folded(0, now));
    press(&mut model, &["space"]);
    assert!(!model.release.as_ref().unwrap().is_folded(0, now));
}

#[test]
fn a_gate_runs_only_after_its_start_is_recorded() {
    let mut model = sample_model_with_release();
    select(&mut model, "tag");
    assert!(press(&mut model, &["r"]).is_empty(), "no repo to tag");
    assert_eq!(
        model.notice.as_deref(),
        Some("`tag` has nothing to run: no [[repo]] in the config")
    );

    let mut model = gate_model();
    select(&mut model, "lint");
    let effects = press(&mut model, &["space"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::GateStarted {
            step: "lint".into()
        })]
    );
    let follow_up = record(&mut model, effects);
    assert!(
        matches!(follow_up.as_slice(), [Effect::RunGate { step, gate: StepKind::Command(_), .. }] if step == "lint")
    );
    let Some(Effect::RunGate { request, .. }) = follow_up.first() else {
        unreachable!()
    };
    let request = request.clone();
    assert_eq!(state(&model, "lint"), StepState::Running);
    assert_eq!(model.running_actions(), ["gate `lint`"]);
    assert!(
        press(&mut model, &["r"]).is_empty(),
        "no second run while one runs"
    );

    let outcome = GateOutcome {
        passed: false,
        summary: "exit 1".into(),
        output: "boom".into(),
        duration_ms: 3,
        released: Vec::new(),
    };
    let effects = update(
        &mut model,
        Msg::Done {
            request,
            result: crate::app::requests::TaskResult::Gate {
                step: "lint".into(),
                outcome: outcome.clone(),
            },
        },
    );
    assert_eq!(
        effects,
        vec![Effect::Record(Event::GateFinished {
            step: "lint".into(),
            outcome
        })]
    );
    record(&mut model, effects);
    assert_eq!(state(&model, "lint"), StepState::Failed);
    assert!(model.running_actions().is_empty());
    assert_eq!(
        press(&mut model, &["r"]),
        vec![Effect::Record(Event::GateStarted {
            step: "lint".into()
        })],
        "failed gates re-run"
    );
}

/// The sample release with a command gate step, via a user playbook.
fn gate_model() -> Model {
    let mut model = sample_model_with_release();
    let view = model.release.as_mut().unwrap();
    view.checklist.playbook.phases[0]
        .steps
        .push(crate::domain::playbook::Step {
            id: "lint".into(),
            title: "Lint".into(),
            instructions: String::new(),
            when: crate::domain::playbook::When::At("T-1h".parse().unwrap()),
            owner: "engineering".into(),
            required: true,
            kind: StepKind::Command(crate::domain::playbook::CommandGate {
                run: "true".into(),
                workdir: None,
                env: Default::default(),
                timeout: Duration::minutes(1),
                deploys_to: None,
            }),
        });
    model
}

#[test]
fn a_gate_is_sent_off_with_its_release_and_the_one_before_it() {
    let mut model = gate_model();
    let release = model.release.as_ref().unwrap().checklist.release.clone();
    let earlier = |id: &str, name: &str, days: i64, version: &str| {
        crate::app::panes::calendar::KnownRelease {
            id: id.into(),
            name: name.into(),
            t0: release.t0 - Duration::days(days),
            version: version.parse().unwrap(),
        }
    };
    model.calendar.releases.extend([
        earlier("old", &release.name, 28, "1.0.0"),
        earlier("last", &release.name, 14, "1.1.0"),
        earlier("other-train", "elsewhere", 1, "9.9.9"),
        earlier(&release.id, &release.name, 0, "0.0.1"),
    ]);
    select(&mut model, "lint");
    let effects = press(&mut model, &["space"]);
    let follow_up = record(&mut model, effects);
    let [Effect::RunGate { vars, .. }] = follow_up.as_slice() else {
        panic!("one gate: {follow_up:?}")
    };
    assert_eq!(
        vars.get("version"),
        Some(release.version.to_string().as_str())
    );
    assert_eq!(vars.get("release"), Some(release.id.as_str()));
    assert_eq!(vars.get("previous_version"), Some("1.1.0"));
    assert_eq!(vars.get("environment"), None, "lint deploys nowhere");
}

#[test]
fn skip_needs_a_reason() {
    let mut model = sample_model_with_release();
    select(&mut model, "announce");
    assert!(press(&mut model, &["s"]).is_empty());
    assert!(matches!(model.overlay, Some(Overlay::Prompt(_))));
    assert!(
        press(&mut model, &["enter"]).is_empty(),
        "an empty reason is refused"
    );
    assert_eq!(
        model.notice.as_deref(),
        Some("a reason is required; Esc cancels")
    );
    type_text(&mut model, "announced in the all-hands");
    let effects = press(&mut model, &["enter"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepSkipped {
            step: "announce".into(),
            reason: "announced in the all-hands".into()
        })]
    );
    assert_eq!(model.overlay, None);
}

#[test]
fn approvals_check_role_self_and_duplicates() {
    let mut model = sample_model_with_release();
    model
        .operator
        .roles
        .insert("tech-lead".into(), vec!["carol".into()]);
    select(&mut model, "tech-lead-approval");
    assert!(press(&mut model, &["a"]).is_empty());
    assert_eq!(
        model.notice.as_deref(),
        Some("alice is not in role `tech-lead` (carol are, per [roles] in the config)")
    );

    select(&mut model, "team-approval");
    let effects = press(&mut model, &["a"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::ApprovalGiven {
            step: "team-approval".into()
        })]
    );
    record(&mut model, effects);
    assert!(press(&mut model, &["a"]).is_empty());
    assert_eq!(
        model.notice.as_deref(),
        Some("alice has approved `team-approval` already")
    );

    model.operator.name = "carol".into();
    assert!(press(&mut model, &["a"]).is_empty());
    assert_eq!(
        model.notice.as_deref(),
        Some("self-approval refused: carol started this release")
    );
    assert!(
        press(&mut model, &["s"]).is_empty(),
        "approvals cannot be skipped"
    );
    assert_eq!(model.overlay, None);
}

#[test]
fn production_deploy_is_refused_until_go_then_overridden_with_a_reason() {
    let mut model = sample_model_with_release();
    select(&mut model, "deploy-production");
    assert!(press(&mut model, &["space"]).is_empty());
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("go/no-go: `deploy-production` is blocked by")),
        "{:?}",
        model.notice
    );
    press(&mut model, &["O"]);
    type_text(&mut model, "CTO approved in incident 42");
    let effects = press(&mut model, &["enter"]);
    record(&mut model, effects);
    // Due at T+1h, 2h20m from now: completing it asks first (issue 15).
    let effects = press(&mut model, &["space", "y"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepCompleted {
            step: "deploy-production".into()
        })]
    );
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("no [[target]] serves environment `production`")),
        "says why the deploy is by hand"
    );
}

#[test]
fn undo_takes_back_only_your_own_action() {
    let mut model = sample_model_with_release();
    select(&mut model, "announce");
    assert!(press(&mut model, &["u"]).is_empty());
    let effects = press(&mut model, &["space"]);
    record(&mut model, effects);
    let effects = press(&mut model, &["u"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepUndone {
            step: "announce".into()
        })]
    );
    record(&mut model, effects);
    assert_ne!(state(&model, "announce"), StepState::Done);
}

#[test]
fn read_only_refuses_every_action_and_says_so() {
    let mut model = sample_model_with_release();
    model.operator.read_only = true;
    select(&mut model, "announce");
    for key in ["space", "s", "a", "n", "r", "u", "O"] {
        assert!(press(&mut model, &[key]).is_empty(), "{key}");
        assert!(
            model
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("read-only")),
            "{key}: {:?}",
            model.notice
        );
    }
    assert!(
        press(&mut model, &["enter"]).is_empty(),
        "details still open"
    );
    assert!(matches!(model.overlay, Some(Overlay::Details { .. })));
}

#[test]
fn step_keys_outside_the_checklist_say_where_they_work() {
    let mut model = sample_model_with_release();
    press(&mut model, &["1", "space"]);
    assert_eq!(
        model.notice.as_deref(),
        Some("`complete` works in the Checklist pane: press 2 first")
    );
}

#[test]
fn a_failed_write_is_reported_and_nothing_changes() {
    let mut model = sample_model_with_release();
    let before = model.release.clone();
    update(
        &mut model,
        Msg::RecordFailed {
            event: Box::new(Event::StepCompleted {
                step: "announce".into(),
            }),
            error: "disk full".into(),
        },
    );
    assert_eq!(model.release, before);
    assert_eq!(
        model.notice.as_deref(),
        Some("not recorded, so not done: completed (disk full)")
    );
}

#[test]
fn release_switch_asks_for_an_id_and_opens_it() {
    let mut model = sample_model_with_release();
    press(&mut model, &[":"]);
    type_text(&mut model, "release-switch");
    press(&mut model, &["enter"]);
    type_text(&mut model, "patch-1.0.1-20261201");
    assert_eq!(
        press(&mut model, &["enter"]),
        vec![Effect::OpenRelease {
            id: "patch-1.0.1-20261201".into(),
            viewing: false
        }]
    );
}

/// The sample release with a command step that deploys to production
/// (`npm run deploy:production`) in its last phase.
fn deploying_command_model() -> Model {
    let mut model = sample_model_with_release();
    let view = model.release.as_mut().unwrap();
    let last = view.checklist.playbook.phases.len() - 1;
    view.checklist.playbook.phases[last]
        .steps
        .push(crate::domain::playbook::Step {
            id: "ship".into(),
            title: "npm run deploy:production".into(),
            instructions: String::new(),
            when: crate::domain::playbook::When::At("T+2h".parse().unwrap()),
            owner: "release-manager".into(),
            required: true,
            kind: StepKind::Command(crate::domain::playbook::CommandGate {
                run: "npm run deploy:production".into(),
                workdir: None,
                env: Default::default(),
                timeout: Duration::minutes(1),
                deploys_to: Some("production".into()),
            }),
        });
    model
}

#[test]
fn a_command_step_that_deploys_to_production_waits_for_go_no_go_then_o_overrides_it() {
    let mut model = deploying_command_model();
    select(&mut model, "ship");
    for key in ["space", "r"] {
        assert!(press(&mut model, &[key]).is_empty(), "{key} runs nothing");
        assert!(
            model
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("go/no-go: `ship` is blocked by")),
            "{key}: {:?}",
            model.notice
        );
    }
    press(&mut model, &["O"]);
    assert!(
        matches!(&model.overlay, Some(Overlay::Prompt(p)) if p.purpose == PromptPurpose::OverrideReason { step: "ship".into() }),
        "O asks why: {:?} {:?}",
        model.overlay,
        model.notice
    );
    type_text(&mut model, "hotfix approved by the CTO");
    let effects = press(&mut model, &["enter"]);
    record(&mut model, effects);
    // A command that deploys asks first; the default is cancel.
    assert!(press(&mut model, &["space"]).is_empty());
    assert!(
        matches!(&model.overlay, Some(Overlay::Confirm(Confirm { action: Action::RunStep { step, environment, .. }, .. })) if step == "ship" && environment == "production"),
        "{:?}",
        model.overlay
    );
    assert!(press(&mut model, &["enter"]).is_empty(), "enter is not yes");
    assert!(model.overlay.is_none());
    press(&mut model, &["r"]);
    assert_eq!(
        press(&mut model, &["y"]),
        vec![Effect::Record(Event::GateStarted {
            step: "ship".into()
        })]
    );
}

#[test]
fn o_on_a_step_go_no_go_does_not_gate_says_which_steps_it_gates() {
    let mut model = sample_model_with_release();
    select(&mut model, "deploy-staging");
    assert!(press(&mut model, &["O"]).is_empty());
    let notice = model.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("go/no-go does not gate `deploy-staging`")
            && notice.contains("gates deploy-production (production)"),
        "{notice}"
    );
}

#[test]
fn completing_a_step_due_far_ahead_asks_first_and_cancel_does_nothing() {
    let mut model = sample_model_with_release();
    // The sample's clock is T-1h20m; `deploy-production` is due at T+1h.
    select(&mut model, "deploy-production");
    crate::app::fixture::override_go_no_go(&mut model, "deploy-production");
    let before = model.release.clone();
    assert!(
        press(&mut model, &["space"]).is_empty(),
        "nothing recorded yet"
    );
    let Some(Overlay::Confirm(Confirm {
        action: Action::CompleteEarly { step, due },
        ..
    })) = &model.overlay
    else {
        panic!("asks first: {:?}", model.overlay);
    };
    assert_eq!(step, "deploy-production");
    assert_eq!(*due - model.clock.now, Duration::minutes(140));
    assert!(
        press(&mut model, &["esc"]).is_empty(),
        "cancel records nothing"
    );
    assert_eq!(model.overlay, None);
    assert_eq!(model.release, before, "and changes nothing");
    assert_eq!(
        model.notice.as_deref(),
        Some("`deploy-production` not completed")
    );
    // `n`, Enter or any other key cancels too; only `y` completes.
    for key in ["n", "enter", "space"] {
        assert!(press(&mut model, &["space", key]).is_empty(), "{key}");
        assert_eq!(model.overlay, None, "{key}");
    }
    assert_eq!(
        press(&mut model, &["space", "y"]),
        vec![Effect::Record(Event::StepCompleted {
            step: "deploy-production".into()
        })]
    );
}

#[test]
fn a_step_due_within_half_an_hour_or_overdue_completes_at_once() {
    let mut model = sample_model_with_release();
    // At T+35m `deploy-production` is due in 25 minutes.
    let later = model.clock.now + Duration::minutes(115);
    update(&mut model, Msg::Tick(later));
    select(&mut model, "deploy-production");
    crate::app::fixture::override_go_no_go(&mut model, "deploy-production");
    assert_eq!(
        press(&mut model, &["space"]),
        vec![Effect::Record(Event::StepCompleted {
            step: "deploy-production".into()
        })]
    );
    // An overdue step does not ask either.
    select(&mut model, "announce");
    assert_eq!(
        press(&mut model, &["space"]),
        vec![Effect::Record(Event::StepCompleted {
            step: "announce".into()
        })]
    );
}

#[test]
fn the_early_confirm_checks_again_on_y() {
    let mut model = sample_model_with_release();
    select(&mut model, "deploy-production");
    crate::app::fixture::override_go_no_go(&mut model, "deploy-production");
    press(&mut model, &["space"]);
    // The cockpit became a follower while the dialog was open.
    model.operator.following = Some("host/42".into());
    assert!(press(&mut model, &["y"]).is_empty());
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("read-only")),
        "{:?}",
        model.notice
    );
}

fn with_repo(model: &mut Model) {
    use crate::domain::versioning::notes::Style;
    use crate::domain::versioning::repos::{Repo, Repos};
    model.repos = Repos {
        repos: vec![Repo {
            name: "main".into(),
            path: "/srv/shop".into(),
            tag_format: "v{version}".into(),
            main_branch: "main".into(),
            release_branch: "release/v{version}".into(),
            hotfix_branch: "hotfix/{date}-{slug}".into(),
            style: Style::KeepAChangelog,
            changelog: "CHANGELOG.md".into(),
            remote: Some("origin".into()),
            allow_dirty: false,
        }],
        components: Vec::new(),
        templates: Default::default(),
    };
}

#[test]
fn a_tag_step_asks_which_tag_goes_where_then_journals_its_start_and_the_runtime_tags() {
    let mut model = sample_model_with_release();
    with_repo(&mut model);
    select(&mut model, "tag");
    assert!(press(&mut model, &["space"]).is_empty(), "it asks first");
    let Some(Overlay::Confirm(Confirm {
        action: Action::RepoStep(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    assert_eq!(plan.tags(), ["v2.4.0"]);
    assert_eq!(plan.items[0].remote.as_deref(), Some("origin"));
    assert!(press(&mut model, &["enter"]).is_empty(), "enter is not yes");
    assert!(model.overlay.is_none());
    assert_eq!(state(&model, "tag"), StepState::Pending);

    press(&mut model, &["space"]);
    let started = press(&mut model, &["y"]);
    assert_eq!(
        started,
        vec![Effect::Record(Event::GateStarted { step: "tag".into() })]
    );
    let effects = record(&mut model, started);
    let [Effect::RepoStep { plan, request }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.tags(), ["v2.4.0"]);
    assert_eq!(plan.items[0].at, "HEAD");
    assert_eq!(state(&model, "tag"), StepState::Running);
    assert!(
        press(&mut model, &["space"]).is_empty(),
        "one tag at a time"
    );
    assert_eq!(model.notice.as_deref(), Some("`tag` is running"));

    let done = update(
        &mut model,
        Msg::Done {
            request: request.clone(),
            result: crate::app::requests::TaskResult::Gate {
                step: "tag".into(),
                outcome: GateOutcome {
                    passed: true,
                    summary: "tagged abc1234 as v2.4.0, pushed to origin".into(),
                    output: String::new(),
                    duration_ms: 40,
                    released: Vec::new(),
                },
            },
        },
    );
    record(&mut model, done);
    assert_eq!(state(&model, "tag"), StepState::Passed);
    let view = model.release.as_ref().unwrap();
    let tag = view.checklist.playbook.step("tag").unwrap();
    assert!(
        view.checklist.finished_at(tag).is_some(),
        "a made tag finishes the step: go/no-go and `after` steps go on"
    );
}

#[test]
fn a_tag_step_without_a_repo_is_done_by_hand_and_read_only_refuses_it() {
    let mut model = sample_model_with_release();
    select(&mut model, "tag");
    let effects = press(&mut model, &["space"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepCompleted { step: "tag".into() })]
    );
    assert_eq!(
        model.notice.as_deref(),
        Some("completed by hand: no [[repo]] in the config to tag")
    );
    record(&mut model, effects);
    assert_eq!(state(&model, "tag"), StepState::Done, "done by hand counts");

    let mut model = sample_model_with_release();
    with_repo(&mut model);
    select(&mut model, "tag");
    press(&mut model, &["space"]);
    model.operator.read_only = true;
    assert!(press(&mut model, &["y"]).is_empty());
}

/// Makes the fixture's `tag` step another repository step.
fn tag_step_becomes(model: &mut Model, kind: crate::domain::playbook::RepoStep) {
    let view = model.release.as_mut().unwrap();
    for phase in &mut view.checklist.playbook.phases {
        for step in &mut phase.steps {
            if step.id == "tag" {
                step.kind = StepKind::Repo(kind.clone());
            }
        }
    }
}

#[test]
fn a_check_of_the_repo_starts_without_asking_and_a_branch_asks_first() {
    use crate::domain::playbook::{BranchLine, RepoCheck, RepoStep, RepoWork};
    use crate::domain::versioning::plan::{BranchFrom, ItemWork};
    let mut model = sample_model_with_release();
    with_repo(&mut model);
    tag_step_becomes(
        &mut model,
        RepoStep {
            work: RepoWork::Check(RepoCheck::TagAbsent),
            component: None,
        },
    );
    select(&mut model, "tag");
    let started = press(&mut model, &["space"]);
    assert_eq!(
        started,
        vec![Effect::Record(Event::GateStarted { step: "tag".into() })],
        "a check changes nothing: no dialog"
    );
    let effects = record(&mut model, started);
    let [Effect::RepoStep { plan, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.items[0].work, ItemWork::TagAbsent);

    let mut model = sample_model_with_release();
    with_repo(&mut model);
    tag_step_becomes(
        &mut model,
        RepoStep {
            work: RepoWork::Branch(BranchLine::Release),
            component: None,
        },
    );
    select(&mut model, "tag");
    assert!(press(&mut model, &["space"]).is_empty(), "it asks first");
    let Some(Overlay::Confirm(Confirm {
        action: Action::RepoStep(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    assert_eq!(
        plan.items[0].work,
        ItemWork::Branch {
            name: "release/v2.4.0".into(),
            from: BranchFrom::Revision("main".into())
        }
    );
    model.operator.read_only = true;
    assert!(press(&mut model, &["y"]).is_empty(), "read-only refuses it");
}

#[test]
fn a_release_of_components_tags_each_with_its_version_and_names_unknown_ones() {
    use crate::domain::versioning::repos::Component;
    let mut model = sample_model_with_release();
    with_repo(&mut model);
    for name in ["backend", "bot"] {
        model.repos.components.push(Component {
            name: name.into(),
            repo: 0,
            path: Some(name.into()),
            tag_format: "{component}-v{version}".into(),
            targets: Vec::new(),
        });
    }
    select(&mut model, "tag");
    press(&mut model, &["space"]);
    assert!(model.overlay.is_none());
    let notice = model.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("names no component versions")
            && notice.contains("backend=1.0.0 bot=1.0.0"),
        "{notice}"
    );
    let view = model.release.as_mut().unwrap();
    for (name, version) in [("backend", "1.5.0"), ("bot", "0.9.0")] {
        view.checklist
            .release
            .components
            .insert(name.into(), semver::Version::parse(version).unwrap());
    }
    press(&mut model, &["space"]);
    let Some(Overlay::Confirm(Confirm {
        action: Action::RepoStep(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    assert_eq!(plan.tags(), ["backend-v1.5.0", "bot-v0.9.0"]);

    // `:release-new` with a component the config lacks says which it has.
    let repos = model.repos.clone();
    let typed = [("frontend".to_owned(), semver::Version::new(2, 1, 0))]
        .into_iter()
        .collect();
    let error = crate::app::actions::versions::check_components(&repos, &typed).unwrap_err();
    assert_eq!(
        error,
        "no component `frontend`; the config's are: backend, bot"
    );
}

#[test]
fn each_released_commit_has_its_lead_time_to_the_production_deploy() {
    use crate::domain::events::{CommitTime, Released};
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    let view = model.release.as_ref().unwrap();
    assert_eq!(view.checklist.lead_times().deployed, None);
    let tagged = Event::GateFinished {
        step: "tag".into(),
        outcome: GateOutcome {
            passed: true,
            summary: "tagged".into(),
            output: String::new(),
            duration_ms: 1,
            released: vec![Released {
                component: None,
                tag: "v2.4.0".into(),
                commits: vec![
                    CommitTime {
                        id: "a".repeat(40),
                        at: now - Duration::hours(50),
                    },
                    CommitTime {
                        id: "b".repeat(40),
                        at: now - Duration::hours(2),
                    },
                    CommitTime {
                        id: "c".repeat(40),
                        at: now - Duration::hours(26),
                    },
                ],
            }],
        },
    };
    record(
        &mut model,
        vec![Effect::Record(Event::GateStarted { step: "tag".into() })],
    );
    record(&mut model, vec![Effect::Record(tagged)]);
    let view = model.release.as_ref().unwrap();
    let before = view.checklist.lead_times();
    assert_eq!(
        (before.deployed, before.released),
        (None, 3),
        "not in production yet"
    );
    assert!(before.commits.is_empty());

    model.clock.now = now + Duration::hours(1);
    record(
        &mut model,
        vec![Effect::Record(Event::StepCompleted {
            step: "deploy-production".into(),
        })],
    );
    let times = model.release.as_ref().unwrap().checklist.lead_times();
    assert_eq!(times.deployed, Some(now + Duration::hours(1)));
    let leads: Vec<i64> = times.commits.iter().map(|c| c.lead.num_hours()).collect();
    assert_eq!(leads, [51, 3, 27]);
    assert_eq!(times.median(), Some(Duration::hours(27)));
}

fn with_channel(model: &mut Model) {
    use crate::domain::comms::channel::{Channel, ChannelKind, Channels};
    model.channels = Channels {
        list: vec![Channel {
            name: "eng".into(),
            kind: ChannelKind::File {
                path: "/tmp/messages.md".into(),
            },
            timeout: std::time::Duration::from_secs(10),
            retries: 3,
        }],
        default: Some("eng".into()),
    };
}

#[test]
fn a_notify_step_shows_the_exact_message_then_journals_its_start_and_sends_that_text() {
    let mut model = sample_model_with_release();
    with_channel(&mut model);
    select(&mut model, "announce");
    assert!(press(&mut model, &["space"]).is_empty(), "it asks first");
    let Some(Overlay::Confirm(Confirm {
        action: Action::Notify(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    let shown = plan.message.text.clone();
    assert!(shown.contains("2.4.0"), "{shown}");
    assert_eq!(plan.channel.name, "eng");
    assert_eq!(plan.message.key, "minor-2.4.0-20261121/step:announce/0");
    assert!(!plan.uncertain);
    assert!(press(&mut model, &["enter"]).is_empty(), "enter is not yes");
    assert_eq!(model.notice.as_deref(), Some("`announce` not sent"));

    press(&mut model, &["space"]);
    let started = press(&mut model, &["y"]);
    assert_eq!(
        started,
        vec![Effect::Record(Event::GateStarted {
            step: "announce".into()
        })]
    );
    // The clock moves on before the start is on disk: the text confirmed goes.
    model.clock.now += Duration::minutes(5);
    let effects = record(&mut model, started);
    let [
        Effect::SendMessage {
            step,
            channel,
            message,
            request,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(step.as_deref(), Some("announce"));
    assert_eq!(channel.name, "eng");
    assert_eq!(message.text, shown);
    assert_eq!(state(&model, "announce"), StepState::Running);
    assert!(press(&mut model, &["space"]).is_empty());
    assert_eq!(model.notice.as_deref(), Some("`announce` is sending"));

    let done = update(
        &mut model,
        Msg::Done {
            request: request.clone(),
            result: crate::app::requests::TaskResult::Gate {
                step: "announce".into(),
                outcome: GateOutcome {
                    passed: true,
                    summary: "sent to `eng` (appended to /tmp/messages.md, 1 attempt)".into(),
                    output: shown.clone(),
                    duration_ms: 3,
                    released: Vec::new(),
                },
            },
        },
    );
    record(&mut model, done);
    assert_eq!(state(&model, "announce"), StepState::Passed);
    let view = model.release.as_ref().unwrap();
    assert_eq!(view.checklist.times_sent("announce"), 1);
}

#[test]
fn a_send_the_cockpit_stopped_during_asks_again_under_the_same_key() {
    let mut model = sample_model_with_release();
    with_channel(&mut model);
    select(&mut model, "announce");
    press(&mut model, &["space"]);
    let started = press(&mut model, &["y"]);
    record(&mut model, started);
    // As after a restart: the start on disk, nothing sending here.
    model.release.as_mut().unwrap().live_gates.clear();
    press(&mut model, &["space"]);
    let Some(Overlay::Confirm(Confirm {
        action: Action::Notify(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    assert!(plan.uncertain);
    assert_eq!(plan.message.key, "minor-2.4.0-20261121/step:announce/0");
}

#[test]
fn a_notify_step_without_a_channel_is_done_by_hand_and_says_why_and_read_only_sends_nothing() {
    let mut model = sample_model_with_release();
    select(&mut model, "announce");
    let effects = press(&mut model, &["space"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepCompleted {
            step: "announce".into()
        })]
    );
    assert_eq!(
        model.notice.as_deref(),
        Some("completed by hand: no [[channel]] in the config")
    );

    let mut model = sample_model_with_release();
    with_channel(&mut model);
    select(&mut model, "announce");
    press(&mut model, &["space"]);
    model.operator.read_only = true;
    assert!(press(&mut model, &["y"]).is_empty());
}

#[test]
fn a_repeating_notify_step_is_due_again_after_its_interval_while_the_release_is_open() {
    let mut model = sample_model_with_release();
    with_channel(&mut model);
    let t0 = model.release.as_ref().unwrap().checklist.release.t0;
    for phase in &mut model.release.as_mut().unwrap().checklist.playbook.phases {
        for step in &mut phase.steps {
            if step.id == "announce" {
                step.kind = StepKind::Notify {
                    channel: None,
                    template: Some("in-progress".into()),
                    every: Some(Duration::minutes(15)),
                };
            }
        }
    }
    model.clock.now = t0 + Duration::minutes(1);
    select(&mut model, "announce");
    let send = |model: &mut Model| {
        press(model, &["space"]);
        let started = press(model, &["y"]);
        let effects = record(model, started);
        let [
            Effect::SendMessage {
                request, message, ..
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?} {:?}", model.notice)
        };
        let key = message.key.clone();
        let done = update(
            model,
            Msg::Done {
                request: request.clone(),
                result: crate::app::requests::TaskResult::Gate {
                    step: "announce".into(),
                    outcome: GateOutcome {
                        passed: true,
                        summary: "sent".into(),
                        output: String::new(),
                        duration_ms: 1,
                        released: Vec::new(),
                    },
                },
            },
        );
        record(model, done);
        key
    };
    assert_eq!(send(&mut model), "minor-2.4.0-20261121/step:announce/0");
    assert_eq!(state(&model, "announce"), StepState::Passed);
    model.clock.now += Duration::minutes(16);
    assert_eq!(state(&model, "announce"), StepState::Due, "15 minutes on");
    assert_eq!(send(&mut model), "minor-2.4.0-20261121/step:announce/1");
    assert_eq!(state(&model, "announce"), StepState::Passed);

    // Posted by hand (`h`): the wait starts again from then.
    model.clock.now += Duration::minutes(16);
    assert_eq!(state(&model, "announce"), StepState::Due);
    press(&mut model, &["space"]);
    let by_hand = press(&mut model, &["h"]);
    record(&mut model, by_hand);
    assert_eq!(state(&model, "announce"), StepState::Passed, "h resets it");

    // The rest of its phase finished: it stops repeating.
    let others: Vec<String> = {
        let checklist = &model.release.as_ref().unwrap().checklist;
        let phase = checklist
            .playbook
            .steps()
            .find(|(_, s)| s.id == "announce")
            .unwrap()
            .0;
        checklist
            .playbook
            .steps()
            .filter(|(p, s)| *p == phase && s.id != "announce")
            .map(|(_, s)| s.id.clone())
            .collect()
    };
    for id in others {
        record(
            &mut model,
            vec![Effect::Record(Event::StepSkipped {
                step: id,
                reason: "not this time".into(),
            })],
        );
    }
    model.clock.now += Duration::hours(2);
    assert!(
        state(&model, "announce").is_finished(),
        "{:?}",
        state(&model, "announce")
    );
}

#[test]
fn h_in_the_notify_dialog_completes_the_step_by_hand_and_sends_nothing() {
    let mut model = sample_model_with_release();
    with_channel(&mut model);
    select(&mut model, "announce");
    press(&mut model, &["space"]);
    let effects = press(&mut model, &["h"]);
    assert_eq!(
        effects,
        vec![Effect::Record(Event::StepCompleted {
            step: "announce".into()
        })]
    );
    record(&mut model, effects);
    assert_eq!(state(&model, "announce"), StepState::Done);
}

#[test]
fn postponing_the_open_releases_occurrence_offers_the_postponed_notice() {
    let mut model = sample_model_with_release();
    with_channel(&mut model);
    let t0 = model.release.as_ref().unwrap().checklist.release.t0;
    let postponed = Recorded {
        seq: 1,
        at: model.clock.now,
        operator: "alice".into(),
        event: Event::OccurrencePostponed {
            train: "minor".into(),
            scheduled: t0,
            to: t0 + Duration::days(2),
            reason: "payment provider outage".into(),
        },
    };
    assert!(update(&mut model, Msg::CalendarRecorded(postponed)).is_empty());
    let Some(Overlay::Confirm(Confirm {
        action: Action::Notify(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    assert_eq!(
        (plan.step.as_deref(), plan.message.template.as_str()),
        (None, "postponed")
    );
    assert!(
        plan.message.text.contains("is postponed"),
        "{}",
        plan.message.text
    );
    assert!(
        plan.message.text.contains("It now goes out at") && plan.message.text.contains("UTC)"),
        "the new time: {}",
        plan.message.text
    );

    // Postponed again, while another dialog is open: that dialog stays,
    // and a notice says how to send it.
    model.overlay = Some(Overlay::Help { scroll: 0 });
    let again = Recorded {
        seq: 2,
        at: model.clock.now,
        operator: "alice".into(),
        event: Event::OccurrencePostponed {
            train: "minor".into(),
            scheduled: t0,
            to: t0 + Duration::days(3),
            reason: "still out".into(),
        },
    };
    update(&mut model, Msg::CalendarRecorded(again));
    assert_eq!(model.overlay, Some(Overlay::Help { scroll: 0 }));
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("notify postponed")),
        "{:?}",
        model.notice
    );
}

#[test]
fn postponing_a_release_that_was_started_from_a_postponed_occurrence_offers_the_notice() {
    use crate::domain::calendar::{Occurrence, Status};
    let mut model = sample_model_with_release();
    with_channel(&mut model);
    let t0 = model.release.as_ref().unwrap().checklist.release.t0;
    // The rule put it a day earlier; a postponement moved it to the
    // release's T-0.
    let scheduled = t0 - Duration::days(1);
    model.calendar.occurrences = vec![Occurrence {
        train: "minor".into(),
        zone: chrono_tz::UTC,
        scheduled,
        t0,
        status: Status::Postponed {
            reason: "earlier".into(),
            operator: "alice".into(),
        },
        on_blackout: None,
        notice: None,
        announce: None,
        freeze: None,
        window_end: None,
        merge_freeze: false,
    }];
    let postponed = Recorded {
        seq: 1,
        at: model.clock.now,
        operator: "alice".into(),
        event: Event::OccurrencePostponed {
            train: "minor".into(),
            scheduled,
            to: t0 + Duration::days(2),
            reason: "again".into(),
        },
    };
    update(&mut model, Msg::CalendarRecorded(postponed));
    assert!(
        matches!(&model.overlay, Some(Overlay::Confirm(Confirm { action: Action::Notify(plan), .. })) if plan.message.template == "postponed"),
        "{:?} {:?}",
        model.overlay,
        model.notice
    );
}
