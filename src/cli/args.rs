//! The command line: its arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "release-cockpit",
    version,
    about = "A terminal cockpit for release day"
)]
pub struct Cli {
    /// Config file (default: $RELEASE_COCKPIT_CONFIG, then the config dir; else the demo)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Watch only: every action that would change anything is refused, and nothing
    /// is written under the state dir (no journal, lock, pane memory or log)
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Colour theme for this run (dark, light, high-contrast, terminal, or a user theme)
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// Log file verbosity: error, warn, info, debug, trace (overrides RUST_LOG and config)
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Draw the first frame and exit (used by scripts/first-frame.sh)
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,

    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum CliCommand {
    /// Open the cockpit on the built-in demo, whatever config exists
    Demo {
        /// Run the demo's clock N times faster: pods, the bad release's
        /// onset, polls, rule durations and the verification window
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=600))]
        speed: u32,
    },
    /// Validate a config file and exit (0 when valid, 2 when not)
    CheckConfig {
        /// The file to check (default: the one the cockpit would use)
        path: Option<PathBuf>,
    },
    /// Print every path the cockpit uses: config, state, logs, themes, playbooks
    Info,
    /// Start a release: write its first journal entry; the cockpit then opens it
    Start(StartArgs),
    /// List past and current releases: id, type, version, T-0, progress, outcome
    Releases,
    /// Show a release day again from its journal, read-only, for
    /// post-mortems: P pauses, . shows the next line, + and - change speed
    Replay(ReplayArgs),
    /// Print a release's audit trail: time, operator, step, what and why
    History {
        /// The release id (default: the most recent)
        #[arg(long)]
        release: Option<String>,
        /// One JSON object per line, with every recorded field
        #[arg(long)]
        json: bool,
    },
    /// Print the release trains' releases with their freezes, windows and conflicts
    Calendar(CalendarArgs),
    /// Print the delivery figures from the journals: deployment frequency,
    /// lead time, change failure rate, time to restore (DORA) and more,
    /// against [metrics]' targets, with the releases behind each
    Metrics(MetricsArgs),
    /// Wait until the release's rollouts are complete and every signal has
    /// held through [rollback] verify, printing progress; exit 0 healthy,
    /// 1 a trigger fired or a rollout failed, 2 an error, 3 the timeout
    Watch(WatchArgs),
    /// Complete, skip or approve a step of the current release by the
    /// cockpit's rules, for scripts; refused while a cockpit writes it
    Step(StepArgs),
    /// Deploy the current release's version to what go/no-go allows (or to
    /// one environment's deploy step), by the cockpit's rules; --yes to go
    Deploy(DeployArgs),
    /// Roll the current release back by the guided rollback's rules: what
    /// it changed, to the revision before it (or --to); --reason and --yes
    /// to go; verified as the cockpit verifies, to the incident report
    Rollback(RollbackArgs),
    /// Print the targets' rollout state and every signal's value, rules and
    /// trigger state once; exit 0 healthy, 1 a critical rule breached or
    /// firing or a rollout failed, 2 something unreadable or stale, 3
    /// warnings only (with --strict)
    Status {
        /// One JSON object, for scripts
        #[arg(long)]
        json: bool,
        /// Warnings fail too (exit 3): a warn rule, a baseline rule with no baseline
        #[arg(long)]
        strict: bool,
    },
    /// Print a release's notes from git: the commits since the last release
    /// tag, grouped into sections, breaking changes first
    Notes(NotesArgs),
    /// Print the current and previous release from git's tags; with
    /// --suggest, the next version the commits since ask for
    Version(VersionArgs),
    /// Send a message (notice, announce, in-progress, complete, postponed)
    /// as the open release fills it in now, journaled; --dry-run prints it
    Notify(NotifyArgs),
    /// Serve the sandbox cluster (the demo world's Kubernetes API) on loopback, without the TUI
    Sandbox(SandboxArgs),
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (default: a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Where to write a kubeconfig for it (default: sandbox/kubeconfig in the state dir)
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Serve this many generated Deployments instead of the demo world
    #[arg(long, value_name = "N")]
    pub deployments: Option<usize>,
}

