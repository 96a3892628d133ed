use chrono::{DateTime, Utc};

use crate::domain::checklist::Checklist;
use crate::domain::events::{Event, Recorded};

use crate::app::keys::key::Key;

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
    Followed {
        release: String,
        recorded: Recorded,
    },
    /// The cockpit this one follows is gone: nobody holds the release's lock.
    WriterGone,
    /// `[share]`: the Lease was lost, or the mirror's state changed.
    Share(crate::domain::share::LeaseNews),
    /// A calendar event (postpone, skip, restore) is durable.
    CalendarRecorded(Recorded),
    /// An event could not be written; the action it stood for was not taken.
    RecordFailed {
        event: Box<Event>,
        error: String,
    },
    /// Work this process started (a gate, a deploy, a revert, an incident
    /// report) reports back, bound to the request, and so the release, that
    /// started it.
    Done {
        request: crate::app::requests::Request,
        result: crate::app::requests::TaskResult,
    },
    /// A release was started or switched to. `following` names the cockpit that
    /// writes it when this one only follows; `viewing` is a release opened
    /// read-only to look back at.
    ReleaseOpened {
        checklist: Box<Checklist>,
        following: Option<String>,
        viewing: bool,
    },
    /// Starting a release failed (bad input, a journal that exists already, ...).
    ReleaseFailed(String),
    /// A rollout target's watch reported.
    Rollout(crate::domain::rollout::RolloutUpdate),
    /// A command target's deploy or rollback printed, started or ended.
    RunOutput(crate::domain::rollout::RunOutput),
    /// A health signal's poll reported.
    Signal(crate::domain::health::SignalUpdate),
    /// The repositories were read (`Effect::ReadRepos`).
    ReposRead {
        read_for: crate::app::repo_reads::ReadFor,
        read: crate::domain::versioning::reading::RepoReading,
    },
    /// Every release's facts were read (`Effect::ReadReleases`), newest first.
    ReleasesRead(Vec<crate::domain::delivery::ReleaseFacts>),
    /// The delivery figures were read (`Effect::ReadFigures`).
    FiguresRead(Box<crate::domain::delivery::Figures>),
}
