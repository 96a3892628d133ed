//! What the Calendar pane's commands do: move around the month, and open,
//! start, postpone, skip or restore the selected release. Changes to the
//! calendar become `Effect::RecordCalendar` and show once they are durable.

use chrono::{DateTime, Utc};

use super::commands::Command;
use super::effect::Effect;
use super::model::{Model, Overlay, Pane, Prompt, PromptPurpose};
use crate::domain::calendar::{Change, Occurrence, parse_postpone};
use crate::domain::display_time;
use crate::domain::events::Event;
use crate::domain::release::{NewRelease, parse_version};

pub fn run(model: &mut Model, command: Command) -> Vec<Effect> {
    // From the palette a calendar command brings the calendar into view.
    model.focus = Pane::Calendar;
    let now = model.clock.now;
    let view = &mut model.calendar;
    match command {
        Command::CalendarPrevMonth => view.move_months(-1, now),
        Command::CalendarNextMonth => view.move_months(1, now),
        Command::CalendarPrevDay => view.move_days(-1, now),
        Command::CalendarNextDay => view.move_days(1, now),
        Command::CalendarPrevWeek => view.move_days(-7, now),
        Command::CalendarNextWeek => view.move_days(7, now),
        Command::CalendarToday => {
            let today = view.today(now);
            view.select(today, now);
        }
        Command::CalendarPickNext => view.pick_next(),
        Command::CalendarOpen => return open(model),
        Command::CalendarPostpone | Command::CalendarSkip | Command::CalendarRestore => {
            return change(model, command);
        }
        _ => {}
    }
    Vec::new()
}

/// The selected release, or a notice saying why there is none.
fn picked(model: &mut Model) -> Option<Occurrence> {
    let found = model.calendar.picked().cloned();
    if found.is_none() {
        model.notice = Some(if model.calendar.is_empty() {
            "no release trains are configured: add [[train]] to the config".to_owned()
        } else {
            "no release on the selected day: move with the arrows, h/l for months".to_owned()
        });
    }
    found
}

/// How prompts and notices name a release: `modules Tue 8 Dec 10:00 PST`, by
/// its train's clock (a postponement's `HH:MM` is typed on it), and the
/// operator's beside when that differs: `(18:00 UTC here)`.
fn label(occurrence: &Occurrence, operator: chrono_tz::Tz) -> String {
    let name = format!(
        "{} {}",
        occurrence.train,
        display_time::date_time(occurrence.t0, occurrence.zone)
    );
    match display_time::beside(occurrence.t0, occurrence.zone, operator) {
        Some(here) => format!("{name} ({here} here)"),
        None => name,
    }
}

fn open(model: &mut Model) -> Vec<Effect> {
    let Some(occurrence) = picked(model) else {
        return Vec::new();
    };
    if let Some(known) = model.calendar.release_for(&occurrence) {
        return vec![Effect::OpenRelease {
            id: known.id.clone(),
        }];
    }
    if let Some(refusal) = refusal(model, "starting a release", &occurrence) {
        model.notice = Some(refusal);
        return Vec::new();
    }
    let text = model
        .calendar
        .suggested_version(&occurrence)
        .map(|v| v.to_string())
        .unwrap_or_default();
    model.overlay = Some(Overlay::Prompt(Prompt {
        purpose: PromptPurpose::StartOccurrence {
            train: occurrence.train.clone(),
            scheduled: occurrence.scheduled,
            label: label(&occurrence, model.clock.zone),
        },
        text,
    }));
    Vec::new()
}

/// Why an action on `occurrence` is refused, if it is.
fn refusal(model: &Model, what: &str, occurrence: &Occurrence) -> Option<String> {
    if model.session.is_read_only() {
        return Some(format!("read-only: {what} is refused"));
    }
    occurrence
        .is_skipped()
        .then(|| {
            format!(
                "{} is skipped: restore it first (u)",
                label(occurrence, model.clock.zone)
            )
        })
        .filter(|_| what != "restoring")
}

