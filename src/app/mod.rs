//! The pure core: no terminal, no tokio, no client types.
//!
//! Everything the operator can do is a [`Msg`] fed to [`update`], which changes the
//! [`Model`] and returns the side effects to run as [`Effect`] values.

pub mod alerts;
pub mod calendar_actions;
pub mod clock;
pub mod commands;
pub mod confirm;
pub mod deploy_actions;
pub mod effect;
#[cfg(any(test, feature = "test-support"))]
pub mod fixture;
pub mod health_actions;
pub mod hints;
pub mod key;
pub mod keymap;
pub mod model;
pub mod msg;
pub mod notices;
mod overlay_keys;
pub mod palette;
pub mod panes;
pub mod remembered;
pub mod requests;
pub mod rollback_actions;
pub mod rollback_wizard;
pub mod scrolling;
pub(crate) mod step_actions;
pub mod update;

pub use commands::{COMMANDS, Command, CommandSpec, Mode, Scope};
pub use effect::Effect;
pub use key::Key;
pub use keymap::{Input, Keymap};
pub use model::{Model, Overlay};
pub use msg::Msg;
pub use panes::Pane;
pub use update::update;
