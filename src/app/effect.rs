use crate::app::requests::Request;
use crate::domain::events::Event;
use crate::domain::playbook::StepKind;
use crate::domain::release::NewRelease;

/// Side effects that `update` asks the runtime to carry out. Effects that produce a
/// result report it back as a [`crate::app::Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the loop, restore the terminal and exit with this code.
    Quit { code: i32 },
    /// Give the terminal back to the shell (job control) until resumed.
    Suspend,
    /// Append to the release's journal and sync; reported back as `Msg::Recorded`
    /// (or `Msg::RecordFailed`).
    Record(Event),
    /// Run a command or HTTP gate in the background, its `{name}` variables
    /// filled from `vars` as it starts; reported as `Msg::Done`.
    RunGate {
        request: Request,
        step: String,
        gate: StepKind,
        vars: crate::domain::vars::Vars,
    },
    /// Carry out a repository step (journaled as started already): tag,
    /// cut a branch, write the notes or check, item by item; reported as
    /// `Msg::Done` with a gate's outcome.
    RepoStep {
        request: Request,
        plan: crate::domain::versioning::plan::RepoPlan,
    },
    /// Send a message (its start journaled already): a notify step's,
    /// reported as `Msg::Done` with a gate's outcome, or another's
    /// (`step: None`), reported with its delivery.
    SendMessage {
        request: Request,
        step: Option<String>,
        channel: Box<crate::domain::comms::channel::Channel>,
        message: Box<crate::domain::comms::message::Outgoing>,
    },
    /// Read the repositories (the release's components, or all for a
    /// release not started yet): reported as `Msg::ReposRead`.
    ReadRepos {
        repos: Box<crate::domain::versioning::repos::Repos>,
        release: Option<Box<crate::domain::release::Release>>,
        read_for: crate::app::repo_reads::ReadFor,
    },
    /// Read every journal for `:releases`: reported as `Msg::ReleasesRead`.
    ReadReleases,
    /// Read every journal for the delivery figures over `settings.window`
    /// up to `until`: reported as `Msg::FiguresRead`.
    ReadFigures {
        settings: Box<crate::domain::delivery::DeliverySettings>,
        until: chrono::DateTime<chrono::Utc>,
    },
    /// Open another release by id: as its writer, or following its writer;
    /// reported as `Msg::ReleaseOpened` or `Msg::ReleaseFailed`.
    /// `viewing`: read-only, to look back at it (History's Enter), even
    /// when nobody writes it.
    OpenRelease { id: String, viewing: bool },
    /// The writer this cockpit followed is gone: become the release's writer
    /// (as a new cockpit would), or follow whoever took it first.
    TakeOver { id: String },
    /// `[share]`: another cockpit writes the release now (its Lease was
    /// lost): write nothing more to its journal, mirror nothing more.
    StopWriting,
    /// `[share]`: the followed writer's Lease lapsed and the operator said
    /// yes: claim it, catch up with the mirror, journal `writer_took_over`
    /// first, then write `release`.
    ShareTakeOver { release: String },
    /// Remember what the operator looks at (focus, cursor, folds, calendar
    /// day), so a restart comes back to it.
    RememberView(crate::app::remembered::Remembered),
    /// Start a release; reported as `Msg::ReleaseOpened` or `Msg::ReleaseFailed`.
    StartRelease(Box<NewRelease>),
    /// Append a calendar event (postpone, skip, restore) to the calendar's
    /// journal; reported as `Msg::CalendarRecorded` or `Msg::RecordFailed`.
    RecordCalendar(Event),
    /// Journal the deploy, run it, report `Msg::Done`.
    Deploy {
        request: Request,
        plan: Box<crate::domain::rollout::DeployPlan>,
    },
    /// Revert each Deployment of the plan (already journaled), in parallel;
    /// each reports `Msg::Done`.
    Rollback {
        request: Request,
        plan: Box<crate::domain::rollback::RollbackPlan>,
    },
    /// Render the incident report and the notice from their templates with
    /// the journal's timeline; reported as `Msg::Done`.
    WriteIncident {
        request: Request,
        draft: Box<crate::domain::incident::IncidentDraft>,
    },
    /// Journal a result into the release that asked for it, which is no
    /// longer the one open here.
    RecordInto { release: String, event: Event },
    /// Ring the terminal bell: a rollback trigger fired.
    Bell,
    /// Charts can show this many columns at most: range queries fetch no
    /// more points than that.
    ChartColumns(u16),
}
