//! What the Calendar pane's commands do: move around the month, and open,
//! start, postpone, skip or restore the selected release. Changes to the
//! calendar become `Effect::RecordCalendar` and show once they are durable.

use chrono::{DateTime, Utc};

use crate::app::effect::Effect;
use crate::app::keys::commands::Command;
use crate::app::model::{Model, Overlay, Prompt, PromptPurpose};
use crate::app::panes::Pane;
use crate::domain::calendar::{Change, Occurrence, PostponeError, parse_postpone};
use crate::domain::display_time;
use crate::domain::events::{Event, Recorded};
use crate::domain::release::{NewRelease, VersionError, parse_version};

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
        Command::CalendarPostpone => return change(model, Action::Postpone),
        Command::CalendarSkip => return change(model, Action::Skip),
        Command::CalendarRestore => return change(model, Action::Restore),
        _ => {}
    }
    Vec::new()
}

/// What the operator asked to do with the selected release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Start,
    Postpone,
    Skip,
    Restore,
}

impl Action {
    /// How a refusal names it: `read-only: postponing is refused`.
    fn doing(self) -> &'static str {
        match self {
            Self::Start => "starting a release",
            Self::Postpone => "postponing",
            Self::Skip => "skipping",
            Self::Restore => "restoring",
        }
    }

    /// Whether a skipped release must be restored before this.
    fn needs_it_scheduled(self) -> bool {
        match self {
            Self::Start | Self::Postpone | Self::Skip => true,
            Self::Restore => false,
        }
    }
}

/// Why an action on the selected release is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    ReadOnly(Action),
    Skipped { label: String },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ReadOnly(action) => write!(f, "read-only: {} is refused", action.doing()),
            Self::Skipped { label } => write!(f, "{label} is skipped: restore it first (u)"),
        }
    }
}

/// Why a calendar prompt's text was not acted on.
#[derive(Debug)]
enum SubmitError {
    /// The configuration changed under the prompt.
    Gone {
        train: String,
    },
    NoTrain {
        train: String,
    },
    Postpone(PostponeError),
    Version(VersionError),
    /// Components typed wrong, or not the config's.
    Components(String),
}

impl std::fmt::Display for SubmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Gone { train } => write!(
                f,
                "train {train} no longer has that release (was the config changed?)"
            ),
            Self::NoTrain { train } => write!(f, "no train named {train}"),
            Self::Postpone(error) => error.fmt(f),
            Self::Version(error) => error.fmt(f),
            Self::Components(why) => f.write_str(why),
        }
    }
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
            viewing: false,
        }];
    }
    if let Some(refusal) = refusal(model, Action::Start, &occurrence) {
        model.notice = Some(refusal.to_string());
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
    crate::app::actions::versions::read_for_prompt(model)
        .into_iter()
        .collect()
}

/// Why `action` on `occurrence` is refused, if it is.
fn refusal(model: &Model, action: Action, occurrence: &Occurrence) -> Option<Refusal> {
    if model.operator.is_read_only() {
        return Some(Refusal::ReadOnly(action));
    }
    (occurrence.is_skipped() && action.needs_it_scheduled()).then(|| Refusal::Skipped {
        label: label(occurrence, model.clock.zone),
    })
}

fn change(model: &mut Model, action: Action) -> Vec<Effect> {
    let Some(occurrence) = picked(model) else {
        return Vec::new();
    };
    if let Some(refusal) = refusal(model, action, &occurrence) {
        model.notice = Some(refusal.to_string());
        return Vec::new();
    }
    let (train, scheduled, label) = (
        occurrence.train.clone(),
        occurrence.scheduled,
        label(&occurrence, model.clock.zone),
    );
    let purpose = match action {
        Action::Postpone => PromptPurpose::Postpone {
            train,
            scheduled,
            label,
        },
        Action::Skip => PromptPurpose::SkipOccurrence {
            train,
            scheduled,
            label,
        },
        Action::Start => return open(model),
        Action::Restore => {
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
            model.notice = Some(problem.to_string());
            model.overlay = Some(Overlay::Prompt(Prompt { purpose, text }));
            Vec::new()
        }
    }
}

fn occurrence(
    model: &Model,
    train: &str,
    scheduled: DateTime<Utc>,
) -> Result<Occurrence, SubmitError> {
    model
        .calendar
        .calendar
        .occurrence(train, scheduled)
        .ok_or_else(|| SubmitError::Gone {
            train: train.to_owned(),
        })
}

fn postpone(
    model: &Model,
    train: &str,
    scheduled: DateTime<Utc>,
    text: &str,
) -> Result<Effect, SubmitError> {
    let current = occurrence(model, train, scheduled)?;
    let (to, reason) = parse_postpone(text, current.t0_local()).map_err(SubmitError::Postpone)?;
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
) -> Result<Effect, SubmitError> {
    let current = occurrence(model, train, scheduled)?;
    let config = model
        .calendar
        .calendar
        .train(train)
        .ok_or_else(|| SubmitError::NoTrain {
            train: train.to_owned(),
        })?;
    let (components, version) = crate::domain::release::take_components(text)
        .map_err(|e| SubmitError::Components(e.to_string()))?;
    crate::app::actions::versions::check_components(&model.repos, &components)
        .map_err(SubmitError::Components)?;
    Ok(Effect::StartRelease(Box::new(NewRelease {
        kind: config.kind,
        version: parse_version(version.trim()).map_err(SubmitError::Version)?,
        t0: current.t0,
        zone: config.zone,
        name: Some(train.to_owned()),
        playbook: config.playbook.clone(),
        components,
    })))
}

#[cfg(test)]
mod tests;

/// Before a calendar line is applied: whether it postpones the open
/// release's occurrence (its T-0 where the rule put it, or where an
/// earlier postponement moved it).
pub fn postpones_open_release(model: &Model, recorded: &Recorded) -> bool {
    let Event::OccurrencePostponed {
        train, scheduled, ..
    } = &recorded.event
    else {
        return false;
    };
    model.release.as_ref().is_some_and(|v| {
        let release = &v.checklist.release;
        release.name == *train
            && (release.t0 == *scheduled
                || model
                    .calendar
                    .occurrences
                    .iter()
                    .any(|o| o.train == *train && o.scheduled == *scheduled && o.t0 == release.t0))
    })
}

/// A calendar line is durable: postponing the open release's occurrence
/// (`ours`, from [`postpones_open_release`]) offers the postponed notice
/// (the notify dialog, default cancel) when there is a channel to send it
/// to, unless another dialog is open: then a notice says how to send it.
pub fn after_recorded(model: &mut Model, recorded: &Recorded, ours: bool) -> Vec<Effect> {
    let Event::OccurrencePostponed { to, .. } = &recorded.event else {
        return Vec::new();
    };
    if !ours || model.channels.is_empty() || model.operator.is_read_only() {
        return Vec::new();
    }
    if model.overlay.is_some() {
        model.notice = Some(
            "postponed: `release-cockpit notify postponed` sends the postponed notice".to_owned(),
        );
        return Vec::new();
    }
    let new_t0 = format!(
        "{} ({})",
        crate::domain::display_time::near(*to, model.clock.now, model.clock.zone),
        to.format("%Y-%m-%d %H:%M UTC")
    );
    let Some(text) =
        crate::app::messages::filled_with(model, "postponed", vec![("new_t0", new_t0)])
    else {
        return Vec::new();
    };
    crate::app::actions::notify_step::ask_about(
        model,
        "postponed".to_owned(),
        "postponed",
        None,
        text,
    )
}
