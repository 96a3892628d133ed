//! Everything with side effects: the terminal, the event loop, signals.

pub mod event_loop;
pub mod input;
pub mod signals;
pub mod terminal;

pub use event_loop::{LoopOptions, Sources, run_loop};
pub use terminal::{TerminalControl, TerminalGuard};
