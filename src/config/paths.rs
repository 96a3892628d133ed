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

/// Directories the cockpit creates for its state (journals, locks, logs,
/// incidents): only the user may list or enter them, whatever the umask.
pub const PRIVATE_DIR_MODE: u32 = 0o700;
/// Files the cockpit creates: only the user may read or write them.
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// `create_dir_all`, with every directory it creates private. The mode is
/// narrowed by the umask, never widened, so it holds under umask 000 too.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR_MODE)
        .create(dir)
}

/// `OpenOptions` that create a private file; set the rest as usual.
pub fn private_file() -> std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.mode(PRIVATE_FILE_MODE);
    options
}

/// `fs::write` for a private file (created, or truncated and rewritten).
pub fn write_private(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    use std::io::Write;
    private_file()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?
        .write_all(bytes.as_ref())
}
