use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::app::COMMANDS;
use crate::app::fixture::{sample_model, sample_model_with_release};

/// A model with a release whose gate this process is running.
fn running_model() -> Model {
    let mut model = sample_model_with_release();
    if let Some(view) = model.release.as_mut() {
        view.live_gates.insert("code-quality".into());
    }
    model.start_request("gate `code-quality`".into(), 1);
    model
}

fn press(model: &mut Model, text: &str) -> Vec<Effect> {
    let key: Key = text.parse().unwrap_or_else(|e| panic!("{e}"));
    update(model, Msg::Key(key))
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, Msg::Key(Key::char(c)));
    }
}

#[test]
fn tab_and_shift_tab_cycle_focus_through_all_panes() {
    let mut model = sample_model();
    let mut seen = vec![model.focus];
    for _ in 0..4 {
        press(&mut model, "tab");
        seen.push(model.focus);
    }
    assert_eq!(
        seen,
        [
            Pane::Calendar,
            Pane::Checklist,
            Pane::Rollout,
            Pane::Health,
            Pane::Calendar
        ]
    );
    press(&mut model, "shift-tab");
    assert_eq!(model.focus, Pane::Health);
}

#[test]
fn number_keys_jump_to_panes() {
    let mut model = sample_model();
    for (key, pane) in [
        ("3", Pane::Rollout),
        ("1", Pane::Calendar),
        ("4", Pane::Health),
        ("2", Pane::Checklist),
    ] {
        press(&mut model, key);
        assert_eq!(model.focus, pane, "after {key}");
    }
}

#[test]
fn z_toggles_zoom() {
    let mut model = sample_model();
    press(&mut model, "z");
    assert!(model.zoomed);
    press(&mut model, "z");
    assert!(!model.zoomed);
}

#[test]
fn question_mark_opens_help_and_esc_closes_it() {
    let mut model = sample_model();
    press(&mut model, "?");
    assert_eq!(model.overlay, Some(Overlay::Help { scroll: 0 }));
    press(&mut model, "j");
    press(&mut model, "j");
    assert_eq!(model.overlay, Some(Overlay::Help { scroll: 2 }));
    press(&mut model, "G");
    assert_eq!(
        model.overlay,
        Some(Overlay::Help {
            scroll: COMMANDS.len() as u16
        })
    );
    press(&mut model, "esc");
    assert_eq!(model.overlay, None);
}

#[test]
fn keys_under_the_help_overlay_do_not_reach_the_panes() {
    let mut model = sample_model();
    press(&mut model, "?");
    press(&mut model, "3");
    assert_eq!(model.focus, Pane::Calendar);
    assert!(
        press(&mut model, "q").is_empty(),
        "q closes help, it does not quit"
    );
    assert_eq!(model.overlay, None);
}

#[test]
fn q_quits_at_once_when_nothing_runs() {
    let mut model = sample_model();
    assert_eq!(press(&mut model, "q"), vec![Effect::Quit { code: 0 }]);
    assert_eq!(press(&mut model, "ctrl-c"), vec![Effect::Quit { code: 0 }]);
}

#[test]
fn q_asks_while_an_action_runs_and_cancel_is_the_default() {
    let mut model = running_model();
    assert!(press(&mut model, "q").is_empty());
    assert_eq!(
        model.overlay,
        Some(Overlay::Confirm(Confirm::new(Action::Quit)))
    );
    assert!(
        press(&mut model, "enter").is_empty(),
        "enter takes the default: cancel"
    );
    assert_eq!(model.overlay, None);
    assert_eq!(model.notice.as_deref(), Some("quit cancelled"));
    press(&mut model, "q");
    assert_eq!(press(&mut model, "y"), vec![Effect::Quit { code: 0 }]);
}

#[test]
fn terminate_quits_even_while_actions_run() {
    let mut model = running_model();
    let effects = update(
        &mut model,
        Msg::Terminate {
            reason: "SIGTERM".into(),
            exit_code: 143,
        },
    );
    assert_eq!(effects, vec![Effect::Quit { code: 143 }]);
}