fn change(model: &mut Model, command: Command) -> Vec<Effect> {
    let Some(occurrence) = picked(model) else {
        return Vec::new();
    };
    let what = match command {
        Command::CalendarPostpone => "postponing",
        Command::CalendarSkip => "skipping",
        _ => "restoring",
    };
    if let Some(refusal) = refusal(model, what, &occurrence) {
        model.notice = Some(refusal);
        return Vec::new();
    }
    let (train, scheduled, label) = (
        occurrence.train.clone(),
        occurrence.scheduled,
        label(&occurrence, model.clock.zone),
    );
    let purpose = match command {
        Command::CalendarPostpone => PromptPurpose::Postpone {
            train,
            scheduled,
            label,
        },
        Command::CalendarSkip => PromptPurpose::SkipOccurrence {
            train,
            scheduled,
            label,
        },
        _ => {
            return match model.calendar.calendar.changes.get(&train, scheduled) {
                Some(Change::Postponed { .. } | Change::Skipped { .. }) => {
                    vec![Effect::RecordCalendar(Event::OccurrenceRestored {
                        train,
                        scheduled,
                    })]
                }
                None => {
                    model.notice = Some(format!(
                        "{label} was not postponed or skipped by anyone: nothing to restore"
                    ));
                    Vec::new()
                }
            };
        }
    };
    model.overlay = Some(Overlay::Prompt(Prompt {
        purpose,
        text: String::new(),
    }));
    Vec::new()
}

/// A calendar prompt was submitted with `text` (not empty).
pub fn submit(model: &mut Model, purpose: PromptPurpose, text: String) -> Vec<Effect> {
    let result = match &purpose {
        PromptPurpose::Postpone {
            train, scheduled, ..
        } => postpone(model, train, *scheduled, &text),
        PromptPurpose::SkipOccurrence {
            train, scheduled, ..
        } => Ok(Effect::RecordCalendar(Event::OccurrenceSkipped {
            train: train.clone(),
            scheduled: *scheduled,
            reason: text.clone(),
        })),
        PromptPurpose::StartOccurrence {
            train, scheduled, ..
        } => start(model, train, *scheduled, &text),
        _ => return Vec::new(),
    };
    match result {
        Ok(effect) => vec![effect],
        Err(problem) => {
            // Keep what was typed so it can be corrected.
            model.notice = Some(problem);
            model.overlay = Some(Overlay::Prompt(Prompt { purpose, text }));
            Vec::new()
        }
    }
}

fn occurrence(model: &Model, train: &str, scheduled: DateTime<Utc>) -> Result<Occurrence, String> {
    model
        .calendar
        .calendar
        .occurrence(train, scheduled)
        .ok_or_else(|| {
            format!("train {train} no longer has that release (was the config changed?)")
        })
}

fn postpone(
    model: &Model,
    train: &str,
    scheduled: DateTime<Utc>,
    text: &str,
) -> Result<Effect, String> {
    let current = occurrence(model, train, scheduled)?;
    let (to, reason) = parse_postpone(text, current.t0_local())?;
    Ok(Effect::RecordCalendar(Event::OccurrencePostponed {
        train: train.to_owned(),
        scheduled,
        to,
        reason,
    }))
}

fn start(
    model: &Model,
    train: &str,
    scheduled: DateTime<Utc>,
    text: &str,
) -> Result<Effect, String> {
    let current = occurrence(model, train, scheduled)?;
    let config = model
        .calendar
        .calendar
        .train(train)
        .ok_or_else(|| format!("no train named {train}"))?;
    Ok(Effect::StartRelease(Box::new(NewRelease {
        kind: config.kind,
        version: parse_version(text)?,
        t0: current.t0,
        zone: config.zone,
        name: Some(train.to_owned()),
        playbook: config.playbook.clone(),
    })))
}

#[cfg(test)]
mod tests;
