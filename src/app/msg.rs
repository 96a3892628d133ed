use chrono::{DateTime, Utc};

use crate::domain::checklist::Checklist;
use crate::domain::events::{Event, GateOutcome, Recorded};

use super::key::Key;

/// Everything that can happen to the cockpit, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(Key),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// The terminal changed size; the next frame lays out again.
    Resize {
        width: u16,
        height: u16,
    },
    /// Wall-clock time, sent when something shown depends on it.
    Tick(DateTime<Utc>),
    /// The process was asked to stop (SIGTERM, SIGHUP) or lost its input; it exits
    /// at once, with this code, whatever is running.
    Terminate {
        reason: String,
        exit_code: i32,
    },
    /// Back in the foreground after a suspend; the screen must be drawn afresh.
    Resumed,
    /// An event is durable in the journal; only now does the screen show it.
    Recorded(Recorded),
    /// An event another cockpit wrote, seen while following its journal: folded
    /// in, never acted on.
    Followed(Recorded),
    /// A calendar event (postpone, skip, restore) is durable.
    CalendarRecorded(Recorded),
    /// An event could not be written; the action it stood for was not taken.
    RecordFailed {
        event: Box<Event>,
        error: String,
    },
    /// A gate this process ran has finished.
    GateDone {
        step: String,
        outcome: GateOutcome,
    },
    /// A release was started or switched to. `following` names the cockpit that
    /// writes it when this one only follows.
    ReleaseOpened {
        checklist: Box<Checklist>,
        following: Option<String>,
    },
    /// Starting a release failed (bad input, a journal that exists already, ...).
    ReleaseFailed(String),
    /// A deploy the runner carried out.
    DeployDone(super::deploy_actions::DeployOutcome),
    /// A rollout target's watch reported.
    Rollout(crate::domain::rollout::RolloutUpdate),
    /// A health signal's poll reported.
    Signal(crate::domain::health::SignalUpdate),
    /// The API answered one Deployment's revert.
    RollbackItemDone {
        item: String,
        ok: bool,
        detail: String,
    },
    /// The incident report and the notice are on disk (or could not be written).
    IncidentWritten(Result<(String, String), String>),
}
