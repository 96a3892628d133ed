use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use std::collections::BTreeMap;

use crate::app::clock::Clock;
use crate::app::dialogs::notices::{NoticeLevel, NoticeLog};
use crate::app::dialogs::palette::Palette;
use crate::app::dialogs::scrolling::ScrollFrom;
use crate::app::keys::commands::Mode;
use crate::app::keys::keymap::Keymap;
use crate::app::panes::Pane;
use crate::app::panes::calendar::{CalendarState, KnownRelease};
use crate::app::panes::health::HealthState;
use crate::app::panes::release::{ReleaseState, Row};
use crate::app::panes::rollout::{RolloutState, TargetSpec};
use crate::app::remembered::{Cursor, Remembered};
use crate::domain::calendar::Calendar;
use crate::domain::health::Signal;
use crate::domain::rollback::RollbackSettings;

/// A dialog drawn over the panes; while one is open it receives the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Palette(Palette),
    /// A Deployment's revision history, newest first.
    History {
        namespace: String,
        name: String,
        scroll: ScrollFrom,
    },
    /// Quit, a deploy, a deploying command step or an early completion, waiting for `y`; the
    /// default answer is cancel.
    Confirm(crate::app::dialogs::confirm::Confirm),
    /// The guided rollback wizard (its state is `Model::rollback`).
    Rollback,
    /// A line of text the operator types: a reason, a note, a new release.
    Prompt(Prompt),
    /// Everything about one step: instructions, gate output, history.
    Details {
        step: String,
        scroll: ScrollFrom,
    },
    /// `:notices`: every notice of this session, newest first, wrapped.
    Notices {
        scroll: u16,
    },
    /// `:releases`: every release on record, newest first, `None` while the
    /// journals are read.
    Releases {
        list: Option<Vec<crate::domain::delivery::ReleaseFacts>>,
        selected: usize,
    },
    /// `:metrics`: the delivery figures, `None` while the journals are read.
    Metrics {
        figures: Option<Box<crate::domain::delivery::Figures>>,
        /// The end of the window asked for: a read for an earlier one (the
        /// view closed and opened again) is not this view's.
        asked: chrono::DateTime<chrono::Utc>,
        scroll: u16,
    },
    /// A command target's latest run, `scroll` lines up from its end (0
    /// follows the output as it comes).
    RunLog {
        target: String,
        scroll: u16,
    },
    /// `:incident`: severity and reason of an incident without a rollback.
    Incident(crate::app::dialogs::incident_form::IncidentForm),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    SkipReason {
        step: String,
    },
    Note {
        step: String,
    },
    OverrideReason {
        step: String,
    },
    /// `minor 2.4.0 2026-12-01 10:00 America/Los_Angeles`
    NewRelease,
    /// A release id, as `release-cockpit releases` lists them.
    SwitchRelease,
    /// Why the open release will not go out.
    AbandonReason {
        release: String,
    },
    /// Where to and why: `+1w critical bug in staging`.
    Postpone {
        train: String,
        scheduled: DateTime<Utc>,
        /// How the prompt names the release: `modules Tue 8 Dec 10:00 PST`.
        label: String,
    },
    SkipOccurrence {
        train: String,
        scheduled: DateTime<Utc>,
        label: String,
    },
    /// The version of a release started from the calendar.
    StartOccurrence {
        train: String,
        scheduled: DateTime<Utc>,
        label: String,
    },
}

impl PromptPurpose {
    pub fn title(&self) -> String {
        match self {
            Self::SkipReason { step } => format!("Why skip `{step}`?"),
            Self::Note { step } => format!("Note on `{step}`"),
            Self::OverrideReason { step } => format!("Override go/no-go for `{step}`: why?"),
            Self::NewRelease => "New release: TYPE VERSION YYYY-MM-DD HH:MM [ZONE]".to_owned(),
            Self::SwitchRelease => {
                "Switch to release (id from `release-cockpit releases`)".to_owned()
            }
            Self::Postpone { label, .. } => {
                format!(
                    "Postpone {label}: to when, and why? (+1w reason, or YYYY-MM-DD [HH:MM] reason)"
                )
            }
            Self::SkipOccurrence { label, .. } => format!("Skip {label}: why?"),
            Self::AbandonReason { release } => {
                format!("Abandon {release}: why will it not go out?")
            }
            Self::StartOccurrence { label, .. } => format!("Start {label}: version?"),
        }
    }
}

