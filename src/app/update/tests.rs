use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::app::fixture::{sample_model, sample_model_with_release};

/// A model with a release whose gate this process is running.
fn running_model() -> Model {
    let mut model = sample_model_with_release();
    if let Some(view) = model.release.as_mut() {
        view.live_gates.insert("code-quality".into());
    }
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
    assert_eq!(model.overlay, Some(Overlay::ConfirmQuit));
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
    assert_eq!(model.overlay, Some(Overlay::ConfirmQuit));
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
        let Some(Overlay::ConfirmDeploy(plan)) = &model.overlay else {
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
        let [Effect::Deploy(plan)] = effects.as_slice() else {
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
        model.session.read_only = true;
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
        let outcome = |step: Option<&str>, ok: bool, dry_run: bool| {
            Msg::DeployDone(crate::app::deploy_actions::DeployOutcome {
                ok,
                results: results.clone(),
                step: step.map(str::to_owned),
                dry_run,
            })
        };
        let effects = update(&mut model, outcome(None, true, false));
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
            update(&mut model, outcome(step, true, false)),
            vec![finished(true), completed]
        );
        assert_eq!(
            update(&mut model, outcome(step, true, true)),
            vec![finished(true)]
        );
        assert_eq!(
            update(&mut model, outcome(step, false, false)),
            vec![finished(false)]
        );
    }

    #[test]
    fn space_on_a_deploy_step_plans_a_deploy_to_the_targets_of_its_environment() {
        use crate::app::rollout_view::{RolloutView, TargetSpec};
        use crate::domain::rollout::RolloutUpdate;
        let mut model = model();
        // Without the override: production waits for go/no-go.
        model.release = sample_model_with_release().release;
        let mut staging = model.rollout.targets[0].deployments[3].clone();
        staging.namespace = "staging".to_owned();
        let mut rollout = RolloutView::new([TargetSpec::named("shop"), TargetSpec::named("stage")]);
        let shop = model.rollout.targets[0].deployments.clone();
        for (target, deployments) in [("shop", shop), ("stage", vec![staging])] {
            rollout.apply(
                RolloutUpdate::Snapshot {
                    target: target.to_owned(),
                    deployments,
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
        let Some(Overlay::ConfirmDeploy(plan)) = &model.overlay else {
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
    use crate::app::rollout_view::{RolloutView, TargetSpec};
    use crate::domain::rollout::{RolloutPhase, RolloutUpdate};

    /// The release with one target serving `staging`, in the given state.
    fn with_staging(phase: RolloutPhase, tag: &str, report: bool) -> Model {
        let mut model = sample_model_with_release();
        let mut d = sample_rollout(model.clock.now).targets[0].deployments[3].clone();
        d.namespace = "staging".into();
        d.image = format!("registry.example.com/shop/web:{tag}");
        d.phase = phase;
        model.rollout = RolloutView::new([TargetSpec::named("stage")]);
        if report {
            model.rollout.apply(
                RolloutUpdate::Snapshot {
                    target: "stage".into(),
                    deployments: vec![d],
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
