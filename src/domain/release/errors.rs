//! Why a release's type, version or T-0 as typed cannot be used.

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// A word that is not one of the release types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReleaseType(pub String);

impl fmt::Display for UnknownReleaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a release type: use patch, minor, major, hotfix or emergency",
            self.0
        )
    }
}

impl std::error::Error for UnknownReleaseType {}

/// A version that is not semantic.
#[derive(Debug)]
pub struct VersionError {
    pub text: String,
    pub cause: semver::Error,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a semantic version like 2.4.0: {}",
            self.text, self.cause
        )
    }
}

impl std::error::Error for VersionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// Why a T-0 as typed is not one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum T0Error {
    UnknownZone(String),
    /// Not `DATE TIME [ZONE]` at all.
    NotATime(String),
    BadStamp {
        stamp: String,
        cause: chrono::ParseError,
    },
    /// The clocks go back over it: it happens at both instants.
    Ambiguous {
        stamp: String,
        zone: Tz,
        earlier: DateTime<Utc>,
        later: DateTime<Utc>,
    },
    /// The clocks go forward over it.
    Skipped {
        stamp: String,
        zone: Tz,
    },
}

impl fmt::Display for T0Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownZone(zone) => write!(
                f,
                "`{zone}` is not an IANA time zone (e.g. America/Los_Angeles, UTC)"
            ),
            Self::NotATime(text) => write!(
                f,
                "`{text}` is not a time: write \"2026-12-01 10:00 America/Los_Angeles\""
            ),
            Self::BadStamp { stamp, cause } => {
                write!(f, "`{stamp}` is not \"YYYY-MM-DD HH:MM\": {cause}")
            }
            Self::Ambiguous {
                stamp,
                zone,
                earlier,
                later,
            } => write!(
                f,
                "{stamp} happens twice in {zone} (clocks go back): use {} or {} in UTC",
                earlier.format("%H:%M"),
                later.format("%H:%M")
            ),
            Self::Skipped { stamp, zone } => {
                write!(f, "{stamp} does not exist in {zone} (clocks go forward)")
            }
        }
    }
}

impl std::error::Error for T0Error {}

/// Why the palette's `TYPE VERSION YYYY-MM-DD HH:MM [ZONE]` is not a release.
#[derive(Debug)]
pub enum NewReleaseError {
    /// Fewer than the two words before the time.
    Shape,
    Kind(UnknownReleaseType),
    Version(VersionError),
    T0(T0Error),
    /// A `name=version` word whose name is no component name.
    Component(String),
}

impl fmt::Display for NewReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape => f.write_str(
                "write TYPE VERSION YYYY-MM-DD HH:MM [ZONE], e.g. minor 2.4.0 2026-12-01 10:00 America/Los_Angeles",
            ),
            Self::Kind(error) => error.fmt(f),
            Self::Version(error) => error.fmt(f),
            Self::T0(error) => error.fmt(f),
            Self::Component(word) => write!(
                f,
                "`{word}` is not COMPONENT=VERSION: write e.g. backend=1.5.0 (letters, digits, - and _ in the name)"
            ),
        }
    }
}

impl std::error::Error for NewReleaseError {}

impl From<UnknownReleaseType> for NewReleaseError {
    fn from(error: UnknownReleaseType) -> Self {
        Self::Kind(error)
    }
}

impl From<VersionError> for NewReleaseError {
    fn from(error: VersionError) -> Self {
        Self::Version(error)
    }
}

impl From<T0Error> for NewReleaseError {
    fn from(error: T0Error) -> Self {
        Self::T0(error)
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn each_error_says_what_to_write_instead() {
        let zone = chrono_tz::America::Los_Angeles;
        let lines = [
            (
                NewRelease::parse("hotfix", zone).unwrap_err(),
                "write TYPE VERSION YYYY-MM-DD HH:MM [ZONE], e.g. minor 2.4.0 2026-12-01 10:00 America/Los_Angeles",
            ),
            (
                NewRelease::parse("weekly 1.0.0 2026-12-01 10:00", zone).unwrap_err(),
                "`weekly` is not a release type: use patch, minor, major, hotfix or emergency",
            ),
            (
                NewRelease::parse("minor 2.4 2026-12-01 10:00", zone).unwrap_err(),
                "`2.4` is not a semantic version like 2.4.0: unexpected end of input while parsing minor version number",
            ),
            (
                NewRelease::parse("minor 2.4.0 2026-12-01 10:00 Mars/Olympus", zone).unwrap_err(),
                "`Mars/Olympus` is not an IANA time zone (e.g. America/Los_Angeles, UTC)",
            ),
            (
                NewRelease::parse("minor 2.4.0 tomorrow", zone).unwrap_err(),
                "`tomorrow` is not a time: write \"2026-12-01 10:00 America/Los_Angeles\"",
            ),
            (
                NewRelease::parse("minor 2.4.0 2026-12-01 25:00", zone).unwrap_err(),
                "`2026-12-01 25:00` is not \"YYYY-MM-DD HH:MM\": input is out of range",
            ),
            (
                NewRelease::parse("minor 2.4.0 2026-11-01 01:30", zone).unwrap_err(),
                "2026-11-01 01:30 happens twice in America/Los_Angeles (clocks go back): use 08:30 or 09:30 in UTC",
            ),
            (
                NewRelease::parse("minor 2.4.0 2026-03-08 02:30", zone).unwrap_err(),
                "2026-03-08 02:30 does not exist in America/Los_Angeles (clocks go forward)",
            ),
        ];
        for (error, line) in lines {
            assert_eq!(error.to_string(), line);
        }
    }
}
