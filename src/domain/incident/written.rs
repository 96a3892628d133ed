//! What writing an incident report comes back with.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::follow_ups::PlannedFollowUp;

/// The report on disk, the notice's text to show and send, and what the
/// report left to do (from its draft), for the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentWritten {
    pub path: String,
    pub notice: String,
    /// `false`: an incident declared without a rollback.
    pub rolled_back: bool,
    pub report_due: DateTime<Utc>,
    pub follow_ups: Vec<PlannedFollowUp>,
}

/// Why the report (or its notice) was not written. `cause` is what the
/// operating system said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentError {
    /// The cockpit was started with nowhere to put reports.
    NoDirectory,
    CreateDir {
        dir: PathBuf,
        cause: String,
    },
    ReadDir {
        dir: PathBuf,
        cause: String,
    },
    Write {
        path: PathBuf,
        cause: String,
    },
    /// Every number tried was taken (by other cockpits) before it could be.
    NoFreeNumber {
        dir: PathBuf,
    },
}

impl fmt::Display for IncidentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoDirectory => f.write_str("no directory for incident reports is known"),
            Self::CreateDir { dir, cause } => write!(f, "cannot create {}: {cause}", dir.display()),
            Self::ReadDir { dir, cause } => write!(f, "cannot read {}: {cause}", dir.display()),
            Self::Write { path, cause } => write!(f, "cannot write {}: {cause}", path.display()),
            Self::NoFreeNumber { dir } => {
                write!(f, "no free incident number in {}", dir.display())
            }
        }
    }
}

impl std::error::Error for IncidentError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_names_the_file_or_dir_and_the_cause() {
        let lines = [
            (
                IncidentError::NoDirectory,
                "no directory for incident reports is known",
            ),
            (
                IncidentError::CreateDir {
                    dir: "/s/incidents".into(),
                    cause: "Permission denied (os error 13)".into(),
                },
                "cannot create /s/incidents: Permission denied (os error 13)",
            ),
            (
                IncidentError::ReadDir {
                    dir: "/s/incidents".into(),
                    cause: "Not a directory (os error 20)".into(),
                },
                "cannot read /s/incidents: Not a directory (os error 20)",
            ),
            (
                IncidentError::Write {
                    path: "/s/incidents/INCIDENT-0001.md".into(),
                    cause: "No space left on device (os error 28)".into(),
                },
                "cannot write /s/incidents/INCIDENT-0001.md: No space left on device (os error 28)",
            ),
            (
                IncidentError::NoFreeNumber {
                    dir: "/s/incidents".into(),
                },
                "no free incident number in /s/incidents",
            ),
        ];
        for (error, line) in lines {
            assert_eq!(error.to_string(), line);
        }
    }
}
