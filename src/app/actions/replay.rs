//! What a replay's ticks and keys do to the model: the journal's clock
//! moved, its due lines folded into the Checklist as a follower folds its
//! writer's.

use chrono::{DateTime, Utc};

use crate::app::model::Model;
use crate::app::replay::{FASTEST, Replay};
use crate::domain::events::Recorded;

/// A tick of the real clock: the replayed clock moves, the lines now due
/// are folded in.
pub fn tick(model: &mut Model, real: DateTime<Utc>) {
    let Some(replay) = model.replay.as_mut() else {
        return;
    };
    let (due, jumped) = replay.advance(real);
    let (at, finished) = (replay.at, replay.finished());
    let minute = model.clock.display();
    model.clock.now = at;
    if model.clock.display() != minute {
        model.mark_changed();
    }
    if let Some(quiet) = jumped {
        model.notice = Some(format!(
            "replay: {} with nothing in the journal, jumped over",
            crate::domain::offset::format_duration(quiet)
        ));
        model.mark_changed();
    }
    let any = !due.is_empty();
    for recorded in due {
        show(model, &recorded);
    }
    if any
        && finished
        && let Some(replay) = &model.replay
    {
        model.notice = Some(end_notice(replay));
    }
}

/// `P`: pause, or play on from where it stands.
pub fn toggle_pause(model: &mut Model) {
    model.mark_changed();
    let said = match model.replay.as_mut() {
        None => not_replaying(),
        Some(replay) if replay.finished() => end_notice(replay),
        Some(replay) => {
            replay.toggle_pause();
            if replay.paused {
                "replay paused: P plays on, . shows the next line".to_owned()
            } else {
                format!("replay playing at ×{}", replay.speed)
            }
        }
    };
    model.notice = Some(said);
}

/// `.`: the next line, paused on it.
pub fn step(model: &mut Model) {
    model.mark_changed();
    let Some(replay) = model.replay.as_mut() else {
        model.notice = Some(not_replaying());
        return;
    };
    let Some(recorded) = replay.step() else {
        model.notice = Some(end_notice(replay));
        return;
    };
    model.clock.now = replay.at;
    show(model, &recorded);
}

/// `+` and `-`: twice or half as fast.
pub fn change_speed(model: &mut Model, faster: bool) {
    let Some(replay) = model.replay.as_mut() else {
        model.notice = Some(not_replaying());
        return;
    };
    replay.speed = if faster {
        replay.speed.saturating_mul(2).min(FASTEST)
    } else {
        (replay.speed / 2).max(1)
    };
    model.notice = Some(format!("replay at ×{}", replay.speed));
    model.mark_changed();
}

/// One line of the journal on screen, as a follower shows its writer's.
fn show(model: &mut Model, recorded: &Recorded) {
    let zone = model.clock.zone;
    if let Some(view) = model.release.as_mut() {
        view.checklist.apply(recorded);
        model.notice = Some(format!(
            "{} {}: {}",
            crate::domain::display_time::second(recorded.at, zone),
            recorded.operator,
            recorded.event.describe_in(zone)
        ));
        model.mark_changed();
    }
}

fn end_notice(replay: &Replay) -> String {
    format!(
        "replay finished: all {} lines shown; q quits",
        replay.total()
    )
}

fn not_replaying() -> String {
    "not a replay: `release-cockpit replay RELEASE` shows a release day again".to_owned()
}

#[cfg(test)]
mod tests;