#[test]
fn palette_filters_and_runs_the_selected_command() {
    let mut model = sample_model();
    press(&mut model, ":");
    type_text(&mut model, "focus-hea");
    let Some(Overlay::Palette(palette)) = &model.overlay else {
        panic!("palette open")
    };
    assert_eq!(palette.selected_command(), Some(Command::FocusHealth));
    press(&mut model, "enter");
    assert_eq!(model.overlay, None);
    assert_eq!(model.focus, Pane::Health);
}

#[test]
fn palette_types_letters_that_are_also_bindings() {
    let mut model = sample_model();
    press(&mut model, ":");
    type_text(&mut model, "q");
    assert!(matches!(model.overlay, Some(Overlay::Palette(ref p)) if p.query == "q"));
    press(&mut model, "backspace");
    assert!(matches!(model.overlay, Some(Overlay::Palette(ref p)) if p.query.is_empty()));
    press(&mut model, "esc");
    assert_eq!(model.overlay, None);
}

#[test]
fn palette_enter_with_no_match_keeps_it_open() {
    let mut model = sample_model();
    press(&mut model, ":");
    type_text(&mut model, "xyzzy");
    assert!(press(&mut model, "enter").is_empty());
    assert!(matches!(model.overlay, Some(Overlay::Palette(_))));
}

#[test]
fn palette_accepts_pasted_text() {
    let mut model = sample_model();
    press(&mut model, ":");
    update(&mut model, Msg::Paste("zo\nom".into()));
    assert!(matches!(model.overlay, Some(Overlay::Palette(ref p)) if p.query == "zoom"));
}

#[test]
fn palette_quit_goes_through_the_same_confirmation() {
    let mut model = running_model();
    press(&mut model, ":");
    type_text(&mut model, "quit");
    assert!(press(&mut model, "enter").is_empty());
    assert_eq!(
        model.overlay,
        Some(Overlay::Confirm(Confirm::new(Action::Quit)))
    );
}

#[test]
fn theme_cycles_and_wraps_with_a_notice() {
    let mut model = sample_model();
    press(&mut model, "T");
    assert_eq!(model.themes.current_name(), "light");
    assert_eq!(model.notice.as_deref(), Some("theme: light"));
    for _ in 0..3 {
        press(&mut model, "T");
    }
    assert_eq!(model.themes.current_name(), "dark");
}

#[test]
fn ctrl_z_asks_the_runtime_to_suspend() {
    let mut model = sample_model();
    assert_eq!(press(&mut model, "ctrl-z"), vec![Effect::Suspend]);
}

#[test]
fn unbound_keys_change_nothing_and_need_no_redraw() {
    let mut model = sample_model();
    model.take_changed();
    let before = model.clone();
    assert!(press(&mut model, "x").is_empty());
    assert!(!model.take_changed());
    assert_eq!(model, before);
}

#[test]
fn tick_redraws_only_when_the_shown_minute_changes() {
    let mut model = sample_model();
    model.take_changed();
    let start = model.clock.now;
    update(&mut model, Msg::Tick(start + Duration::seconds(30)));
    assert!(!model.take_changed(), "same minute on screen");
    update(&mut model, Msg::Tick(start + Duration::seconds(60)));
    assert!(model.take_changed());
    assert_eq!(
        model.next_time_change(),
        Some(Utc.with_ymd_and_hms(2026, 11, 21, 16, 42, 0).unwrap())
    );
}

