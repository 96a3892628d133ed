//! The command line: the arguments, and each subcommand that prints and exits
//! (`status`, `calendar`, `history`, `check-config`, `sandbox`), with the one
//! writer of what they print.

pub mod args;
pub mod calendar;
pub mod check_config;
pub mod git;
pub mod history;
pub mod metrics;
pub mod output;
pub mod sandbox;
pub mod status;
pub mod watch;

pub use args::{CalendarArgs, Cli, CliCommand, NotesArgs, SandboxArgs, StartArgs, VersionArgs};