#[derive(Debug, Clone, Args)]
pub struct CalendarArgs {
    /// First day, YYYY-MM-DD in UTC (default: today)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Day after the last, YYYY-MM-DD in UTC (default: 90 days after --from)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// One JSON object per line, with every field
    #[arg(long, conflicts_with = "ics")]
    pub json: bool,
    /// An iCalendar file (releases, freezes, announcements) with stable UIDs
    #[arg(long)]
    pub ics: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// The playbook deploy step's environment (its step is then completed)
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    /// With --environment: the step naming this target
    #[arg(long, value_name = "TARGET", requires = "environment")]
    pub target: Option<String>,
    /// The release (default: the current one)
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// Deploy; without it the plan is printed and nothing changes
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// The release, as `releases` lists it
    pub release: String,
    /// Journal seconds per real second (quiet stretches are jumped over)
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub speed: u32,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    /// Only this target's units (default: every unit the release changed)
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// The version to go back to (default: the one before the release)
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Why: journaled, and in the incident report
    #[arg(long)]
    pub reason: String,
    /// How bad: P0, P1, P2 or the team's word from [rollback] severities
    /// (default: the firing trigger's suggestion, else P1)
    #[arg(long, value_name = "LEVEL")]
    pub severity: Option<String>,
    /// The release (default: the current one)
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// Roll back; without it the plan is printed and nothing changes
    #[arg(long)]
    pub yes: bool,
    /// Give up verifying after this long, exit 3 (the rollback stays
    /// journaled, unverified, and the cockpit resumes its verification)
    #[arg(long, value_name = "DURATION", default_value = "30m")]
    pub timeout: String,
}

#[derive(Debug, Clone, Args)]
pub struct StepArgs {
    /// complete, skip or approve
    #[arg(value_enum)]
    pub action: StepAction,
    /// The step's id, as the Checklist's details and `history` show it
    pub step: String,
    /// Why (skip needs one)
    #[arg(long)]
    pub reason: Option<String>,
    /// The release (default: the current one)
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// Complete a step due far ahead without asking
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StepAction {
    Complete,
    Skip,
    Approve,
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// The release whose last deploy is watched (default: the current one)
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// Give up after this long, exit 3
    #[arg(long, value_name = "DURATION", default_value = "30m")]
    pub timeout: String,
}

#[derive(Debug, Clone, Args)]
pub struct MetricsArgs {
    /// How far back: a duration such as 90d or 12w (default: [metrics] window, 90d)
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// The window's end, YYYY-MM-DD in UTC (default: now)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// One JSON object, for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct StartArgs {
    /// patch, minor, major, hotfix or emergency
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// Semantic version, e.g. 2.4.0
    #[arg(long)]
    pub version: String,
    /// T-0: "YYYY-MM-DD HH:MM [IANA zone]" (default zone: the operator's)
    #[arg(long, value_name = "WHEN")]
    pub at: String,
    /// Train or product name (default: the type)
    #[arg(long)]
    pub name: Option<String>,
    /// Playbook by name (default: the type's)
    #[arg(long)]
    pub playbook: Option<String>,
    /// A component's version, for a release of several: backend=1.5.0
    /// (repeat for each)
    #[arg(long = "component", value_name = "NAME=VERSION")]
    pub components: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct NotesArgs {
    /// The tag the notes start after (default: the last release tag)
    #[arg(long, value_name = "TAG")]
    pub from: Option<String>,
    /// The release commit (default: HEAD)
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub to: String,
    /// The component, for a release of several
    #[arg(long, value_name = "NAME")]
    pub component: Option<String>,
    /// The version the notes are for (default: the suggested next one)
    #[arg(long = "for", value_name = "VERSION")]
    pub for_version: Option<String>,
    /// markdown or json
    #[arg(long, value_name = "FORMAT", default_value = "markdown")]
    pub format: String,
    /// keep-a-changelog or team (default: the repo's `notes`)
    #[arg(long, value_name = "STYLE")]
    pub style: Option<String>,
    /// Also put the notes on top of the repo's CHANGELOG (the rest left as
    /// it is; nothing committed)
    #[arg(long)]
    pub write: bool,
    /// Also write the notes to this file
    #[arg(long, value_name = "PATH")]
    pub out: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct NotifyArgs {
    /// The template: notice, announce, in-progress, complete or postponed
    pub template: String,
    /// The [[channel]] to send to (default: the config's default channel)
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// Print the message instead of sending it
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking (for scripts; without it a terminal is asked)
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct VersionArgs {
    /// The next version the commits since the last release ask for, and why
    #[arg(long)]
    pub suggest: bool,
    /// The component, for a release of several
    #[arg(long, value_name = "NAME")]
    pub component: Option<String>,
    /// The release commit (default: HEAD)
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub to: String,
    /// One JSON object, for scripts
    #[arg(long)]
    pub json: bool,
}