#[test]
fn resize_and_resume_force_a_redraw() {
    let mut model = sample_model();
    model.take_changed();
    update(
        &mut model,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    assert!(model.take_changed());
    update(&mut model, Msg::Resumed);
    assert!(model.take_changed());
}

mod deploy {
    use super::*;
    use crate::app::fixture::{sample_model_with_release, sample_rollout};
    use crate::domain::rollout::DeployPlan;

    /// Every sample Deployment is in `production`; its go/no-go is overridden
    /// here so that these tests are about the dialog (go/no-go has its own).
    fn model() -> Model {
        let mut model = sample_model_with_release();
        model.rollout = sample_rollout(model.clock.now);
        crate::app::fixture::override_go_no_go(&mut model, "deploy-production");
        model.focus = Pane::Rollout;
        model
    }

    fn key(model: &mut Model, text: &str) -> Vec<Effect> {
        update(model, Msg::Key(text.parse().unwrap()))
    }

    #[test]
    fn d_asks_first_with_every_fresh_deployment_and_the_release_version() {
        let mut model = model();
        assert!(key(&mut model, "d").is_empty());
        let Some(Overlay::Confirm(Confirm {
            action: Action::Deploy(plan),
            ..
        })) = &model.overlay
        else {
            panic!("no confirmation: {:?}", model.overlay);
        };
        assert_eq!(plan.version, "2.4.0");
        let names: Vec<&str> = plan.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["search", "web"],
            "those already on 2.4.0 and the stale target are left out"
        );
        assert_eq!(plan.items[1].to, "registry.example.com/shop/web:2.4.0");
        assert!(!plan.dry_run);
    }

    #[test]
    fn only_y_deploys_and_t_makes_it_a_dry_run() {
        let mut model = model();
        key(&mut model, "d");
        assert!(key(&mut model, "t").is_empty());
        let effects = key(&mut model, "y");
        let [Effect::Deploy { plan, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        let plan: &DeployPlan = plan;
        assert!(plan.dry_run);
        assert!(model.overlay.is_none());

        key(&mut model, "d");
        assert!(key(&mut model, "enter").is_empty(), "enter is not yes");
        assert!(model.overlay.is_none());
        assert_eq!(model.notice.as_deref(), Some("deploy cancelled"));
    }

    #[test]
    fn read_only_and_no_release_refuse() {
        let mut model = model();
        model.operator.read_only = true;
        assert!(key(&mut model, "d").is_empty());
        assert!(model.overlay.is_none());
        assert!(
            model
                .notice
                .as_deref()
                .unwrap_or_default()
                .contains("read-only")
        );

        let mut model = model_without_release();
        assert!(key(&mut model, "d").is_empty());
        assert!(
            model
                .notice
                .as_deref()
                .unwrap_or_default()
                .contains("open a release first")
        );
    }

    fn model_without_release() -> Model {
        let mut model = crate::app::fixture::sample_model();
        model.rollout = sample_rollout(model.clock.now);
        model.focus = Pane::Rollout;
        model
    }

    #[test]
    fn the_outcome_is_journaled_and_shown() {
        let mut model = model();
        let results = vec!["production/checkout patched".to_owned()];
        let outcome = |model: &mut Model, step: Option<&str>, ok: bool, dry_run: bool| Msg::Done {
            request: model.start_request("deploy".to_owned(), 1),
            result: crate::app::requests::TaskResult::Deploy(
                crate::domain::rollout::DeployOutcome {
                    ok,
                    results: results.clone(),
                    step: step.map(str::to_owned),
                    dry_run,
                },
            ),
        };
        let msg = outcome(&mut model, None, true, false);
        let effects = update(&mut model, msg);
        let finished = |ok: bool| {
            Effect::Record(Event::DeployFinished {
                ok,
                results: results.clone(),
            })
        };
        assert_eq!(effects, vec![finished(true)]);
        assert_eq!(
            model.notice.as_deref(),
            Some("deploy sent: production/checkout patched")
        );
        // A playbook step is completed by a real deploy that went through,
        // never by a dry run or a failure.
        let step = Some("deploy-production");
        let completed = Effect::Record(Event::StepCompleted {
            step: "deploy-production".to_owned(),
        });
        assert_eq!(
            {
                let msg = outcome(&mut model, step, true, false);
                update(&mut model, msg)
            },
            vec![finished(true), completed]
        );
        assert_eq!(
            {
                let msg = outcome(&mut model, step, true, true);
                update(&mut model, msg)
            },
            vec![finished(true)]
        );
        assert_eq!(
            {
                let msg = outcome(&mut model, step, false, false);
                update(&mut model, msg)
            },
            vec![finished(false)]
        );
    }

    #[test]
    fn space_on_a_deploy_step_plans_a_deploy_to_the_targets_of_its_environment() {
        use crate::app::panes::rollout::{RolloutState, TargetSpec};
        use crate::domain::rollout::RolloutUpdate;
        let mut model = model();
        // Without the override: production waits for go/no-go.
        model.release = sample_model_with_release().release;
        let mut staging = model.rollout.targets[0].units[3].clone();
        staging.namespace = "staging".to_owned();
        let mut rollout =
            RolloutState::new([TargetSpec::named("shop"), TargetSpec::named("stage")]);
        let shop = model.rollout.targets[0].units.clone();
        for (target, units) in [("shop", shop), ("stage", vec![staging])] {
            rollout.apply(
                RolloutUpdate::Snapshot {
                    target: target.to_owned(),
                    units,
                },
                model.clock.now,
            );
        }
        model.rollout = rollout;
        model.focus = Pane::Checklist;
        let now = model.clock.now;

        // Production waits for go/no-go (the approvals are not in).
        model
            .release
            .as_mut()
            .unwrap()
            .select_step("deploy-production", now);
        key(&mut model, "space");
        assert!(model.overlay.is_none());
        let notice = model.notice.clone().unwrap_or_default();
        assert!(notice.contains("go/no-go"), "{notice}");

        // Staging deploys to the targets serving `staging`, for that step.
        model
            .release
            .as_mut()
            .unwrap()
            .select_step("deploy-staging", now);
        assert!(
            key(&mut model, "space").is_empty(),
            "nothing runs before `y`"
        );
        let Some(Overlay::Confirm(Confirm {
            action: Action::Deploy(plan),
            ..
        })) = &model.overlay
        else {
            panic!("no confirmation: {:?} {:?}", model.overlay, model.notice);
        };
        assert_eq!(plan.step.as_deref(), Some("deploy-staging"));
        let namespaces: Vec<&str> = plan.items.iter().map(|i| i.namespace.as_str()).collect();
        assert_eq!(namespaces, ["staging"]);
    }

    #[test]
    fn j_and_k_move_through_every_targets_rows() {
        let mut model = model();
        for _ in 0..10 {
            key(&mut model, "j");
        }
        assert_eq!(model.rollout.selected, 4, "four live rows and one stale");
        key(&mut model, "k");
        assert_eq!(
            model.rollout.selected_row().map(|(_, d)| d.name.as_str()),
            Some("web")
        );
    }
}

mod deploy_steps {
    use super::*;
    use crate::app::fixture::{sample_model_with_release, sample_rollout};
    use crate::app::panes::rollout::{RolloutState, TargetSpec};
    use crate::domain::rollout::{RolloutPhase, RolloutUpdate};

    /// The release with one target serving `staging`, in the given state.
    fn with_staging(phase: RolloutPhase, tag: &str, report: bool) -> Model {
        let mut model = sample_model_with_release();
        let mut d = sample_rollout(model.clock.now).targets[0].units[3].clone();
        d.namespace = "staging".into();
        d.image = format!("registry.example.com/shop/web:{tag}");
        d.phase = phase;
        model.rollout = RolloutState::new([TargetSpec::named("stage")]);
        if report {
            model.rollout.apply(
                RolloutUpdate::Snapshot {
                    target: "stage".into(),
                    units: vec![d],
                },
                model.clock.now,
            );
        }
        model.focus = Pane::Checklist;
        let now = model.clock.now;
        model
            .release
            .as_mut()
            .unwrap()
            .select_step("deploy-staging", now);
        model
    }

    fn space(model: &mut Model) -> Vec<Effect> {
        update(model, Msg::Key("space".parse().unwrap()))
    }

    #[test]
    fn a_target_that_has_not_reported_blocks_rather_than_completes() {
        let mut model = with_staging(RolloutPhase::Complete, "2.3.1", false);
        assert!(space(&mut model).is_empty());
        assert!(model.overlay.is_none());
        let notice = model.notice.clone().unwrap_or_default();
        assert!(notice.contains("no fresh data"), "{notice}");
    }

    #[test]
    fn a_step_already_rolled_out_completes_and_one_still_rolling_waits() {
        let mut model = with_staging(RolloutPhase::Complete, "2.4.0", true);
        let effects = space(&mut model);
        assert_eq!(
            effects,
            vec![Effect::Record(Event::StepCompleted {
                step: "deploy-staging".into()
            })]
        );
        let mut model = with_staging(RolloutPhase::Failed, "2.4.0", true);
        assert!(space(&mut model).is_empty());
        let notice = model.notice.clone().unwrap_or_default();
        assert!(
            notice.contains("not rolled out: staging/web (failed)"),
            "{notice}"
        );
    }
}

mod bound_results {
    use super::*;
    use crate::app::fixture::sample_model_with_release;
    use crate::app::requests::TaskResult;
    use crate::domain::events::GateOutcome;

    fn gate_result() -> TaskResult {
        TaskResult::Gate {
            step: "code-quality".into(),
            outcome: GateOutcome {
                passed: true,
                summary: "exit 0".into(),
                output: String::new(),
                duration_ms: 5,
                released: Vec::new(),
            },
        }
    }

    /// The sample release, with another release (the same playbook, another
    /// id) opened in its place.
    fn other_release(model: &mut Model) {
        let mut other = sample_model_with_release().release.unwrap();
        other.checklist.release.id = "minor-2.5.0-20261208T1800Z".into();
        model.release = Some(other);
    }

    #[test]
    fn a_result_for_another_release_is_journaled_there_and_not_folded_in_here() {
        let mut model = sample_model_with_release();
        let asked_by = model.release_id().unwrap().to_owned();
        let request = model.start_request("gate `code-quality`".into(), 1);
        other_release(&mut model);
        let before = model.release.clone();
        let effects = update(
            &mut model,
            Msg::Done {
                request,
                result: gate_result(),
            },
        );
        let [Effect::RecordInto { release, event }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(*release, asked_by);
        assert!(matches!(event, Event::GateFinished { .. }));
        assert_eq!(model.release, before, "the open release is untouched");
        assert!(
            model
                .notice
                .as_deref()
                .unwrap_or_default()
                .contains("recorded in minor-2.4.0")
        );
    }

    #[test]
    fn a_result_nobody_waits_for_is_dropped() {
        let mut model = sample_model_with_release();
        let request = model.start_request("gate `code-quality`".into(), 1);
        let msg = || Msg::Done {
            request: request.clone(),
            result: gate_result(),
        };
        assert_eq!(update(&mut model, msg()).len(), 1);
        assert!(
            update(&mut model, msg()).is_empty(),
            "a second report is ignored"
        );
    }

    #[test]
    fn every_path_that_opens_a_release_is_refused_while_a_request_runs() {
        let mut model = sample_model_with_release();
        // The palette's switch and new release.
        let _request = model.start_request("deploy of 2.4.0 to 3 Deployment(s)".into(), 1);
        for command in [Command::SwitchRelease, Command::NewRelease] {
            assert!(run_command(&mut model, command).is_empty());
            assert!(model.overlay.is_none(), "{command:?} opened its prompt");
            assert!(
                model
                    .notice
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("deploy of 2.4.0 to 3 Deployment(s) running for this release"),
                "{:?}",
                model.notice
            );
        }
        // A prompt opened before the deploy started, submitted now.
        model.overlay = Some(Overlay::Prompt(Prompt {
            purpose: PromptPurpose::SwitchRelease,
            text: "patch-1.0.1-20261201T1000Z".into(),
        }));
        let effects = press(&mut model, "enter");
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::OpenRelease { .. })),
            "{effects:?}"
        );
        // The calendar's Enter on a known release, and starting one.
        let new = crate::domain::release::NewRelease::parse(
            "patch 1.0.1 2026-12-01 10:00 UTC",
            chrono_tz::UTC,
        )
        .unwrap();
        let through = guard_release_switch(
            &mut model,
            vec![
                Effect::OpenRelease {
                    id: "x".into(),
                    viewing: false,
                },
                Effect::StartRelease(Box::new(new)),
                Effect::Bell,
            ],
        );
        assert_eq!(through, vec![Effect::Bell]);
    }

    #[test]
    fn quitting_asks_while_a_deploy_or_rollback_runs_not_only_a_gate() {
        let mut model = sample_model_with_release();
        let _request = model.start_request("rollback of 2 Deployment(s)".into(), 2);
        assert!(press(&mut model, "q").is_empty());
        assert_eq!(
            model.overlay,
            Some(Overlay::Confirm(Confirm::new(Action::Quit)))
        );
        assert_eq!(model.running_actions(), ["rollback of 2 Deployment(s)"]);
    }
}

