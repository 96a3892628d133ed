use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::app::fixture::sample_model;
use crate::app::panes::calendar::KnownRelease;
use crate::app::{Msg, update};
use crate::domain::events::Recorded;

fn press(model: &mut Model, keys: &[&str]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(model, Msg::Key(k.parse::<crate::app::Key>().unwrap())))
        .collect()
}

fn type_text(model: &mut Model, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(model, Msg::Key(crate::app::Key::char(c))))
        .collect()
}

/// The sample's clock is Sat 21 Nov 2026; modules releases Tue 24 Nov 18:00 UTC.
fn on_modules_tuesday() -> Model {
    let mut model = sample_model();
    press(&mut model, &["1", "right", "right", "right"]);
    assert_eq!(
        model.calendar.selected,
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    );
    model
}

fn durable(model: &mut Model, effects: Vec<Effect>) {
    for (n, effect) in effects.into_iter().enumerate() {
        let Effect::RecordCalendar(event) = effect else {
            panic!("expected a calendar record, got {effect:?}");
        };
        let recorded = Recorded {
            seq: model.calendar.calendar.changes.last_seq() + 1 + n as u64,
            at: model.clock.now,
            operator: model.operator.name.clone(),
            event,
        };
        update(model, Msg::CalendarRecorded(recorded));
    }
}

#[test]
fn months_and_days_move_and_today_comes_back() {
    let mut model = sample_model();
    press(&mut model, &["1", "l", "l", "]"]);
    assert_eq!(
        model.calendar.month,
        NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()
    );
    press(&mut model, &["h", "["]);
    assert_eq!(
        model.calendar.selected,
        NaiveDate::from_ymd_opt(2026, 12, 21).unwrap()
    );
    press(&mut model, &["j", "k", "k"]);
    assert_eq!(
        model.calendar.selected,
        NaiveDate::from_ymd_opt(2026, 12, 14).unwrap()
    );
    press(&mut model, &["t"]);
    assert_eq!(
        model.calendar.selected,
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    );
    assert_eq!(
        model.calendar.month,
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    );
}

#[test]
fn postponing_asks_where_and_why_and_shows_once_durable() {
    let mut model = on_modules_tuesday();
    assert!(press(&mut model, &["p"]).is_empty());
    let Some(Overlay::Prompt(prompt)) = &model.overlay else {
        panic!("a prompt");
    };
    assert!(
        prompt
            .purpose
            .title()
            .contains("modules Tue 24 Nov 10:00 PST"),
        "{}",
        prompt.purpose.title()
    );
    type_text(&mut model, "+1w");
    assert!(
        press(&mut model, &["enter"]).is_empty(),
        "no reason, no record"
    );
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("reason is required"))
    );
    type_text(&mut model, " critical bug in staging");
    let effects = press(&mut model, &["enter"]);
    let scheduled = Utc.with_ymd_and_hms(2026, 11, 24, 18, 0, 0).unwrap();
    assert_eq!(
        effects,
        vec![Effect::RecordCalendar(Event::OccurrencePostponed {
            train: "modules".into(),
            scheduled,
            to: Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap(),
            reason: "critical bug in staging".into(),
        })]
    );
    assert!(
        model.calendar.picked().is_some(),
        "nothing moves before it is durable"
    );
    durable(&mut model, effects);
    assert!(model.calendar.picked().is_none(), "moved off the 24th");
    press(
        &mut model,
        &[
            "right", "right", "right", "right", "right", "right", "right",
        ],
    );
    let moved = model.calendar.day_releases();
    assert!(
        moved
            .iter()
            .any(|(_, o)| o.train == "modules" && o.scheduled == scheduled)
    );

    // Restore puts it back where the rule says.
    let modules = moved
        .iter()
        .position(|(_, o)| o.train == "modules")
        .unwrap();
    model.calendar.pick = modules;
    let effects = press(&mut model, &["u"]);
    durable(&mut model, effects);
    press(&mut model, &["t", "right", "right", "right"]);
    assert_eq!(model.calendar.picked().map(|o| o.t0), Some(scheduled));
}

