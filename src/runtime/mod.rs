//! Everything with side effects: the terminal, the event loop, signals.

mod command_run;
mod container_run;
pub mod deploy;
pub mod effects;
pub mod event_loop;
mod file_work;
pub mod follow;
mod frame_pacing;
pub mod gates;
pub mod health;
pub mod input;
pub mod messages;
mod release_switch;
pub mod repo_step;
pub mod rollback;
pub mod rollout;
pub mod share;
pub mod sharing;
pub mod signal_reader;
pub mod signals;
pub mod targets;
pub mod terminal;
pub mod versions;
pub mod view_file;

pub use effects::{EffectRunner, Runner, Writer};
pub use event_loop::{LoopOptions, Sources, run_loop};
pub use terminal::{TerminalControl, TerminalGuard};