mod writer_gone {
    use super::*;
    use crate::app::fixture::sample_model_with_release;

    #[test]
    fn a_follower_takes_over_and_a_read_only_one_says_so() {
        let mut model = sample_model_with_release();
        model.operator.following = Some("host/4242".into());
        let id = model.release_id().unwrap().to_owned();
        assert_eq!(
            update(&mut model, Msg::WriterGone),
            vec![Effect::TakeOver { id }]
        );
        assert!(
            model
                .notice
                .as_deref()
                .unwrap_or_default()
                .contains("taking over")
        );

        let mut model = sample_model_with_release();
        model.operator.following = Some("host/4242".into());
        model.operator.read_only = true;
        assert!(update(&mut model, Msg::WriterGone).is_empty());
        assert_eq!(
            model.operator.following.as_deref(),
            Some("host/4242 (gone)")
        );

        let mut model = sample_model_with_release();
        assert!(
            update(&mut model, Msg::WriterGone).is_empty(),
            "a writer ignores it"
        );
    }
}

mod share {
    use super::*;
    use crate::app::fixture::sample_model_with_release;
    use crate::domain::share::{LeaseNews, MirrorState};

    #[test]
    fn a_lost_lease_stops_writing_at_once_and_follows_whoever_holds_it() {
        let mut model = sample_model_with_release();
        let behind = MirrorState {
            behind: 3,
            problem: Some("connection refused".into()),
            fenced: false,
        };
        assert!(update(&mut model, Msg::Share(LeaseNews::Mirror(behind.clone()))).is_empty());
        assert_eq!(model.mirror, Some(behind));
        assert!(!model.operator.is_read_only());

        let effects = update(
            &mut model,
            Msg::Share(LeaseNews::Lost {
                by: Some("bob@desk/7".into()),
                why: "bob@desk/7 holds the release's Lease now".into(),
            }),
        );
        assert_eq!(effects, vec![Effect::StopWriting]);
        assert!(model.operator.is_read_only());
        assert_eq!(model.operator.following.as_deref(), Some("bob@desk/7"));
        assert!(
            model
                .notice
                .as_deref()
                .unwrap_or_default()
                .starts_with("stopped writing"),
            "{:?}",
            model.notice
        );

        // A mirror written by another is as good as a lost Lease.
        let mut model = sample_model_with_release();
        let fenced = MirrorState {
            behind: 1,
            problem: Some("written by another cockpit".into()),
            fenced: true,
        };
        assert_eq!(
            update(&mut model, Msg::Share(LeaseNews::Mirror(fenced))),
            vec![Effect::StopWriting]
        );
        assert!(model.operator.is_read_only());
    }
}

