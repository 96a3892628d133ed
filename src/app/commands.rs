//! The one table of commands. The keymap, the `?` help overlay, the `:` palette and
//! the footer hints are all built from it, so a command is declared exactly once.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Quit,
    Help,
    Palette,
    Notices,
    FocusNext,
    FocusPrev,
    FocusCalendar,
    FocusChecklist,
    FocusRollout,
    FocusHealth,
    Zoom,
    CycleTheme,
    Suspend,
    MoveUp,
    MoveDown,
    Complete,
    Skip,
    Approve,
    Note,
    RunGate,
    Undo,
    Details,
    Override,
    NewRelease,
    SwitchRelease,
    CalendarPrevMonth,
    CalendarNextMonth,
    CalendarPrevDay,
    CalendarNextDay,
    CalendarPrevWeek,
    CalendarNextWeek,
    CalendarToday,
    CalendarOpen,
    CalendarPickNext,
    CalendarPostpone,
    CalendarSkip,
    CalendarRestore,
    RolloutUp,
    RolloutDown,
    RolloutHistory,
    Deploy,
    HealthUp,
    HealthDown,
    Rollback,
}

/// Where a command applies: everywhere, or in one pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Checklist,
    Calendar,
    Rollout,
    Health,
}

impl Scope {
    /// Two scopes share keys only when they can never be active together.
    pub fn overlaps(self, other: Scope) -> bool {
        self == other || self == Scope::Global || other == Scope::Global
    }
}

