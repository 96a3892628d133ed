use chrono::Duration;

use super::*;
use crate::app::fixture::{sample_health, sample_model_with_release};
use crate::app::requests::TaskResult;
use crate::app::{Key, Msg, update};
use crate::domain::incident::{FollowUpRule, IncidentSettings};
use crate::domain::severity_scale::{SeverityName, SeverityScale};

/// A team on Render: its own words, a report due in an hour, two follow-ups.
fn team_settings() -> IncidentSettings {
    let name = |name: &str, level| SeverityName {
        name: name.into(),
        level,
        covers: None,
    };
    IncidentSettings {
        report: Duration::hours(1),
        follow_ups: vec![
            FollowUpRule {
                title: "Root cause analysis".into(),
                due: Duration::hours(24),
            },
            FollowUpRule {
                title: "Regression test added".into(),
                due: Duration::weeks(1),
            },
        ],
        severities: SeverityScale::new(vec![
            name("critical", Severity::P0),
            name("high", Severity::P1),
            name("medium", Severity::P2),
            name("low", Severity::P2),
        ])
        .unwrap_or_else(|e| panic!("{e}")),
    }
}

fn model() -> Model {
    let mut model = sample_model_with_release();
    model.incident_settings = team_settings();
    model
}

fn press(model: &mut Model, keys: &str) -> Vec<Effect> {
    keys.split_whitespace()
        .flat_map(|k| {
            let key: Key = k.parse().unwrap_or_else(|e| panic!("{k}: {e}"));
            update(model, Msg::Key(key))
        })
        .collect()
}

fn typed(model: &mut Model, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(model, Msg::Key(Key::char(c))))
        .collect()
}

fn record(model: &mut Model, effect: &Effect) -> Vec<Effect> {
    let Effect::Record(event) = effect else {
        panic!("not a journal line: {effect:?}")
    };
    let seq = model.release.as_ref().map_or(0, |r| r.checklist.last_seq) + 1;
    let recorded = Recorded {
        seq,
        at: model.clock.now,
        operator: "alice".into(),
        event: event.clone(),
    };
    update(model, Msg::Recorded(recorded))
}

/// `:incident` from the palette, as an operator types it.
fn open_form(model: &mut Model) {
    press(model, ":");
    typed(model, "incident");
    press(model, "enter");
    assert!(
        matches!(model.overlay, Some(Overlay::Incident(_))),
        "{:?} ({:?})",
        model.overlay,
        model.notice
    );
}

/// The form filled in (one up from the suggested `high`: `critical`), up to
/// the confirmation.
fn declare_up_to_confirm(model: &mut Model) {
    open_form(model);
    press(model, "up");
    typed(model, "checkout 500s for EU cards");
    assert!(press(model, "enter").is_empty(), "nothing journaled yet");
    assert!(
        matches!(
            model.overlay,
            Some(Overlay::Confirm(Confirm {
                action: Action::DeclareIncident(_),
                ..
            }))
        ),
        "{:?}",
        model.overlay
    );
}

#[test]
fn a_declared_incident_is_journaled_then_reported_then_followed_up() {
    let mut model = model();
    declare_up_to_confirm(&mut model);
    let effects = press(&mut model, "y");
    let [Effect::Record(declared)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        *declared,
        Event::IncidentDeclared {
            severity: Severity::P0,
            severity_name: Some("critical".into()),
            reason: "checkout 500s for EU cards".into(),
            trigger: None,
        }
    );
    // The report is asked for only once the line is durable.
    let at = model.clock.now;
    let write = record(&mut model, &effects[0]);
    let [Effect::WriteIncident { request, draft }] = write.as_slice() else {
        panic!("{write:?}");
    };
    assert!(!draft.rolled_back);
    assert!(draft.items.is_empty());
    assert_eq!(draft.severity_label(), "critical (P0)");
    assert_eq!(draft.report_due, at + Duration::hours(1));
    let due: Vec<(&str, Duration)> = draft
        .follow_ups
        .iter()
        .map(|f| (f.title.as_str(), f.due - at))
        .collect();
    assert_eq!(
        due,
        [
            ("Root cause analysis", Duration::hours(24)),
            ("Regression test added", Duration::weeks(1))
        ]
    );
    let written = update(
        &mut model,
        Msg::Done {
            request: request.clone(),
            result: TaskResult::Incident(Ok(IncidentWritten {
                path: "/s/incidents/INCIDENT-0003.md".into(),
                notice: "notice".into(),
                rolled_back: false,
                report_due: draft.report_due,
                follow_ups: draft.follow_ups.clone(),
            })),
        },
    );
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("INCIDENT-0003.md")),
        "{:?}",
        model.notice
    );
    assert_eq!(written.len(), 4, "{written:?}");
    for effect in &written {
        record(&mut model, effect);
    }
    let checklist = &model
        .release
        .as_ref()
        .unwrap_or_else(|| panic!("release"))
        .checklist;
    let declared = checklist
        .declared
        .as_ref()
        .unwrap_or_else(|| panic!("no declared incident"));
    assert_eq!(
        declared.report.as_deref(),
        Some("/s/incidents/INCIDENT-0003.md")
    );
    assert!(checklist.rollback.is_none(), "no rollback was recorded");
    let step = |id: &str| {
        let step = checklist
            .playbook
            .step(id)
            .unwrap_or_else(|| panic!("no step {id}"));
        (step.title.as_str(), checklist.due_at(step).map(|d| d - at))
    };
    assert_eq!(
        step("incident-report"),
        ("Incident report of INCIDENT-0003", Some(Duration::hours(1)))
    );
    assert_eq!(
        step("root-cause-analysis"),
        (
            "Root cause analysis of INCIDENT-0003",
            Some(Duration::hours(24))
        )
    );
    assert_eq!(step("regression-test-added").1, Some(Duration::weeks(1)));
    // What the status bar shows: the report, due first.
    let (next, due) = checklist
        .next_follow_up(at)
        .unwrap_or_else(|| panic!("no follow-up"));
    assert_eq!(
        (next.id.as_str(), due - at),
        ("incident-report", Duration::hours(1))
    );
}