mod viewing {
    use super::*;
    use crate::app::fixture::sample_model_with_release;

    #[test]
    fn a_release_opened_to_look_back_at_is_read_only_until_opened_to_write() {
        let mut model = sample_model_with_release();
        let checklist = model.release.as_ref().unwrap().checklist.clone();
        let id = checklist.release.id.clone();
        update(
            &mut model,
            Msg::ReleaseOpened {
                checklist: Box::new(checklist.clone()),
                following: None,
                viewing: true,
            },
        );
        assert!(model.operator.is_read_only());
        assert!(
            model
                .notice
                .as_deref()
                .unwrap_or_default()
                .contains(&format!("`:release-switch {id}` writes it")),
            "{:?}",
            model.notice
        );
        model.focus = crate::app::Pane::Checklist;
        let effects = press(&mut model, "space");
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Record(_))),
            "nothing is journaled: {effects:?}"
        );
        update(
            &mut model,
            Msg::ReleaseOpened {
                checklist: Box::new(checklist),
                following: None,
                viewing: false,
            },
        );
        assert!(!model.operator.is_read_only());
        assert!(
            update(&mut model, Msg::WriterGone).is_empty(),
            "no writer to take over from"
        );
    }
}

mod dialog_keys {
    use super::*;
    use crate::app::dialogs::rollback_wizard::Stage;
    use crate::app::dialogs::scrolling::ScrollFrom;
    use crate::app::fixture::{sample_model_with_release, sample_rollout};
    use crate::app::keys::keymap::{Binding, Keymap};