#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub command: Command,
    /// The name users remap in `[keys]` and type in the palette.
    pub name: &'static str,
    pub default_keys: &'static [&'static str],
    pub doc: &'static str,
    /// Short label for the footer; commands without one stay out of the footer.
    pub hint: Option<&'static str>,
    pub scope: Scope,
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        command: Command::Deploy,
        name: "deploy",
        default_keys: &["d"],
        doc: "Deploy the release's version to the shown Deployments (asks first)",
        hint: Some("deploy"),
        scope: Scope::Rollout,
    },
    CommandSpec {
        command: Command::RolloutHistory,
        name: "rollout-history",
        default_keys: &["enter"],
        doc: "Show the selected Deployment's revision history",
        hint: Some("history"),
        scope: Scope::Rollout,
    },
    CommandSpec {
        command: Command::RolloutUp,
        name: "rollout-up",
        default_keys: &["k", "up"],
        doc: "Select the Deployment above",
        hint: None,
        scope: Scope::Rollout,
    },
    CommandSpec {
        command: Command::RolloutDown,
        name: "rollout-down",
        default_keys: &["j", "down"],
        doc: "Select the Deployment below",
        hint: Some("move"),
        scope: Scope::Rollout,
    },
    CommandSpec {
        command: Command::HealthUp,
        name: "health-up",
        default_keys: &["k", "up"],
        doc: "Select the signal above",
        hint: None,
        scope: Scope::Health,
    },
    CommandSpec {
        command: Command::HealthDown,
        name: "health-down",
        default_keys: &["j", "down"],
        doc: "Select the signal below",
        hint: Some("move"),
        scope: Scope::Health,
    },
    CommandSpec {
        command: Command::Rollback,
        name: "rollback",
        default_keys: &["R"],
        doc: "Guided rollback: severity, targets and revisions, confirm, execute, verify, incident report",
        hint: Some("rollback"),
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::FocusNext,
        name: "focus-next",
        default_keys: &["tab"],
        doc: "Move focus to the next pane",
        hint: Some("focus"),
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::FocusPrev,
        name: "focus-prev",
        default_keys: &["shift-tab"],
        doc: "Move focus to the previous pane",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::FocusCalendar,
        name: "focus-calendar",
        default_keys: &["1"],
        doc: "Focus the Calendar pane",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::FocusChecklist,
        name: "focus-checklist",
        default_keys: &["2"],
        doc: "Focus the Checklist pane",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::FocusRollout,
        name: "focus-rollout",
        default_keys: &["3"],
        doc: "Focus the Rollout pane",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::FocusHealth,
        name: "focus-health",
        default_keys: &["4"],
        doc: "Focus the Health pane",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::Zoom,
        name: "zoom",
        default_keys: &["z"],
        doc: "Zoom the focused pane to full screen, or back",
        hint: Some("zoom"),
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::Palette,
        name: "palette",
        default_keys: &[":"],
        doc: "Open the command palette",
        hint: Some("commands"),
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::Notices,
        name: "notices",
        default_keys: &[],
        doc: "Every notice of this session in full, with its time",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::Help,
        name: "help",
        default_keys: &["?"],
        doc: "Show every command and its keys",
        hint: Some("help"),
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::CycleTheme,
        name: "cycle-theme",
        default_keys: &["T"],
        doc: "Switch to the next colour theme",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::Suspend,
        name: "suspend",
        default_keys: &["ctrl-z"],
        doc: "Suspend to the shell (resume with `fg`)",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::MoveDown,
        name: "move-down",
        default_keys: &["j", "down"],
        doc: "Select the next row",
        hint: None,
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::MoveUp,
        name: "move-up",
        default_keys: &["k", "up"],
        doc: "Select the previous row",
        hint: None,
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Complete,
        name: "complete",
        default_keys: &["space"],
        doc: "Complete the step (runs a gate; folds a phase)",
        hint: Some("complete"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Skip,
        name: "skip",
        default_keys: &["s"],
        doc: "Skip the step, with a reason",
        hint: Some("skip"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Approve,
        name: "approve",
        default_keys: &["a"],
        doc: "Approve an approval step as yourself",
        hint: Some("approve"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Note,
        name: "note",
        default_keys: &["n"],
        doc: "Add a note to the step",
        hint: Some("note"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::RunGate,
        name: "run-gate",
        default_keys: &["r"],
        doc: "Run (or re-run) the step's gate",
        hint: Some("run gate"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Undo,
        name: "undo",
        default_keys: &["u"],
        doc: "Undo your last action on the step (recorded, nothing erased)",
        hint: Some("undo"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Details,
        name: "details",
        default_keys: &["enter"],
        doc: "Instructions, gate output and history of the step",
        hint: Some("details"),
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::Override,
        name: "override-go-no-go",
        default_keys: &["O"],
        doc: "Override a blocked production deploy, with a reason",
        hint: None,
        scope: Scope::Checklist,
    },
    CommandSpec {
        command: Command::CalendarOpen,
        name: "calendar-open",
        default_keys: &["enter"],
        doc: "Open the selected day's release, or start it",
        hint: Some("open/start"),
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarPostpone,
        name: "calendar-postpone",
        default_keys: &["p"],
        doc: "Postpone the selected release (this one only), with a reason",
        hint: Some("postpone"),
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarSkip,
        name: "calendar-skip",
        default_keys: &["s"],
        doc: "Skip the selected release (this one only), with a reason",
        hint: Some("skip"),
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarRestore,
        name: "calendar-restore",
        default_keys: &["u"],
        doc: "Put a postponed or skipped release back where its rule puts it",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarPickNext,
        name: "calendar-pick-next",
        default_keys: &["n"],
        doc: "Select the next release on the same day",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarPrevMonth,
        name: "calendar-prev-month",
        default_keys: &["[", "h"],
        doc: "Show the previous month",
        hint: Some("month"),
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarNextMonth,
        name: "calendar-next-month",
        default_keys: &["]", "l"],
        doc: "Show the next month",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarPrevDay,
        name: "calendar-prev-day",
        default_keys: &["left"],
        doc: "Select the previous day",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarNextDay,
        name: "calendar-next-day",
        default_keys: &["right"],
        doc: "Select the next day",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarPrevWeek,
        name: "calendar-prev-week",
        default_keys: &["up", "k"],
        doc: "Select the same day a week earlier",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarNextWeek,
        name: "calendar-next-week",
        default_keys: &["down", "j"],
        doc: "Select the same day a week later",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::CalendarToday,
        name: "calendar-today",
        default_keys: &["t"],
        doc: "Select today",
        hint: None,
        scope: Scope::Calendar,
    },
    CommandSpec {
        command: Command::NewRelease,
        name: "release-new",
        default_keys: &[],
        doc: "Start a new release: type, version, T-0",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::SwitchRelease,
        name: "release-switch",
        default_keys: &[],
        doc: "Open another release by id",
        hint: None,
        scope: Scope::Global,
    },
    CommandSpec {
        command: Command::Quit,
        name: "quit",
        default_keys: &["q", "ctrl-c"],
        doc: "Quit (asks first while an action is running)",
        hint: Some("quit"),
        scope: Scope::Global,
    },
];

impl Command {
    pub fn spec(self) -> &'static CommandSpec {
        // Every variant has a row; the test below keeps it that way.
        COMMANDS
            .iter()
            .find(|spec| spec.command == self)
            .unwrap_or(&COMMANDS[0])
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
}