#[test]
fn the_confirmation_defaults_to_cancel() {
    for key in ["enter", "n", "esc", "q"] {
        let mut model = model();
        declare_up_to_confirm(&mut model);
        assert!(press(&mut model, key).is_empty(), "{key}");
        assert_eq!(model.overlay, None, "{key}");
        assert_eq!(model.notice.as_deref(), Some("incident not declared"));
    }
}

#[test]
fn read_only_and_followers_may_not_declare() {
    let mut model = model();
    model.operator.read_only = true;
    press(&mut model, ":");
    typed(&mut model, "incident");
    assert!(press(&mut model, "enter").is_empty());
    assert_eq!(model.overlay, None);
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("read-only")),
        "{:?}",
        model.notice
    );
    // Turned follower while the question was open: the answer is checked again.
    let mut model = self::model();
    declare_up_to_confirm(&mut model);
    model.operator.following = Some("bob@host".into());
    assert!(press(&mut model, "y").is_empty());
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("read-only")),
        "{:?}",
        model.notice
    );
}

#[test]
fn no_release_or_a_rollback_under_way_declares_nothing() {
    let mut model = crate::app::fixture::sample_model();
    assert!(open(&mut model).is_empty());
    assert_eq!(model.overlay, None);
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("no release"))
    );
    let mut model = self::model();
    record(
        &mut model,
        &Effect::Record(Event::RollbackStarted {
            severity: Severity::P1,
            reason: "x".into(),
            items: Vec::new(),
            automatic: false,
        }),
    );
    assert!(open(&mut model).is_empty());
    assert_eq!(model.overlay, None);
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("rollback is under way")),
        "{:?}",
        model.notice
    );
}

#[test]
fn a_firing_trigger_suggests_the_severity_and_is_named() {
    let mut model = model();
    model.health = sample_health(model.clock.now, 120);
    open_form(&mut model);
    let Some(Overlay::Incident(form)) = &model.overlay else {
        panic!("no form");
    };
    let trigger = form.trigger.clone().unwrap_or_else(|| panic!("no trigger"));
    // The sample's firing rule is a level, not a health check: P1, `high`.
    assert_eq!(
        model.incident_settings.severities.get(form.rank).name,
        "high"
    );
    assert!(form.reason.contains(&trigger), "{form:?}");
    press(&mut model, "enter");
    let effects = press(&mut model, "y");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Record(Event::IncidentDeclared { severity: Severity::P1, severity_name: Some(name), trigger: Some(t), .. })]
                if name == "high" && *t == trigger
        ),
        "{effects:?}"
    );
}

#[test]
fn a_report_that_cannot_be_written_says_so() {
    let mut model = model();
    let effects = written(&mut model, Err(IncidentError::NoDirectory));
    assert!(effects.is_empty());
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("could not be written")),
        "{:?}",
        model.notice
    );
}

#[test]
fn the_wizard_assesses_in_the_teams_words() {
    let mut model = model();
    model.rollout = crate::app::panes::rollout::RolloutState::new([
        crate::app::panes::rollout::TargetSpec::named("shop"),
    ]);
    update(
        &mut model,
        Msg::Rollout(crate::domain::rollout::RolloutUpdate::Snapshot {
            target: "shop".into(),
            units: vec![crate::domain::rollout::Unit {
                kind: crate::domain::rollout::UnitKind::Deployment,
                version: "2.4.0".into(),
                namespace: "production".into(),
                name: "checkout".into(),
                container: "checkout".into(),
                image: "shop/checkout:2.4.0".into(),
                previous_image: None,
                revision: 2,
                desired: 1,
                updated: 1,
                ready: 1,
                available: 1,
                total: 1,
                phase: crate::domain::rollout::RolloutPhase::Complete,
                message: String::new(),
                last_update: None,
                history: Vec::new(),
            }],
        }),
    );
    press(&mut model, "R");
    let wizard = model
        .rollback
        .as_ref()
        .unwrap_or_else(|| panic!("no wizard: {:?}", model.notice));
    assert_eq!(wizard.severity_entry().name, "high");
    // Down twice: `medium` then `low`, both P2 (fix forward).
    let effects = press(&mut model, "down down enter");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Record(Event::SeverityAssessed { severity: Severity::P2, severity_name: Some(name), .. })]
                if name == "low"
        ),
        "{effects:?}"
    );
}

#[test]
fn a_declaration_left_without_its_report_is_said_at_start_up() {
    let mut model = model();
    record(
        &mut model,
        &Effect::Record(Event::IncidentDeclared {
            severity: Severity::P0,
            severity_name: Some("critical".into()),
            reason: "x".into(),
            trigger: None,
        }),
    );
    let checklist = || {
        &model
            .release
            .as_ref()
            .unwrap_or_else(|| panic!("release"))
            .checklist
    };
    let said = unreported(checklist(), chrono_tz::UTC).unwrap_or_default();
    assert!(
        said.contains("declared by alice at 2026-11-21 16:40 UTC (critical (P0)) has no report"),
        "{said}"
    );
    let mut model = model;
    record(
        &mut model,
        &Effect::Record(Event::IncidentWritten {
            path: "/s/INCIDENT-0001.md".into(),
        }),
    );
    let checklist = &model
        .release
        .as_ref()
        .unwrap_or_else(|| panic!("release"))
        .checklist;
    assert_eq!(unreported(checklist, chrono_tz::UTC), None);
}