    fn remapped(model: &mut Model, bindings: &[(&str, &[&str])]) {
        let bindings: Vec<Binding<()>> = bindings
            .iter()
            .map(|(command, keys)| Binding {
                command: (*command).to_owned(),
                keys: keys.iter().map(|k| ((*k).to_owned(), ())).collect(),
                origin: (),
            })
            .collect();
        model.keymap = Keymap::with_overrides(&bindings).expect("valid remap");
    }

    #[test]
    fn a_remapped_scroll_key_works_in_the_help_the_details_and_the_wizard() {
        let mut model = sample_model_with_release();
        model.rollout = sample_rollout(model.clock.now);
        remapped(
            &mut model,
            &[("scroll-down", &["n"]), ("scroll-up", &["e"])],
        );

        press(&mut model, "?");
        press(&mut model, "j");
        assert_eq!(
            model.overlay,
            Some(Overlay::Help { scroll: 0 }),
            "j is free now"
        );
        press(&mut model, "n");
        press(&mut model, "n");
        press(&mut model, "e");
        assert_eq!(model.overlay, Some(Overlay::Help { scroll: 1 }));
        press(&mut model, "esc");

        // The Checklist keeps its own keys; the details scroll with the dialogs'.
        let now = model.clock.now;
        if let Some(view) = model.release.as_mut() {
            view.select_step("deploy-production", now);
        }
        press(&mut model, "enter");
        assert!(
            matches!(model.overlay, Some(Overlay::Details { .. })),
            "{:?}",
            model.overlay
        );
        press(&mut model, "n");
        press(&mut model, "j");
        assert!(
            matches!(
                model.overlay,
                Some(Overlay::Details {
                    scroll: ScrollFrom::Top(1),
                    ..
                })
            ),
            "{:?}",
            model.overlay
        );
        press(&mut model, "G");
        press(&mut model, "e");
        assert!(matches!(
            model.overlay,
            Some(Overlay::Details {
                scroll: ScrollFrom::End(1),
                ..
            })
        ));
        press(&mut model, "q");
        assert_eq!(model.overlay, None);

        press(&mut model, "R");
        press(&mut model, "enter");
        let cursor = |model: &Model| model.rollback.as_ref().map(|w| (w.stage, w.cursor));
        assert_eq!(cursor(&model), Some((Stage::Scope, 0)));
        press(&mut model, "j");
        assert_eq!(cursor(&model), Some((Stage::Scope, 0)), "j is free now");
        press(&mut model, "n");
        assert_eq!(cursor(&model), Some((Stage::Scope, 1)));
        press(&mut model, "G");
        let last = model.rollback.as_ref().map_or(0, |w| w.choices.len() - 1);
        assert_eq!(cursor(&model), Some((Stage::Scope, last)));
        press(&mut model, "g");
        assert_eq!(cursor(&model), Some((Stage::Scope, 0)));
    }

