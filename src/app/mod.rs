//! The pure core: no terminal, no tokio, no client types.
//!
//! Everything the operator can do is a [`Msg`] fed to [`update`], which changes the
//! [`Model`] and returns the side effects to run as [`Effect`] values.

pub mod actions;
pub mod alerts;
pub mod clock;
pub mod dialogs;
pub mod effect;
#[cfg(any(test, feature = "test-support"))]
pub mod fixture;
pub mod keys;
pub mod messages;
pub mod model;
pub mod msg;
pub mod panes;
pub mod remembered;
pub mod replay;
pub mod repo_reads;
pub mod requests;
pub mod update;

pub use effect::Effect;
pub use keys::commands::{COMMANDS, Command, CommandSpec, Mode, Scope};
pub use keys::key::Key;
pub use keys::keymap::{Input, Keymap};
pub use model::{Model, Overlay};
pub use msg::Msg;
pub use panes::Pane;
pub use update::update;
