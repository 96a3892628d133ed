//! The one table of commands. The keymap, the `?` help, the `:` palette, the
//! footer and the keys of every dialog and rollback stage are built from it,
//! so a command is declared exactly once, with where it applies (`Scope`).
//! `Mode` says which scopes hold the keys at a time: a focused pane, or an
//! open dialog; two scopes that a mode holds together may not share a key.

/// Where a command applies: a pane, a dialog, a stage of the rollback, or
/// one of the shared groups (`List`, `Scroll`, `Text`) that several modes hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Global,
    Checklist,
    Calendar,
    Rollout,
    Health,
    /// First and last row of any list: panes, help, history, the palette, the rollback's scope.
    List,
    /// Up and down a row or a page in a dialog.
    Scroll,
    /// Editing what is typed in a prompt, the palette or the rollback.
    Text,
    Help,
    Details,
    History,
    Palette,
    Prompt,
    /// The notice log (`:notices`).
    Notices,
    /// The delivery figures (`:metrics`).
    Metrics,
    /// Every release on record (`:releases`).
    Releases,
    /// A command target's deploy or rollback output.
    RunLog,
    /// The one confirmation dialog: quit, deploy, a deploying command step, the rollback.
    Confirm,
    RollbackAssess,
    RollbackFixForward,
    RollbackScope,
    RollbackRunning,
    RollbackIncident,
    /// `:incident`: severity and reason of an incident declared without a rollback.
    IncidentForm,
}

impl Scope {
    /// In the order the help lists them.
    pub const ALL: [Scope; 24] = [
        Scope::Global,
        Scope::Checklist,
        Scope::Calendar,
        Scope::Rollout,
        Scope::Health,
        Scope::List,
        Scope::Scroll,
        Scope::Text,
        Scope::Help,
        Scope::Details,
        Scope::History,
        Scope::Palette,
        Scope::Prompt,
        Scope::Notices,
        Scope::Metrics,
        Scope::Releases,
        Scope::RunLog,
        Scope::Confirm,
        Scope::RollbackAssess,
        Scope::RollbackFixForward,
        Scope::RollbackScope,
        Scope::RollbackRunning,
        Scope::RollbackIncident,
        Scope::IncidentForm,
    ];

    /// Whether some mode holds both scopes' keys at once: then they may not
    /// share a key.
    pub fn overlaps(self, other: Scope) -> bool {
        self == other
            || Mode::ALL
                .iter()
                .any(|mode| mode.scopes().contains(&self) && mode.scopes().contains(&other))
    }

    /// A pane's own commands (not the global ones, not a dialog's).
    pub fn is_pane(self) -> bool {
        matches!(
            self,
            Scope::Checklist | Scope::Calendar | Scope::Rollout | Scope::Health
        )
    }

    /// Whether its commands do something run from a pane (the palette):
    /// the global ones, a pane's own, and the lists' ends.
    pub fn runs_from_panes(self) -> bool {
        self == Scope::Global || self == Scope::List || self.is_pane()
    }

    /// The help's heading over this scope's commands.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere (no dialog open)",
            Scope::Checklist => "Checklist pane",
            Scope::Calendar => "Calendar pane",
            Scope::Rollout => "Rollout pane",
            Scope::Health => "Health pane",
            Scope::List => {
                "Lists: Checklist, Rollout and Health panes, help, details, history, notice log, palette, rollback scope"
            }
            Scope::Scroll => "Scrolling: help, details, history, notice log, rollback scope",
            Scope::Text => "Typing: prompts, palette, rollback reason and version",
            Scope::Help => "Help (this dialog)",
            Scope::Details => "Step details",
            Scope::History => "Revision history",
            Scope::Palette => "Command palette",
            Scope::Prompt => "Prompts: reasons, notes, releases",
            Scope::Notices => "Notice log",
            Scope::Metrics => "Delivery figures (:metrics)",
            Scope::Releases => "Releases on record (:releases)",
            Scope::RunLog => "Command output (Rollout pane, l)",
            Scope::Confirm => {
                "Confirmations: quit, deploy, deploying command step, early completion, rollback (default: cancel)"
            }
            Scope::RollbackAssess => "Rollback 1: assess",
            Scope::RollbackFixForward => "Rollback 1: fix forward (P2)",
            Scope::RollbackScope => "Rollback 2: scope and target",
            Scope::RollbackRunning => "Rollback 4-5: execute and verify",
            Scope::RollbackIncident => "Rollback 6: incident",
            Scope::IncidentForm => "Declare an incident (:incident)",
        }
    }
}