    #[test]
    fn a_remapped_scroll_key_works_in_the_notice_log() {
        use crate::app::dialogs::notices::NoticeLevel;
        let mut model = sample_model_with_release();
        let now = model.clock.now;
        for text in ["first", "second", "third"] {
            model.notices.push(now, NoticeLevel::Info, text.to_owned());
        }
        remapped(
            &mut model,
            &[("scroll-down", &["n"]), ("notices-close", &["x"])],
        );
        model.overlay = Some(Overlay::Notices { scroll: 0 });
        press(&mut model, "j");
        assert_eq!(
            model.overlay,
            Some(Overlay::Notices { scroll: 0 }),
            "j is free now"
        );
        press(&mut model, "n");
        assert_eq!(model.overlay, Some(Overlay::Notices { scroll: 1 }));
        press(&mut model, "G");
        assert_eq!(model.overlay, Some(Overlay::Notices { scroll: 2 }));
        press(&mut model, "esc");
        assert_eq!(
            model.overlay,
            Some(Overlay::Notices { scroll: 2 }),
            "esc is free now"
        );
        press(&mut model, "x");
        assert_eq!(model.overlay, None);
    }

    #[test]
    fn a_remapped_yes_confirms_and_the_old_key_cancels() {
        let mut model = running_model();
        remapped(&mut model, &[("confirm-yes", &["o"])]);
        press(&mut model, "q");
        assert!(press(&mut model, "y").is_empty());
        assert_eq!(model.notice.as_deref(), Some("quit cancelled"));
        press(&mut model, "q");
        assert_eq!(press(&mut model, "o"), vec![Effect::Quit { code: 0 }]);
    }