/// `[share]`: who writes the release from another machine, as its Lease says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteWriter {
    /// `operator@host/pid`.
    pub holder: String,
    /// How they said they are reached (`[share] contact`).
    pub contact: Option<String>,
    /// Its Lease went unrenewed for a whole duration as this machine saw
    /// it: the release may be taken over (confirmed, journaled).
    pub lapsed: bool,
}

impl RemoteWriter {
    /// Where to reach them: their contact, else their machine.
    pub fn reach(&self) -> String {
        match &self.contact {
            Some(contact) => contact.clone(),
            None => {
                let host = self
                    .holder
                    .split_once('@')
                    .map_or(self.holder.as_str(), |(_, at)| at);
                let host = host.rsplit_once('/').map_or(host, |(host, _)| host);
                format!("at their machine, {host}")
            }
        }
    }
}

impl Operator {
    /// Actions are refused when asked for (`--read-only`) or while following
    /// another cockpit that writes the release.
    pub fn is_read_only(&self) -> bool {
        self.read_only || self.viewing || self.following.is_some()
    }

    /// Why `what` (`deploys`, `` `smoke` ``) is refused in a read-only
    /// cockpit: a writer on another machine is named with where to reach
    /// them, and, once its Lease lapsed, how to take over.
    pub fn refusal(&self, what: &str) -> String {
        match (&self.remote_writer, &self.following) {
            (Some(writer), _) if writer.lapsed && !self.read_only => format!(
                "{what} refused: {}'s Lease lapsed; `:take-over` makes this cockpit the writer",
                writer.holder
            ),
            (Some(writer), _) => format!(
                "{what} refused: {} writes it from another machine; reach them {}",
                writer.holder,
                writer.reach()
            ),
            (None, Some(writer)) if !self.read_only && !self.viewing => {
                format!("read-only: {what} refused ({writer} writes this release)")
            }
            _ => format!("read-only: {what} refused"),
        }
    }
}

/// Another release may not be opened yet: what still runs for this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchRefused {
    pub running: Vec<String>,
}

impl std::fmt::Display for SwitchRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} running for this release: switch releases once {} done (R shows a rollback)",
            self.running.join(", "),
            if self.running.len() == 1 {
                "it is"
            } else {
                "they are"
            }
        )
    }
}

/// Where the configuration came from, shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// The built-in demo, because no config file was found (or `demo` was asked for).
    Demo {
        reason: String,
    },
    File(String),
}

/// Who is at the keyboard and what they may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    pub read_only: bool,
    pub origin: ConfigOrigin,
    /// Role name -> operators in it, from `[roles]`; approvals check it.
    pub roles: BTreeMap<String, Vec<String>>,
    /// `host/pid` of the cockpit that writes the release, when this one follows.
    pub following: Option<String>,
    /// `[share]`: the writer on another machine this cockpit follows.
    pub remote_writer: Option<RemoteWriter>,
    /// The release on screen was opened read-only to look back at
    /// (`:releases`' Enter); `:release-switch` to it, or `o` there, writes it.
    pub viewing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Themes {
    pub names: Vec<String>,
    pub current: usize,
}

impl Themes {
    pub fn current_name(&self) -> &str {
        self.names.get(self.current).map_or("", String::as_str)
    }
}