/// What has the keys: a focused pane (with the global commands), or an open
/// dialog or rollback stage (alone: the panes' keys do not reach through).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Calendar,
    Checklist,
    Rollout,
    Health,
    Help,
    Details,
    History,
    Palette,
    Prompt,
    Notices,
    Metrics,
    Releases,
    RunLog,
    /// A confirmation answered with a key: `y`, or anything else to cancel.
    Confirm,
    /// A confirmation that wants text typed first (the rollback's version).
    ConfirmTyped,
    RollbackAssess,
    RollbackFixForward,
    RollbackScope,
    RollbackRunning,
    RollbackIncident,
    IncidentForm,
}

impl Mode {
    pub const ALL: [Mode; 21] = [
        Mode::Calendar,
        Mode::Checklist,
        Mode::Rollout,
        Mode::Health,
        Mode::Help,
        Mode::Details,
        Mode::History,
        Mode::Palette,
        Mode::Prompt,
        Mode::Notices,
        Mode::Metrics,
        Mode::Releases,
        Mode::RunLog,
        Mode::Confirm,
        Mode::ConfirmTyped,
        Mode::RollbackAssess,
        Mode::RollbackFixForward,
        Mode::RollbackScope,
        Mode::RollbackRunning,
        Mode::RollbackIncident,
        Mode::IncidentForm,
    ];

    /// The scopes whose keys work here, the mode's own first.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            Mode::Calendar => &[Scope::Calendar, Scope::Global],
            Mode::Checklist => &[Scope::Checklist, Scope::List, Scope::Global],
            Mode::Rollout => &[Scope::Rollout, Scope::List, Scope::Global],
            Mode::Health => &[Scope::Health, Scope::List, Scope::Global],
            Mode::Help => &[Scope::Help, Scope::Scroll, Scope::List],
            Mode::Details => &[Scope::Details, Scope::Scroll, Scope::List],
            Mode::History => &[Scope::History, Scope::Scroll, Scope::List],
            Mode::Palette => &[Scope::Palette, Scope::Text, Scope::List],
            Mode::Prompt => &[Scope::Prompt, Scope::Text],
            Mode::Notices => &[Scope::Notices, Scope::Scroll, Scope::List],
            Mode::Metrics => &[Scope::Metrics, Scope::Scroll, Scope::List],
            Mode::Releases => &[Scope::Releases, Scope::Scroll, Scope::List],
            Mode::RunLog => &[Scope::RunLog, Scope::Scroll, Scope::List],
            Mode::Confirm => &[Scope::Confirm],
            Mode::ConfirmTyped => &[Scope::Confirm, Scope::Text],
            Mode::RollbackAssess => &[Scope::RollbackAssess, Scope::Text],
            Mode::RollbackFixForward => &[Scope::RollbackFixForward],
            Mode::RollbackScope => &[Scope::RollbackScope, Scope::Scroll, Scope::List],
            Mode::RollbackRunning => &[Scope::RollbackRunning],
            Mode::RollbackIncident => &[Scope::RollbackIncident],
            Mode::IncidentForm => &[Scope::IncidentForm, Scope::Text],
        }
    }

    /// What typing enters here, in the modes where a printable key is text
    /// and only named keys (enter, esc, backspace, tab, ctrl-...) run commands.
    pub fn typing(self) -> Option<&'static str> {
        match self {
            Mode::Palette => Some("filter"),
            Mode::Prompt => Some("text"),
            Mode::ConfirmTyped => Some("the version"),
            Mode::RollbackAssess | Mode::IncidentForm => Some("reason"),
            Mode::Calendar
            | Mode::Checklist
            | Mode::Rollout
            | Mode::Health
            | Mode::Help
            | Mode::Details
            | Mode::History
            | Mode::Notices
            | Mode::Metrics
            | Mode::Releases
            | Mode::RunLog
            | Mode::Confirm
            | Mode::RollbackFixForward
            | Mode::RollbackScope
            | Mode::RollbackRunning
            | Mode::RollbackIncident => None,
        }
    }

    /// Whether a key no command of the mode takes cancels it (the
    /// confirmation's default answer; the history has nothing to act on).
    pub fn other_keys_close(self) -> bool {
        matches!(self, Mode::Confirm | Mode::History)
    }

    /// A pane's mode: its keys, then the lists', then the global ones.
    pub fn is_pane(self) -> bool {
        matches!(
            self,
            Mode::Calendar | Mode::Checklist | Mode::Rollout | Mode::Health
        )
    }
}

