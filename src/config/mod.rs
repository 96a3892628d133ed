//! The TOML configuration: where it is found, what it may say, and errors that
//! point at the exact file, line and key with a fix.

mod channels;
mod command_target;
mod docker_target;
mod error;
mod incident;
mod locate;
pub mod message_templates;
mod metrics;
pub mod paths;
mod playbook_env;
mod playbook_file;
mod playbook_vars;
mod playbooks;
mod process_dir;
pub mod repos;
mod rollback;
mod schema;
pub mod share;
mod signals;
mod source;
pub mod targets;
pub mod themes;
mod toml_dir;
mod trains;

pub use error::{ConfigError, ConfigErrors, closest};
pub use playbook_file::{parse_playbook, parse_recorded_playbook};
pub use playbooks::{PlaybookEntry, PlaybookLibrary};
pub use process_dir::ProcessDir;
pub use schema::{
    BlackoutConfig, Config, KeyList, LogConfig, OperatorConfig, TrainConfig, UiConfig,
};
pub use source::{ConfigSource, DEMO_CONFIG, EXAMPLE_CONFIG, LoadedConfig, Settings, parse};
pub use targets::Targets;
pub use toml_dir::load_toml_dir;