/// A remembered day further than this from today is not restored: nobody
/// left it there on purpose, and it would make the calendar compute years.
const CALENDAR_REACH_DAYS: i64 = 731;

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub focus: Pane,
    pub zoomed: bool,
    pub overlay: Option<Overlay>,
    pub keymap: Keymap,
    pub operator: Operator,
    pub clock: Clock,
    pub themes: Themes,
    /// Release trains, the month shown and the selected day.
    pub calendar: CalendarState,
    /// The rollout targets' Deployments, as their watches last reported.
    pub rollout: RolloutState,
    /// The release in the Checklist pane, if one is open.
    pub release: Option<ReleaseState>,
    /// A one-line message for the status bar, replaced by the next one.
    pub notice: Option<String>,
    /// Every notice shown, with its time and level (`:notices`).
    pub notices: NoticeLog,
    /// The level of a notice set while `update` handles a message.
    pending_level: NoticeLevel,
    /// The health signals, their values and rules.
    pub health: HealthState,
    /// The terminal's width, which bounds how many points a chart can show.
    pub width: u16,
    /// The guided rollback, from `R` (or a trigger in auto mode) until closed.
    pub rollback: Option<crate::app::dialogs::rollback_wizard::Wizard>,
    /// An automatic rollback counting down; any key cancels it.
    pub countdown: Option<crate::domain::rollback::Countdown>,
    /// `release-cockpit replay`: the journal shown again, its clock the screen's.
    pub replay: Option<crate::app::replay::Replay>,
    /// `[share]`: how the journal's mirror in the cluster stands.
    pub mirror: Option<crate::domain::share::MirrorState>,
    /// Verification window, post-mortem due time, what a trigger starts.
    pub rollback_settings: crate::domain::rollback::RollbackSettings,
    /// `[rollback]`'s report, follow-ups and severity scale.
    pub incident_settings: crate::domain::incident::IncidentSettings,
    /// Gates, deploys, reverts and reports under way, each bound to the
    /// release that started it.
    pub requests: crate::app::requests::Requests,
    /// `[[repo]]` and `[[component]]`: what a `tag` step tags.
    pub repos: crate::domain::versioning::repos::Repos,
    /// The message templates, for a notify step's preview.
    pub messages: crate::domain::comms::template::Templates,
    /// `[[channel]]`: where notify steps send.
    pub channels: crate::domain::comms::channel::Channels,
    /// `[[signal]] notify`: where alerts go.
    pub alert_routes: crate::domain::comms::routes::AlertRoutes,
    /// `[metrics]`: the window and targets `:metrics` shows.
    pub delivery: crate::domain::delivery::DeliverySettings,
    changed: bool,
}

/// What a model starts from: who is at the keyboard, and what the
/// configuration says (keys, themes, zone, trains, targets, signals,
/// rollback). A release opened at start-up comes in later, as one opened by
/// a switch does.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    pub operator: Operator,
    pub keymap: Keymap,
    pub themes: Themes,
    /// The operator's zone: the clock's and the calendar's.
    pub zone: Tz,
    pub calendar: Calendar,
    /// Releases that exist already, for the calendar to open.
    pub releases: Vec<KnownRelease>,
    pub targets: Vec<TargetSpec>,
    pub signals: Vec<Signal>,
    /// How far back the health charts go.
    pub chart: Duration,
    pub rollback: RollbackSettings,
    pub incident: crate::domain::incident::IncidentSettings,
    pub repos: crate::domain::versioning::repos::Repos,
    /// The message templates, for a notify step's preview.
    pub messages: crate::domain::comms::template::Templates,
    pub channels: crate::domain::comms::channel::Channels,
    pub alert_routes: crate::domain::comms::routes::AlertRoutes,
    pub delivery: crate::domain::delivery::DeliverySettings,
}

impl Model {
    /// The open release's outcome, a postponement taken from the calendar.
    pub fn release_outcome(&self) -> Option<crate::domain::checklist::Outcome> {
        let view = self.release.as_ref()?;
        let release = &view.checklist.release;
        let postponed = self
            .calendar
            .calendar
            .changes
            .postponed_to(&release.name, release.t0);
        Some(view.checklist.outcome(postponed))
    }

    pub fn new(settings: ModelSettings, now: DateTime<Utc>) -> Self {
        let ModelSettings {
            operator,
            keymap,
            themes,
            zone,
            calendar,
            releases,
            targets,
            signals,
            chart,
            rollback,
            incident,
            repos,
            messages,
            channels,
            alert_routes,
            delivery,
        } = settings;
        Self {
            focus: Pane::Calendar,
            zoomed: false,
            overlay: None,
            keymap,
            operator,
            clock: Clock::new(now, zone),
            themes,
            calendar: CalendarState::new(calendar, releases, now, zone),
            rollout: {
                let mut rollout = RolloutState::new(targets);
                rollout.group_by_components(&repos);
                rollout
            },
            release: None,
            notice: None,
            notices: NoticeLog::default(),
            pending_level: NoticeLevel::Info,
            health: HealthState::new(signals, chart),
            width: 0,
            rollback: None,
            countdown: None,
            replay: None,
            mirror: None,
            rollback_settings: rollback,
            incident_settings: incident,
            requests: Default::default(),
            repos,
            messages,
            channels,
            alert_routes,
            delivery,
            changed: true,
        }
    }