#[test]
fn skipping_needs_a_reason_and_a_skipped_release_cannot_be_started() {
    let mut model = on_modules_tuesday();
    press(&mut model, &["s"]);
    let effects = type_text(&mut model, "nothing merged");
    assert!(effects.is_empty());
    let effects = press(&mut model, &["enter"]);
    durable(&mut model, effects);
    assert!(model.calendar.picked().is_some_and(Occurrence::is_skipped));
    assert!(press(&mut model, &["enter"]).is_empty());
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("restore it first")),
        "{:?}",
        model.notice
    );
}

#[test]
fn enter_starts_a_release_with_the_suggested_version_or_opens_an_existing_one() {
    let mut model = on_modules_tuesday();
    model.calendar.releases.push(KnownRelease {
        id: "modules-2.3.0-20261110".into(),
        name: "modules".into(),
        t0: Utc.with_ymd_and_hms(2026, 11, 10, 18, 0, 0).unwrap(),
        version: semver::Version::new(2, 3, 0),
    });
    press(&mut model, &["enter"]);
    let Some(Overlay::Prompt(prompt)) = &model.overlay else {
        panic!("a version prompt");
    };
    assert_eq!(prompt.text, "2.4.0", "the next minor after 2.3.0");
    let effects = press(&mut model, &["enter"]);
    let [Effect::StartRelease(new)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(new.name.as_deref(), Some("modules"));
    assert_eq!(new.zone, chrono_tz::America::Los_Angeles);
    assert_eq!(
        new.t0,
        Utc.with_ymd_and_hms(2026, 11, 24, 18, 0, 0).unwrap()
    );

    // Once it exists, Enter opens it.
    model.calendar.releases.push(KnownRelease {
        id: "modules-2.4.0-20261124".into(),
        name: "modules".into(),
        t0: new.t0,
        version: new.version.clone(),
    });
    assert_eq!(
        press(&mut model, &["enter"]),
        vec![Effect::OpenRelease {
            id: "modules-2.4.0-20261124".into(),
            viewing: false
        }]
    );
}

#[test]
fn read_only_refuses_calendar_changes_but_not_looking() {
    let mut model = on_modules_tuesday();
    model.operator.read_only = true;
    for key in ["p", "s", "enter"] {
        assert!(press(&mut model, &[key]).is_empty());
        assert!(model.overlay.is_none(), "{key}");
        assert!(
            model
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("read-only")),
            "{key}"
        );
    }
    press(&mut model, &["l"]);
    assert_eq!(
        model.calendar.month,
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    );
}

#[test]
fn a_day_without_a_release_says_so() {
    let mut model = sample_model();
    press(&mut model, &["1", "p"]);
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("no release on the selected day"))
    );
}

#[test]
fn refusals_and_unusable_answers_read_as_the_operator_is_told_them() {
    let lines = [
        (
            Refusal::ReadOnly(Action::Postpone).to_string(),
            "read-only: postponing is refused",
        ),
        (
            Refusal::ReadOnly(Action::Start).to_string(),
            "read-only: starting a release is refused",
        ),
        (
            Refusal::Skipped {
                label: "modules Tue 8 Dec 10:00 PST".into(),
            }
            .to_string(),
            "modules Tue 8 Dec 10:00 PST is skipped: restore it first (u)",
        ),
        (
            SubmitError::Gone {
                train: "modules".into(),
            }
            .to_string(),
            "train modules no longer has that release (was the config changed?)",
        ),
        (
            SubmitError::NoTrain {
                train: "modules".into(),
            }
            .to_string(),
            "no train named modules",
        ),
    ];
    for (text, line) in lines {
        assert_eq!(text, line);
    }
    assert!(
        !Action::Restore.needs_it_scheduled(),
        "a skipped release is restored, not refused"
    );
}
