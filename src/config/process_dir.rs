//! Where a team's release process lives: the folder of the config file, with
//! `playbooks/` and `templates/` beside it, so that a repository can hold the
//! whole process and `check-config PATH` checks all of it. The default config
//! file's folder is the config dir, so nothing moves for it; the demo reads
//! the config dir's.

use std::path::{Path, PathBuf};

use super::paths::Paths;
use super::source::ConfigSource;

/// The folders read beside the config file; `None` where there is no folder
/// to read (the demo with no home directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessDir {
    pub playbooks: Option<PathBuf>,
    pub templates: Option<PathBuf>,
}

impl ConfigSource {
    /// The folder the config's relative paths, playbooks and templates are in.
    pub fn folder(&self, paths: Option<&Paths>) -> Option<PathBuf> {
        match self {
            Self::Flag(file) | Self::Env(file) | Self::DefaultFile(file) => {
                Some(match file.parent() {
                    // `--config cockpit.toml`: the current directory.
                    Some(dir) if dir != Path::new("") => dir.to_path_buf(),
                    _ => PathBuf::from("."),
                })
            }
            Self::Demo { .. } => paths.map(|p| p.config_dir.clone()),
        }
    }

    pub fn process_dir(&self, paths: Option<&Paths>) -> ProcessDir {
        let folder = self.folder(paths);
        ProcessDir {
            playbooks: folder.as_ref().map(|dir| dir.join("playbooks")),
            templates: folder.as_ref().map(|dir| dir.join("templates")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> Paths {
        Paths {
            config_dir: PathBuf::from("/home/a/.config/release-cockpit"),
            state_dir: PathBuf::from("/home/a/.local/state/release-cockpit"),
        }
    }

    #[test]
    fn playbooks_and_templates_are_beside_the_config_file_given() {
        for source in [
            ConfigSource::Flag("/repo/release/cockpit.toml".into()),
            ConfigSource::Env("/repo/release/cockpit.toml".into()),
        ] {
            assert_eq!(
                source.process_dir(Some(&paths())),
                ProcessDir {
                    playbooks: Some("/repo/release/playbooks".into()),
                    templates: Some("/repo/release/templates".into()),
                },
                "{source:?}"
            );
        }
        let bare = ConfigSource::Flag("cockpit.toml".into());
        assert_eq!(bare.process_dir(None).playbooks, Some("./playbooks".into()));
    }

    #[test]
    fn the_default_file_and_the_demo_read_the_config_dir() {
        let paths = paths();
        let default = ConfigSource::DefaultFile(paths.default_config_file());
        assert_eq!(
            default.process_dir(Some(&paths)).playbooks,
            Some(paths.playbooks_dir())
        );
        let demo = ConfigSource::Demo {
            reason: "test".into(),
        };
        assert_eq!(
            demo.process_dir(Some(&paths)).templates,
            Some(paths.config_dir.join("templates"))
        );
        assert_eq!(
            demo.process_dir(None),
            ProcessDir {
                playbooks: None,
                templates: None
            }
        );
    }
}
