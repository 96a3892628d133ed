use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::app::fixture::sample_model_with_release;
use crate::app::replay::FASTEST;
use crate::app::{Msg, update};
use crate::domain::events::Event;

fn line(seq: u64, at: DateTime<Utc>, step: &str) -> Recorded {
    Recorded {
        seq,
        at,
        operator: "carol".into(),
        event: Event::StepCompleted { step: step.into() },
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

/// A replay of three lines: 1 minute, 2 minutes and 5 days after the start.
fn replaying(speed: u32) -> Model {
    let mut model = sample_model_with_release();
    let records = vec![
        line(2, start() + Duration::minutes(1), "announce"),
        line(3, start() + Duration::minutes(2), "code-quality"),
        line(4, start() + Duration::days(5), "code-freeze"),
    ];
    model.replay = Some(Replay::new(records, start(), speed));
    model.clock.now = start();
    model
}

fn done(model: &Model, step: &str) -> bool {
    let view = model.release.as_ref().unwrap();
    let step = view.checklist.playbook.step(step).unwrap();
    view.checklist.state(step, model.clock.now).is_finished()
}

fn press(model: &mut Model, key: &str) {
    update(model, Msg::Key(key.parse().unwrap()));
}

#[test]
fn lines_show_at_their_time_on_the_journals_clock_at_speed() {
    let mut model = replaying(60);
    let real = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
    assert_eq!(
        model.next_time_change(),
        Some(DateTime::<Utc>::UNIX_EPOCH),
        "the first tick is at once"
    );
    update(&mut model, Msg::Tick(real));
    assert_eq!(model.clock.now, start(), "the first tick sets no leap");
    assert_eq!(
        model.next_time_change(),
        Some(real + Duration::milliseconds(200)),
        "ticks are in real time"
    );
    // 1.5 real seconds at x60: 90 journal seconds.
    update(&mut model, Msg::Tick(real + Duration::milliseconds(1_500)));
    assert_eq!(model.clock.now, start() + Duration::seconds(90));
    assert!(done(&model, "announce"));
    assert!(!done(&model, "code-quality"));
    assert_eq!(model.replay.as_ref().unwrap().shown, 1);
    assert!(
        model
            .notice
            .as_deref()
            .unwrap_or_default()
            .contains("carol"),
        "{:?}",
        model.notice
    );
}

#[test]
fn a_quiet_stretch_is_jumped_over_to_a_real_second_before_the_next_line() {
    let mut model = replaying(60);
    let real = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
    update(&mut model, Msg::Tick(real));
    update(&mut model, Msg::Tick(real + Duration::seconds(3)));
    assert_eq!(model.replay.as_ref().unwrap().shown, 2);
    update(&mut model, Msg::Tick(real + Duration::milliseconds(3_200)));
    assert_eq!(
        model.clock.now,
        start() + Duration::days(5) - Duration::seconds(60),
        "five days jumped over"
    );
    assert!(
        model
            .notice
            .as_deref()
            .unwrap_or_default()
            .contains("jumped over"),
        "{:?}",
        model.notice
    );
    update(&mut model, Msg::Tick(real + Duration::milliseconds(4_200)));
    assert!(done(&model, "code-freeze"));
    let replay = model.replay.as_ref().unwrap();
    assert!(replay.finished() && replay.paused, "it stops at the end");
    assert_eq!(model.next_time_change(), None, "and wakes no more");
    assert!(
        model
            .notice
            .as_deref()
            .unwrap_or_default()
            .contains("replay finished"),
        "{:?}",
        model.notice
    );
}

#[test]
fn pause_stops_the_clock_and_next_shows_one_line_at_once() {
    let mut model = replaying(60);
    let real = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
    update(&mut model, Msg::Tick(real));
    press(&mut model, "P");
    assert!(model.replay.as_ref().unwrap().paused);
    assert_eq!(model.next_time_change(), None, "no wakeups while paused");
    update(&mut model, Msg::Tick(real + Duration::minutes(10)));
    assert_eq!(model.clock.now, start(), "a paused clock stands");

    press(&mut model, ".");
    assert!(done(&model, "announce"));
    assert_eq!(model.clock.now, start() + Duration::minutes(1));
    assert!(model.replay.as_ref().unwrap().paused, "stepping pauses");

    // Playing on does not leap over the time it stood still.
    press(&mut model, "P");
    update(&mut model, Msg::Tick(real + Duration::minutes(20)));
    assert_eq!(model.clock.now, start() + Duration::minutes(1));
    update(
        &mut model,
        Msg::Tick(real + Duration::minutes(20) + Duration::seconds(1)),
    );
    assert_eq!(model.clock.now, start() + Duration::minutes(2));
    assert!(done(&model, "code-quality"));
}

#[test]
fn speed_doubles_and_halves_within_its_bounds() {
    let mut model = replaying(1);
    press(&mut model, "-");
    assert_eq!(model.replay.as_ref().unwrap().speed, 1);
    press(&mut model, "+");
    press(&mut model, "+");
    assert_eq!(model.replay.as_ref().unwrap().speed, 4);
    let mut model = replaying(FASTEST);
    press(&mut model, "+");
    assert_eq!(model.replay.as_ref().unwrap().speed, FASTEST);
}

#[test]
fn a_replay_is_read_only_keeps_its_release_and_offers_its_keys() {
    let mut model = replaying(60);
    model.operator.read_only = true;
    let hints = crate::app::keys::hints::footer(&model);
    assert!(
        hints.iter().any(|h| h.keys == "P") && hints.iter().any(|h| h.keys == "."),
        "{hints:?}"
    );
    model.overlay = Some(crate::app::Overlay::Prompt(crate::app::model::Prompt {
        purpose: crate::app::model::PromptPurpose::SwitchRelease,
        text: "other".into(),
    }));
    let effects = update(&mut model, Msg::Key("enter".parse().unwrap()));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, crate::app::Effect::OpenRelease { .. })),
        "a replay shows one release: {effects:?}"
    );

    let mut live = sample_model_with_release();
    let hints = crate::app::keys::hints::footer(&live);
    assert!(!hints.iter().any(|h| h.keys == "P"), "{hints:?}");
    press(&mut live, "P");
    assert!(
        live.notice
            .as_deref()
            .unwrap_or_default()
            .contains("not a replay"),
        "{:?}",
        live.notice
    );
}