    /// Shows a release: its train's notice and announcement offsets time
    /// its notify steps, as the calendar shows them.
    pub fn show_release(&mut self, mut checklist: crate::domain::checklist::Checklist) {
        if let Some(train) = self.calendar.calendar.train(&checklist.release.name) {
            train.time_messages(&mut checklist.playbook);
        }
        self.release = Some(crate::app::panes::release::ReleaseState::new(checklist));
    }

    /// What has the keys: the open dialog (the rollback's stage), else the
    /// focused pane.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            None => self.focus.mode(),
            Some(Overlay::Help { .. }) => Mode::Help,
            Some(Overlay::Palette(_)) => Mode::Palette,
            Some(Overlay::History { .. }) => Mode::History,
            Some(Overlay::Confirm(confirm)) => confirm.mode(),
            Some(Overlay::Prompt(_)) => Mode::Prompt,
            Some(Overlay::Details { .. }) => Mode::Details,
            Some(Overlay::Notices { .. }) => Mode::Notices,
            Some(Overlay::Metrics { .. }) => Mode::Metrics,
            Some(Overlay::Releases { .. }) => Mode::Releases,
            Some(Overlay::RunLog { .. }) => Mode::RunLog,
            Some(Overlay::Incident(_)) => Mode::IncidentForm,
            // Without a wizard the dialog has nothing to show: keys close it.
            Some(Overlay::Rollback) => self
                .rollback
                .as_ref()
                .map_or(Mode::RollbackIncident, |w| w.mode()),
        }
    }

    /// Actions this process is carrying out; quitting asks while any run.
    pub fn running_actions(&self) -> Vec<String> {
        let mut running = self.requests.running();
        if self.rollback.as_ref().is_some_and(|w| w.is_running()) && running.is_empty() {
            running.push("a rollback being verified".to_owned());
        }
        running
    }

    /// What the header counts: firing, breached, failed, warnings, stale.
    pub fn alerts(&self) -> crate::app::alerts::Alerts {
        let checklist = self.release.as_ref().map(|r| &r.checklist);
        crate::app::alerts::Alerts::count(
            &self.health,
            &self.rollout,
            |signal| checklist.and_then(|c| c.baseline(signal)),
            checklist.is_some_and(|c| c.last_deploy.is_some()),
            self.clock.now,
        )
    }

    /// The release on screen, if any.
    pub fn release_id(&self) -> Option<&str> {
        self.release
            .as_ref()
            .map(|v| v.checklist.release.id.as_str())
    }

    /// Starts a request for the open release (see `requests`). Only what
    /// the open release journaled or confirmed starts one (its gate's
    /// `GateStarted`, a deploy confirmed for it, its rollback and report),
    /// so one is open; a request bound to no release would be journaled
    /// nowhere and say so (`Effect::RecordInto` of an empty id fails).
    pub fn start_request(&mut self, what: String, results: usize) -> crate::app::requests::Request {
        debug_assert!(self.release.is_some(), "a request for no release: {what}");
        let release = self.release_id().unwrap_or_default().to_owned();
        self.requests.start(&release, what, results)
    }

    /// Whether another release may be opened or started now: not while
    /// something this process started for the open one is under way, so that
    /// its result cannot land in the wrong release. Every path that opens a
    /// release goes through `update`, which asks this.
    pub fn may_switch_release(&self) -> Result<(), SwitchRefused> {
        if self.replay.is_some() {
            return Err(SwitchRefused {
                running: vec!["a replay".to_owned()],
            });
        }
        let running = self.running_actions();
        if running.is_empty() {
            return Ok(());
        }
        Err(SwitchRefused { running })
    }

    /// Shows a notice of something refused or not as it should be.
    pub fn warn(&mut self, text: String) {
        self.notice = Some(text);
        self.pending_level = NoticeLevel::Warning;
    }

    /// Shows a notice of something that failed.
    pub fn fail(&mut self, text: String) {
        self.notice = Some(text);
        self.pending_level = NoticeLevel::Error;
    }

    /// A notice from outside `update` (start-up): shown and logged at once.
    pub fn announce(&mut self, level: NoticeLevel, text: String) {
        self.notices.push(self.clock.now, level, text.clone());
        self.notice = Some(text);
    }

    /// Logs the notice `update` set, if it set a new one (`before` is the
    /// one shown when the message arrived).
    pub(super) fn log_notice(&mut self, before: Option<&str>) {
        let level = std::mem::take(&mut self.pending_level);
        if let Some(text) = self.notice.as_deref().filter(|t| Some(*t) != before) {
            self.notices.push(self.clock.now, level, text.to_owned());
        }
    }

    /// The level of the notice shown now.
    pub fn notice_level(&self) -> NoticeLevel {
        self.notices
            .latest()
            .filter(|n| self.notice.as_deref() == Some(n.text.as_str()))
            .map_or(NoticeLevel::Info, |n| n.level)
    }

    /// Records that something visible changed, so the next frame must be drawn.
    pub fn mark_changed(&mut self) {
        self.changed = true;
    }

    /// Whether a redraw is due, clearing the flag.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// The next instant at which the screen would look different with no input:
    /// the runtime sleeps until then instead of redrawing on a timer.
    pub fn next_time_change(&self) -> Option<DateTime<Utc>> {
        // A replay's clock is the journal's; only its ticks, in real time, wake.
        if let Some(replay) = &self.replay {
            return replay.next_tick();
        }
        let now = self.clock.now;
        let rollback = self.rollback.as_ref().and_then(|w| w.next_check(now));
        let countdown = self
            .countdown
            .as_ref()
            .map(|_| now + chrono::Duration::seconds(1));
        [
            self.rollout.next_change(now),
            self.health.next_change(now),
            rollback,
            countdown,
        ]
        .into_iter()
        .flatten()
        .chain([self.clock.next_change()])
        .min()
    }

    /// What a restart should bring back of this screen.
    pub fn remembered(&self) -> Remembered {
        let model = self;
        let now = model.clock.now;
        let release = model.release.as_ref();
        let cursor = release.and_then(|view| match view.selected_row(now)? {
            Row::Phase(phase) => Some(Cursor::Phase(phase)),
            Row::Step { phase, index } => {
                let step = view
                    .checklist
                    .playbook
                    .phases
                    .get(phase)?
                    .steps
                    .get(index)?;
                Some(Cursor::Step(step.id.clone()))
            }
        });
        Remembered {
            focus: model.focus,
            cursor,
            folded: release.map(|v| v.folded.clone()).unwrap_or_default(),
            calendar: Some((model.calendar.selected, model.calendar.pick)),
        }
    }

    /// Puts back what still applies of a remembered screen; the rest is left
    /// as it is.
    pub fn restore(&mut self, remembered: &Remembered) {
        let model = self;
        let now = model.clock.now;
        model.focus = remembered.focus;
        if let Some(view) = model.release.as_mut() {
            let phases = view.checklist.playbook.phases.len();
            view.folded = remembered
                .folded
                .iter()
                .filter(|(phase, _)| **phase < phases)
                .map(|(phase, folded)| (*phase, *folded))
                .collect();
            match &remembered.cursor {
                Some(Cursor::Step(id)) if view.checklist.playbook.step(id).is_some() => {
                    view.select_step(id, now)
                }
                Some(Cursor::Phase(phase)) => {
                    if let Some(at) = view.rows(now).iter().position(|r| *r == Row::Phase(*phase)) {
                        view.selected = at;
                    }
                }
                _ => {}
            }
        }
        let today = model.calendar.today(now);
        if let Some((day, pick)) = remembered
            .calendar
            .filter(|(day, _)| (*day - today).abs() <= Duration::days(CALENDAR_REACH_DAYS))
        {
            model.calendar.select(day, now);
            model.calendar.pick = pick.min(model.calendar.day_releases().len().saturating_sub(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pane_is_where_all_lists_it_and_next_goes_round() {
        for (index, pane) in Pane::ALL.into_iter().enumerate() {
            assert_eq!(pane.index(), index, "{}", pane.title());
            assert_eq!(pane.next().prev(), pane);
        }
        assert_eq!(Pane::Health.next(), Pane::Calendar);
    }
}
