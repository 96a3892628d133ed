//! Where the cockpit keeps things, from the platform's conventions (XDG on Linux).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// The environment variable naming a config file, between `--config` and the default.
pub const CONFIG_ENV: &str = "RELEASE_COCKPIT_CONFIG";

#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// The platform directories; `None` only when no home directory can be found.
    pub fn discover() -> Option<Self> {
        let dirs = ProjectDirs::from("dev", "release-cockpit", "release-cockpit")?;
        let state_dir = dirs
            .state_dir()
            .map_or_else(|| dirs.data_local_dir().join("state"), Path::to_path_buf);
        Some(Self {
            config_dir: dirs.config_dir().to_path_buf(),
            state_dir,
        })
    }

    pub fn default_config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// Users' themes; a file here replaces the built-in theme of the same name.
    pub fn themes_dir(&self) -> PathBuf {
        self.config_dir.join("themes")
    }

    /// Users' playbooks, added to or overriding the built-in ones.
    pub fn playbooks_dir(&self) -> PathBuf {
        self.config_dir.join("playbooks")
    }

    /// Release journals, one file per release.
    pub fn releases_dir(&self) -> PathBuf {
        self.state_dir.join("releases")
    }

    /// The demo's journals, kept apart from real releases.
    pub fn demo_releases_dir(&self) -> PathBuf {
        self.state_dir.join("demo").join("releases")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }

    pub fn log_file(&self) -> PathBuf {
        self.log_dir().join("release-cockpit.log")
    }
}