    #[test]
    fn g_and_shift_g_go_to_the_ends_of_every_list() {
        let mut model = sample_model_with_release();
        model.rollout = sample_rollout(model.clock.now);
        model.health = crate::app::fixture::sample_health(model.clock.now, 60);
        let now = model.clock.now;
        let rows = model.release.as_ref().map_or(0, |v| v.rows(now).len());
        press(&mut model, "G");
        assert_eq!(model.release.as_ref().map(|v| v.selected), Some(rows - 1));
        press(&mut model, "g");
        assert_eq!(model.release.as_ref().map(|v| v.selected), Some(0));

        press(&mut model, "3");
        press(&mut model, "G");
        assert_eq!(model.rollout.selected, model.rollout.len() - 1);
        press(&mut model, "home");
        assert_eq!(model.rollout.selected, 0);

        press(&mut model, "4");
        press(&mut model, "end");
        assert_eq!(model.health.selected, model.health.signals.len() - 1);

        // The history scrolls; any key it does not use closes it, as before.
        press(&mut model, "3");
        press(&mut model, "j");
        press(&mut model, "enter");
        press(&mut model, "G");
        assert!(matches!(
            model.overlay,
            Some(Overlay::History {
                scroll: ScrollFrom::End(0),
                ..
            })
        ));
        press(&mut model, "x");
        assert_eq!(model.overlay, None);

        // The palette's results: home and end (g and G are typed).
        press(&mut model, ":");
        press(&mut model, "end");
        let Some(Overlay::Palette(palette)) = &model.overlay else {
            panic!("palette")
        };
        assert_eq!(palette.selected, palette.matches().len() - 1);
        press(&mut model, "G");
        assert!(matches!(&model.overlay, Some(Overlay::Palette(p)) if p.query == "G"));
    }

    #[test]
    fn a_dialogs_command_chosen_in_the_palette_says_where_it_works() {
        let mut model = sample_model_with_release();
        assert!(run_command(&mut model, Command::ConfirmYes).is_empty());
        assert!(
            model
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("`confirm-yes` is a key of a dialog")),
            "{:?}",
            model.notice
        );
    }
}
