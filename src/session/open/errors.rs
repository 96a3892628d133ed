//! Why a release did not start, open or read.

use std::fmt;
use std::path::PathBuf;

use crate::config::ConfigErrors;
use crate::domain::release::{InvalidReleaseId, ReleaseType};
use crate::session::journal::JournalError;

/// Why a new release was not started.
#[derive(Debug)]
pub enum StartError {
    NoSuchPlaybook {
        name: String,
        known: Vec<String>,
    },
    NoPlaybookFor(ReleaseType),
    InvalidId(InvalidReleaseId),
    /// A release with the same id has a journal already: it is never touched.
    Exists {
        id: String,
        path: PathBuf,
    },
    Journal(JournalError),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchPlaybook { name, known } => write!(
                f,
                "no playbook named `{name}` (there are: {})",
                known.join(", ")
            ),
            Self::NoPlaybookFor(kind) => write!(f, "no playbook for {kind} releases"),
            Self::InvalidId(error) => error.fmt(f),
            Self::Exists { id, path } => {
                write!(f, "release {id} exists already ({})", path.display())
            }
            Self::Journal(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Journal(error) => Some(error),
            _ => None,
        }
    }
}

impl From<InvalidReleaseId> for StartError {
    fn from(error: InvalidReleaseId) -> Self {
        Self::InvalidId(error)
    }
}

impl From<JournalError> for StartError {
    fn from(error: JournalError) -> Self {
        Self::Journal(error)
    }
}

/// A journal with no release to rebuild: its first line is not a usable
/// `release_started` (which holds the release and its playbook).
#[derive(Debug)]
pub struct UnusableJournal {
    pub path: PathBuf,
    pub why: Unusable,
}

#[derive(Debug)]
pub enum Unusable {
    /// Written by a newer build: what replay said.
    NewerFormat {
        problems: Vec<String>,
    },
    /// The first line is damaged; `valid` events follow it.
    FirstLineLost {
        line: u64,
        reason: String,
        valid: usize,
    },
    NoEvents,
    NotStarted,
    Playbook(ConfigErrors),
}

impl fmt::Display for UnusableJournal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.why {
            Unusable::NewerFormat { problems } => write!(f, "{path}: {}", problems.join("; ")),
            Unusable::FirstLineLost {
                line,
                reason,
                valid,
            } => write!(
                f,
                "{path}: line {line}, which should hold the release_started event (the release and its playbook), cannot be used ({reason}); the release cannot be rebuilt without it. The file is left as it is, with the {valid} valid events after it: restore that line from a backup (or from a copy a follower kept), then open the release again"
            ),
            Unusable::NoEvents => write!(f, "{path} holds no valid events"),
            Unusable::NotStarted => {
                write!(f, "{path}: it does not start with a release_started event")
            }
            Unusable::Playbook(error) => {
                write!(f, "{path}: the recorded playbook no longer parses: {error}")
            }
        }
    }
}

impl std::error::Error for UnusableJournal {}

/// Why a release did not open for writing.
#[derive(Debug)]
pub enum OpenError {
    /// This build must not write the journal (a newer format): follow it
    /// read-only instead.
    WriteRefused(JournalError),
    InvalidId(InvalidReleaseId),
    Journal(JournalError),
    Unusable(UnusableJournal),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WriteRefused(error) | Self::Journal(error) => error.fmt(f),
            Self::InvalidId(error) => error.fmt(f),
            Self::Unusable(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for OpenError {}

/// Why a release could not be read (without writing to it).
#[derive(Debug)]
pub enum ReadError {
    InvalidId(InvalidReleaseId),
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Unusable(UnusableJournal),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidId(error) => error.fmt(f),
            Self::Io { path, error } => write!(f, "{error}: {}", path.display()),
            Self::Unusable(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_and_read_errors_say_what_exists_and_what_is_missing() {
        let lines = [
            (
                StartError::NoSuchPlaybook {
                    name: "weekly".into(),
                    known: vec!["minor".into(), "hotfix".into()],
                }
                .to_string(),
                "no playbook named `weekly` (there are: minor, hotfix)",
            ),
            (
                StartError::NoPlaybookFor(ReleaseType::Major).to_string(),
                "no playbook for major releases",
            ),
            (
                StartError::Exists {
                    id: "minor-2.4.0-20261201".into(),
                    path: "/s/minor-2.4.0-20261201.jsonl".into(),
                }
                .to_string(),
                "release minor-2.4.0-20261201 exists already (/s/minor-2.4.0-20261201.jsonl)",
            ),
            (
                ReadError::Io {
                    path: "/s/r.jsonl".into(),
                    error: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                }
                .to_string(),
                "permission denied: /s/r.jsonl",
            ),
            (
                UnusableJournal {
                    path: "/s/r.jsonl".into(),
                    why: Unusable::NoEvents,
                }
                .to_string(),
                "/s/r.jsonl holds no valid events",
            ),
            (
                UnusableJournal {
                    path: "/s/r.jsonl".into(),
                    why: Unusable::NotStarted,
                }
                .to_string(),
                "/s/r.jsonl: it does not start with a release_started event",
            ),
        ];
        for (text, line) in lines {
            assert_eq!(text, line);
        }
    }
}