impl Command {
    /// What only a replay does.
    pub fn is_replay(self) -> bool {
        matches!(
            self,
            Command::ReplayPause
                | Command::ReplayStep
                | Command::ReplayFaster
                | Command::ReplaySlower
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub command: Command,
    /// The name users remap in `[keys]` and type in the palette.
    pub name: &'static str,
    pub default_keys: &'static [&'static str],
    pub doc: &'static str,
    /// Short label for the footer; commands without one stay out of it.
    pub hint: Option<&'static str>,
    pub scope: Scope,
    /// Changes the release, the calendar or the cluster: refused read-only,
    /// so a follower's footer leaves it out and the help marks it.
    pub writes: bool,
}

/// Declares `Command` and `COMMANDS` from one list, in the same order, so
/// that every command has exactly one row by construction.
macro_rules! command_table {
    ($(
        $variant:ident {
            name: $name:literal,
            keys: [$($key:literal),* $(,)?],
            scope: $scope:ident,
            hint: $hint:expr,
            writes: $writes:literal,
            doc: $doc:literal $(,)?
        }
    ),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($variant),*
        }

        pub const COMMANDS: &[CommandSpec] = &[
            $(CommandSpec {
                command: Command::$variant,
                name: $name,
                default_keys: &[$($key),*],
                doc: $doc,
                hint: $hint,
                scope: Scope::$scope,
                writes: $writes,
            }),*
        ];
    };
}

command_table! {
    Deploy {
        name: "deploy",
        keys: ["d"],
        scope: Rollout,
        hint: Some("deploy"),
        writes: true,
        doc: "Deploy the release's version to the shown Deployments (asks first)",
    },
    RolloutLog {
        name: "rollout-log",
        keys: ["l"],
        scope: Rollout,
        hint: Some("output"),
        writes: false,
        doc: "Show the output of the selected command target's latest deploy or rollback",
    },
    RolloutHistory {
        name: "rollout-history",
        keys: ["enter"],
        scope: Rollout,
        hint: Some("history"),
        writes: false,
        doc: "Show the selected Deployment's revision history",
    },
    RolloutUp {
        name: "rollout-up",
        keys: ["k", "up"],
        scope: Rollout,
        hint: None,
        writes: false,
        doc: "Select the Deployment above",
    },
    RolloutDown {
        name: "rollout-down",
        keys: ["j", "down"],
        scope: Rollout,
        hint: Some("move"),
        writes: false,
        doc: "Select the Deployment below",
    },
    HealthUp {
        name: "health-up",
        keys: ["k", "up"],
        scope: Health,
        hint: None,
        writes: false,
        doc: "Select the signal above",
    },
    HealthDown {
        name: "health-down",
        keys: ["j", "down"],
        scope: Health,
        hint: Some("move"),
        writes: false,
        doc: "Select the signal below",
    },
    Rollback {
        name: "rollback",
        keys: ["R"],
        scope: Global,
        hint: Some("rollback"),
        writes: true,
        doc: "Guided rollback: severity, targets and revisions, confirm, execute, verify, incident report",
    },
    DeclareIncident {
        name: "incident",
        keys: [],
        scope: Global,
        hint: None,
        writes: true,
        doc: "Declare an incident without a rollback: severity, reason, report and follow-ups",
    },
    FocusNext {
        name: "focus-next",
        keys: ["tab"],
        scope: Global,
        hint: Some("focus"),
        writes: false,
        doc: "Move focus to the next pane",
    },
    FocusPrev {
        name: "focus-prev",
        keys: ["shift-tab"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Move focus to the previous pane",
    },
    FocusCalendar {
        name: "focus-calendar",
        keys: ["1"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Focus the Calendar pane",
    },
    FocusChecklist {
        name: "focus-checklist",
        keys: ["2"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Focus the Checklist pane",
    },
    FocusRollout {
        name: "focus-rollout",
        keys: ["3"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Focus the Rollout pane",
    },
    FocusHealth {
        name: "focus-health",
        keys: ["4"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Focus the Health pane",
    },
    Zoom {
        name: "zoom",
        keys: ["z"],
        scope: Global,
        hint: Some("zoom"),
        writes: false,
        doc: "Zoom the focused pane to full screen, or back",
    },
    Palette {
        name: "palette",
        keys: [":"],
        scope: Global,
        hint: Some("commands"),
        writes: false,
        doc: "Open the command palette",
    },
    Notices {
        name: "notices",
        keys: [],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Every notice of this session in full, with its time",
    },
    Help {
        name: "help",
        keys: ["?"],
        scope: Global,
        hint: Some("help"),
        writes: false,
        doc: "Show every command and its keys",
    },
    ReplayPause {
        name: "replay-pause",
        keys: ["P"],
        scope: Global,
        hint: Some("pause/play"),
        writes: false,
        doc: "Replay: pause, or play on",
    },
    ReplayStep {
        name: "replay-next",
        keys: ["."],
        scope: Global,
        hint: Some("next line"),
        writes: false,
        doc: "Replay: show the journal's next line at once, and pause there",
    },
    ReplayFaster {
        name: "replay-faster",
        keys: ["+"],
        scope: Global,
        hint: Some("faster"),
        writes: false,
        doc: "Replay: twice as fast",
    },
    ReplaySlower {
        name: "replay-slower",
        keys: ["-"],
        scope: Global,
        hint: Some("slower"),
        writes: false,
        doc: "Replay: half as fast",
    },
    CycleTheme {
        name: "cycle-theme",
        keys: ["T"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Switch to the next colour theme",
    },
    Suspend {
        name: "suspend",
        keys: ["ctrl-z"],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Suspend to the shell (resume with `fg`)",
    },
    MoveDown {
        name: "move-down",
        keys: ["j", "down"],
        scope: Checklist,
        hint: None,
        writes: false,
        doc: "Select the next row",
    },
    MoveUp {
        name: "move-up",
        keys: ["k", "up"],
        scope: Checklist,
        hint: None,
        writes: false,
        doc: "Select the previous row",
    },
    Complete {
        name: "complete",
        keys: ["space"],
        scope: Checklist,
        hint: Some("complete"),
        writes: true,
        doc: "Complete the step (runs a gate; folds a phase)",
    },
    Skip {
        name: "skip",
        keys: ["s"],
        scope: Checklist,
        hint: Some("skip"),
        writes: true,
        doc: "Skip the step, with a reason",
    },
    Approve {
        name: "approve",
        keys: ["a"],
        scope: Checklist,
        hint: Some("approve"),
        writes: true,
        doc: "Approve an approval step as yourself",
    },
    Note {
        name: "note",
        keys: ["n"],
        scope: Checklist,
        hint: Some("note"),
        writes: true,
        doc: "Add a note to the step",
    },
    RunGate {
        name: "run-gate",
        keys: ["r"],
        scope: Checklist,
        hint: Some("run gate"),
        writes: true,
        doc: "Run (or re-run) the step's gate",
    },
    Undo {
        name: "undo",
        keys: ["u"],
        scope: Checklist,
        hint: Some("undo"),
        writes: true,
        doc: "Undo your last action on the step (recorded, nothing erased)",
    },
    Details {
        name: "details",
        keys: ["enter"],
        scope: Checklist,
        hint: Some("details"),
        writes: false,
        doc: "Instructions, gate output and history of the step",
    },
    Override {
        name: "override-go-no-go",
        keys: ["O"],
        scope: Checklist,
        hint: None,
        writes: true,
        doc: "Override a blocked production deploy, with a reason",
    },
    CalendarOpen {
        name: "calendar-open",
        keys: ["enter"],
        scope: Calendar,
        hint: Some("open/start"),
        writes: false,
        doc: "Open the selected day's release, or start it",
    },
    CalendarPostpone {
        name: "calendar-postpone",
        keys: ["p"],
        scope: Calendar,
        hint: Some("postpone"),
        writes: true,
        doc: "Postpone the selected release (this one only), with a reason",
    },
    CalendarSkip {
        name: "calendar-skip",
        keys: ["s"],
        scope: Calendar,
        hint: Some("skip"),
        writes: true,
        doc: "Skip the selected release (this one only), with a reason",
    },
    CalendarRestore {
        name: "calendar-restore",
        keys: ["u"],
        scope: Calendar,
        hint: None,
        writes: true,
        doc: "Put a postponed or skipped release back where its rule puts it",
    },
    CalendarPickNext {
        name: "calendar-pick-next",
        keys: ["n"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Select the next release on the same day",
    },
    CalendarPrevMonth {
        name: "calendar-prev-month",
        keys: ["[", "h"],
        scope: Calendar,
        hint: Some("month"),
        writes: false,
        doc: "Show the previous month",
    },
    CalendarNextMonth {
        name: "calendar-next-month",
        keys: ["]", "l"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Show the next month",
    },
    CalendarPrevDay {
        name: "calendar-prev-day",
        keys: ["left"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Select the previous day",
    },
    CalendarNextDay {
        name: "calendar-next-day",
        keys: ["right"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Select the next day",
    },
    CalendarPrevWeek {
        name: "calendar-prev-week",
        keys: ["up", "k"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Select the same day a week earlier",
    },
    CalendarNextWeek {
        name: "calendar-next-week",
        keys: ["down", "j"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Select the same day a week later",
    },
    CalendarToday {
        name: "calendar-today",
        keys: ["t"],
        scope: Calendar,
        hint: None,
        writes: false,
        doc: "Select today",
    },
    NewRelease {
        name: "release-new",
        keys: [],
        scope: Global,
        hint: None,
        writes: true,
        doc: "Start a new release: type, version, T-0",
    },
    ReleasesView {
        name: "releases",
        keys: [],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Every release on record: type, version, outcome, duration, incidents",
    },
    Metrics {
        name: "metrics",
        keys: [],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Delivery figures (DORA) from every journal, against [metrics]' targets",
    },
    AbandonRelease {
        name: "release-abandon",
        keys: [],
        scope: Global,
        hint: None,
        writes: true,
        doc: "Abandon the open release: it will not go out (asks why, then y)",
    },
    TakeOverRelease {
        name: "take-over",
        keys: [],
        scope: Global,
        hint: None,
        writes: false,
        doc: "[share]: write the release whose writer on another machine let its Lease lapse (y confirms; journaled)",
    },
    SwitchRelease {
        name: "release-switch",
        keys: [],
        scope: Global,
        hint: None,
        writes: false,
        doc: "Open another release by id",
    },
    Quit {
        name: "quit",
        keys: ["q", "ctrl-c"],
        scope: Global,
        hint: Some("quit"),
        writes: false,
        doc: "Quit (asks first while an action is running)",
    },
    Top {
        name: "top",
        keys: ["g", "home"],
        scope: List,
        hint: Some("top/bottom"),
        writes: false,
        doc: "Go to the first row (the top of a dialog)",
    },
    Bottom {
        name: "bottom",
        keys: ["G", "end"],
        scope: List,
        hint: Some("top/bottom"),
        writes: false,
        doc: "Go to the last row (the end of a dialog)",
    },
    ScrollUp {
        name: "scroll-up",
        keys: ["k", "up"],
        scope: Scroll,
        hint: Some("move"),
        writes: false,
        doc: "Up a line, or to the row above",
    },
    ScrollDown {
        name: "scroll-down",
        keys: ["j", "down"],
        scope: Scroll,
        hint: Some("move"),
        writes: false,
        doc: "Down a line, or to the row below",
    },
    PageUp {
        name: "page-up",
        keys: ["pageup"],
        scope: Scroll,
        hint: Some("page"),
        writes: false,
        doc: "Up ten lines or rows",
    },
    PageDown {
        name: "page-down",
        keys: ["pagedown"],
        scope: Scroll,
        hint: Some("page"),
        writes: false,
        doc: "Down ten lines or rows",
    },
    DeleteChar {
        name: "delete-char",
        keys: ["backspace"],
        scope: Text,
        hint: Some("delete"),
        writes: false,
        doc: "Delete the last character typed",
    },
    ClearText {
        name: "clear-text",
        keys: ["ctrl-u"],
        scope: Text,
        hint: Some("clear"),
        writes: false,
        doc: "Delete everything typed",
    },
    HelpClose {
        name: "help-close",
        keys: ["esc", "q", "?", "enter"],
        scope: Help,
        hint: Some("close"),
        writes: false,
        doc: "Close the help",
    },
    DetailsClose {
        name: "details-close",
        keys: ["esc", "enter", "q"],
        scope: Details,
        hint: Some("close"),
        writes: false,
        doc: "Close the step's details",
    },
    HistoryClose {
        name: "history-close",
        keys: ["esc", "enter", "q"],
        scope: History,
        hint: Some("close"),
        writes: false,
        doc: "Close the revision history (so does any key it does not use)",
    },
    ReleasesClose {
        name: "releases-close",
        keys: ["esc", "q"],
        scope: Releases,
        hint: Some("close"),
        writes: false,
        doc: "Close the list of releases",
    },
    ReleasesOpenReadOnly {
        name: "releases-read-only",
        keys: ["enter"],
        scope: Releases,
        hint: Some("view"),
        writes: false,
        doc: "Open the selected release read-only, to look back at it (following it if a cockpit writes it)",
    },
    ReleasesOpen {
        name: "releases-open",
        keys: ["o"],
        scope: Releases,
        hint: Some("open"),
        writes: false,
        doc: "Open the selected release to write it (following its writer if another cockpit has it)",
    },
    MetricsClose {
        name: "metrics-close",
        keys: ["esc", "enter", "q"],
        scope: Metrics,
        hint: Some("close"),
        writes: false,
        doc: "Close the delivery figures",
    },
    NoticesClose {
        name: "notices-close",
        keys: ["esc", "enter", "q"],
        scope: Notices,
        hint: Some("close"),
        writes: false,
        doc: "Close the notice log",
    },
    RunLogClose {
        name: "run-log-close",
        keys: ["esc", "enter", "q"],
        scope: RunLog,
        hint: Some("close"),
        writes: false,
        doc: "Close the command output (the run goes on)",
    },
    PaletteRun {
        name: "palette-run",
        keys: ["enter"],
        scope: Palette,
        hint: Some("run"),
        writes: false,
        doc: "Run the selected command",
    },
    PaletteNext {
        name: "palette-next",
        keys: ["down", "tab", "ctrl-n"],
        scope: Palette,
        hint: Some("select"),
        writes: false,
        doc: "Select the next match (wraps)",
    },
    PalettePrev {
        name: "palette-prev",
        keys: ["up", "shift-tab", "ctrl-p"],
        scope: Palette,
        hint: Some("select"),
        writes: false,
        doc: "Select the previous match (wraps)",
    },
    PaletteClose {
        name: "palette-close",
        keys: ["esc", "ctrl-c"],
        scope: Palette,
        hint: Some("close"),
        writes: false,
        doc: "Close the palette, running nothing",
    },
    PromptSubmit {
        name: "prompt-submit",
        keys: ["enter"],
        scope: Prompt,
        hint: Some("record"),
        writes: false,
        doc: "Record what was typed (a reason, a note, a release)",
    },
    PromptCancel {
        name: "prompt-cancel",
        keys: ["esc", "ctrl-c"],
        scope: Prompt,
        hint: Some("cancel"),
        writes: false,
        doc: "Close the prompt, recording nothing",
    },
    ConfirmYes {
        name: "confirm-yes",
        keys: ["y", "Y"],
        scope: Confirm,
        hint: Some("yes"),
        writes: false,
        doc: "Do what the dialog asks: quit, deploy, run the step (any key it does not use cancels)",
    },
    ConfirmDryRun {
        name: "confirm-dry-run",
        keys: ["t"],
        scope: Confirm,
        hint: Some("toggle dry run"),
        writes: false,
        doc: "Deploy dialog: make the deploy a server-side dry run, or a real one again",
    },
    ConfirmOverride {
        name: "confirm-override",
        keys: ["O"],
        scope: Confirm,
        hint: Some("override go/no-go"),
        writes: false,
        doc: "Deploy dialog: override the go/no-go that holds a deploy back, with a reason",
    },
    ConfirmByHand {
        name: "confirm-by-hand",
        keys: ["h"],
        scope: Confirm,
        hint: Some("posted by hand: done"),
        writes: true,
        doc: "Notify dialog: it went out another way; complete the step without sending",
    },
    ConfirmSwitch {
        name: "confirm-switch",
        keys: ["tab", "shift-tab", "left", "right"],
        scope: Confirm,
        hint: Some("move focus"),
        writes: false,
        doc: "Rollback confirmation: move the focus between Cancel and Roll back",
    },
    ConfirmChoose {
        name: "confirm-choose",
        keys: ["enter"],
        scope: Confirm,
        hint: Some("press the focused button"),
        writes: false,
        doc: "Rollback confirmation: press the focused button (it starts on Cancel); a key dialog takes Enter as cancel",
    },
    ConfirmCancel {
        name: "confirm-cancel",
        keys: ["esc", "n"],
        scope: Confirm,
        hint: Some("cancel"),
        writes: false,
        doc: "Cancel: nothing is done (the rollback goes back to its scope)",
    },
    RollbackSeverityUp {
        name: "rollback-severity-up",
        keys: ["up"],
        scope: RollbackAssess,
        hint: Some("severity"),
        writes: false,
        doc: "A more severe assessment (P0 is the worst)",
    },
    RollbackSeverityDown {
        name: "rollback-severity-down",
        keys: ["down"],
        scope: RollbackAssess,
        hint: Some("severity"),
        writes: false,
        doc: "A less severe assessment (P2 fixes forward)",
    },
    RollbackAssessNext {
        name: "rollback-assess-next",
        keys: ["enter"],
        scope: RollbackAssess,
        hint: Some("next"),
        writes: false,
        doc: "Journal the assessment and go on to the scope (or to fix forward, for P2)",
    },
    IncidentSeverityUp {
        name: "incident-severity-up",
        keys: ["up"],
        scope: IncidentForm,
        hint: Some("severity"),
        writes: false,
        doc: "A more severe level of the team's scale",
    },
    IncidentSeverityDown {
        name: "incident-severity-down",
        keys: ["down"],
        scope: IncidentForm,
        hint: None,
        writes: false,
        doc: "A less severe level of the team's scale",
    },
    IncidentNext {
        name: "incident-next",
        keys: ["enter"],
        scope: IncidentForm,
        hint: Some("declare"),
        writes: true,
        doc: "On to the confirmation (y declares it; any other key cancels)",
    },
    IncidentClose {
        name: "incident-close",
        keys: ["esc"],
        scope: IncidentForm,
        hint: Some("close"),
        writes: false,
        doc: "Close, declaring nothing",
    },
    RollbackAssessClose {
        name: "rollback-assess-close",
        keys: ["esc"],
        scope: RollbackAssess,
        hint: Some("close"),
        writes: false,
        doc: "Close the rollback wizard, having done nothing",
    },
    RollbackStop {
        name: "rollback-stop",
        keys: ["enter"],
        scope: RollbackFixForward,
        hint: Some("stop here"),
        writes: false,
        doc: "Fix forward: close the wizard (the assessment is journaled)",
    },
    RollbackAnyway {
        name: "rollback-anyway",
        keys: ["c"],
        scope: RollbackFixForward,
        hint: Some("roll back anyway"),
        writes: false,
        doc: "Go on to the scope of a rollback although the matrix says fix forward",
    },
    RollbackReassess {
        name: "rollback-reassess",
        keys: ["esc"],
        scope: RollbackFixForward,
        hint: Some("back"),
        writes: false,
        doc: "Back to the assessment",
    },
    RollbackSelect {
        name: "rollback-select",
        keys: ["space"],
        scope: RollbackScope,
        hint: Some("select"),
        writes: false,
        doc: "Select the Deployment for the rollback, or leave it out",
    },
    RollbackNewer {
        name: "rollback-newer",
        keys: ["left", "h"],
        scope: RollbackScope,
        hint: Some("revision"),
        writes: false,
        doc: "Roll the Deployment back to a newer revision",
    },
    RollbackOlder {
        name: "rollback-older",
        keys: ["right", "l"],
        scope: RollbackScope,
        hint: Some("revision"),
        writes: false,
        doc: "Roll the Deployment back to an older revision",
    },
    RollbackScopeNext {
        name: "rollback-scope-next",
        keys: ["enter"],
        scope: RollbackScope,
        hint: Some("next"),
        writes: false,
        doc: "Go on to the confirmation with what is selected",
    },
    RollbackScopeBack {
        name: "rollback-scope-back",
        keys: ["esc"],
        scope: RollbackScope,
        hint: Some("back"),
        writes: false,
        doc: "Back to the assessment",
    },
    RollbackRetry {
        name: "rollback-retry",
        keys: ["r"],
        scope: RollbackRunning,
        hint: Some("retry failed"),
        writes: true,
        doc: "Revert the Deployments whose revert failed again (journaled as a rollback of its own)",
    },
    RollbackVerify {
        name: "rollback-verify",
        keys: ["c"],
        scope: RollbackRunning,
        hint: Some("verify anyway"),
        writes: false,
        doc: "Once every revert has answered: verify although one failed (it counts against the verdict)",
    },
    RollbackHide {
        name: "rollback-hide",
        keys: ["esc", "q"],
        scope: RollbackRunning,
        hint: Some("hide (it goes on)"),
        writes: false,
        doc: "Hide the running rollback (R shows it again)",
    },
    RollbackSendNotice {
        name: "rollback-send-notice",
        keys: ["s"],
        scope: RollbackIncident,
        hint: Some("send the notice"),
        writes: true,
        doc: "Send the rollback notice to [rollback] notify, else the default channel",
    },
    RollbackClose {
        name: "rollback-close",
        keys: ["esc", "enter", "q"],
        scope: RollbackIncident,
        hint: Some("close"),
        writes: false,
        doc: "Close the finished rollback",
    },
}

// The rows are declared in the enum's order, so a command's row is at its
// discriminant; this proves it when the crate compiles.
const _: () = {
    let mut row = 0;
    while row < COMMANDS.len() {
        assert!(COMMANDS[row].command as usize == row);
        row += 1;
    }
};

impl Command {
    /// The command's row: total, since the table and the enum are one list.
    pub fn spec(self) -> &'static CommandSpec {
        &COMMANDS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn by_name(name: &str) -> Option<Command> {
        COMMANDS
            .iter()
            .find(|spec| spec.name == name)
            .map(|spec| spec.command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_command_has_exactly_one_row_with_a_unique_name() {
        let mut names = HashSet::new();
        let mut commands = HashSet::new();
        for spec in COMMANDS {
            assert!(names.insert(spec.name), "duplicate name {}", spec.name);
            assert!(
                commands.insert(spec.command),
                "duplicate row {:?}",
                spec.command
            );
            assert_eq!(spec.command.spec().name, spec.name);
            assert_eq!(Command::by_name(spec.name), Some(spec.command));
        }
    }

    #[test]
    fn every_scope_is_held_by_some_mode_and_listed_once() {
        let listed: HashSet<Scope> = Scope::ALL.into_iter().collect();
        assert_eq!(listed.len(), Scope::ALL.len());
        for scope in Scope::ALL {
            assert!(
                Mode::ALL.iter().any(|m| m.scopes().contains(&scope)),
                "no mode holds {scope:?}"
            );
        }
        for spec in COMMANDS {
            assert!(listed.contains(&spec.scope), "{}", spec.name);
        }
    }

    #[test]
    fn scopes_overlap_only_where_a_mode_holds_both() {
        assert!(Scope::Checklist.overlaps(Scope::Global));
        assert!(Scope::List.overlaps(Scope::Global), "lists in panes");
        assert!(Scope::Help.overlaps(Scope::Scroll));
        assert!(
            Scope::Confirm.overlaps(Scope::Text),
            "the typed confirmation"
        );
        assert!(!Scope::Checklist.overlaps(Scope::Calendar));
        assert!(
            !Scope::Help.overlaps(Scope::Global),
            "a dialog has the keys alone"
        );
        assert!(!Scope::Palette.overlaps(Scope::Scroll));
        assert!(!Scope::RollbackScope.overlaps(Scope::Confirm));
    }
}
