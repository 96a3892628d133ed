//! A release: what ships, when (T-0, with its time zone), and by which playbook.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

mod errors;
pub use errors::{NewReleaseError, T0Error, UnknownReleaseType, VersionError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseType {
    Patch,
    Minor,
    Major,
    Hotfix,
    Emergency,
}

impl ReleaseType {
    pub const ALL: [ReleaseType; 5] = [
        Self::Patch,
        Self::Minor,
        Self::Major,
        Self::Hotfix,
        Self::Emergency,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
            Self::Hotfix => "hotfix",
            Self::Emergency => "emergency",
        }
    }
}

impl fmt::Display for ReleaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ReleaseType {
    type Err = UnknownReleaseType;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == text.to_ascii_lowercase())
            .ok_or_else(|| UnknownReleaseType(text.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub id: String,
    /// The train or product name ("modules", "billing"); the type when none.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ReleaseType,
    pub version: semver::Version,
    /// T-0 as an instant; `zone` is the zone it was planned in.
    pub t0: DateTime<Utc>,
    pub zone: Tz,
    pub playbook: String,
    #[serde(default)]
    pub targets: Vec<String>,
    /// A release of several components: each one's version
    /// (`backend = 1.5.0`); empty for a release of one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub components: BTreeMap<String, semver::Version>,
}

impl Release {
    /// The version `component` ships in this release: its own, or the
    /// release's when the release has none for it.
    pub fn version_of(&self, component: Option<&str>) -> &semver::Version {
        component
            .and_then(|c| self.components.get(c))
            .unwrap_or(&self.version)
    }

    /// A stable id from what identifies a release: `minor-2.4.0-20261201`.
    pub fn make_id(name: &str, version: &semver::Version, t0: DateTime<Utc>) -> String {
        let name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        format!("{name}-{version}-{}", t0.format("%Y%m%d"))
    }

    pub fn t0_local(&self) -> DateTime<Tz> {
        self.t0.with_timezone(&self.zone)
    }
}

/// Longer ids are refused: no release name needs them, and file systems limit
/// a name to 255 bytes.
const MAX_ID_LEN: usize = 200;

/// A text that is not a release id (and so never becomes a path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidReleaseId(pub String);

impl std::fmt::Display for InvalidReleaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a release id: an id such as minor-2.4.0-20261201 holds only letters, digits, `.`, `-` and `+`, and does not start with `.` (see `release-cockpit releases`)",
            self.0
        )
    }
}

/// Whether `id` can be a release id, as `Release::make_id` makes them (its
/// semver part may add `+` and capitals). Every place that turns an id into a
/// file name checks this first, so `../x` or `a/b` never reaches the file system.
pub fn check_id(id: &str) -> Result<(), InvalidReleaseId> {
    let valid = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if valid {
        Ok(())
    } else {
        Err(InvalidReleaseId(id.to_owned()))
    }
}

/// The version after `last` for a release of `kind`: majors bump the major,
/// minors the minor, the rest the patch.
pub fn next_version(last: &semver::Version, kind: ReleaseType) -> semver::Version {
    match kind {
        ReleaseType::Major => semver::Version::new(last.major + 1, 0, 0),
        ReleaseType::Minor => semver::Version::new(last.major, last.minor + 1, 0),
        ReleaseType::Patch | ReleaseType::Hotfix | ReleaseType::Emergency => {
            semver::Version::new(last.major, last.minor, last.patch + 1)
        }
    }
}

/// Parses `2026-12-01 10:00 America/Los_Angeles` (zone optional: `default_zone`).
/// A local time that does not exist (DST gap) or is ambiguous (DST overlap) is an
/// error that says so, rather than a silent guess.
pub fn parse_t0(text: &str, default_zone: Tz) -> Result<(DateTime<Utc>, Tz), T0Error> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let (stamp, zone) = match parts.as_slice() {
        [date, time] => (format!("{date} {time}"), default_zone),
        [date, time, zone] => {
            let zone: Tz = zone
                .parse()
                .map_err(|_| T0Error::UnknownZone((*zone).to_owned()))?;
            (format!("{date} {time}"), zone)
        }
        _ => return Err(T0Error::NotATime(text.to_owned())),
    };
    let naive = NaiveDateTime::parse_from_str(&stamp, "%Y-%m-%d %H:%M").map_err(|cause| {
        T0Error::BadStamp {
            stamp: stamp.clone(),
            cause,
        }
    })?;
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Ok((t.with_timezone(&Utc), zone)),
        chrono::LocalResult::Ambiguous(a, b) => Err(T0Error::Ambiguous {
            stamp,
            zone,
            earlier: a.with_timezone(&Utc),
            later: b.with_timezone(&Utc),
        }),
        chrono::LocalResult::None => Err(T0Error::Skipped { stamp, zone }),
    }
}

/// What a new release needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelease {
    pub kind: ReleaseType,
    pub version: semver::Version,
    pub t0: DateTime<Utc>,
    pub zone: Tz,
    /// Train or product name; the type when not given.
    pub name: Option<String>,
    /// Playbook by name; the type's default when not given.
    pub playbook: Option<String>,
    /// Each component's version, for a release of several.
    pub components: BTreeMap<String, semver::Version>,
}

impl NewRelease {
    /// Parses the palette's `TYPE VERSION YYYY-MM-DD HH:MM [ZONE]
    /// [COMPONENT=VERSION ...]` (the components' words anywhere after the
    /// version).
    pub fn parse(spec: &str, default_zone: Tz) -> Result<Self, NewReleaseError> {
        let (components, spec) = take_components(spec)?;
        let words: Vec<&str> = spec.split_whitespace().collect();
        let [kind, version, rest @ ..] = words.as_slice() else {
            return Err(NewReleaseError::Shape);
        };
        let kind = kind.parse()?;
        let version = parse_version(version)?;
        let (t0, zone) = parse_t0(&rest.join(" "), default_zone)?;
        Ok(Self {
            kind,
            version,
            t0,
            zone,
            name: None,
            playbook: None,
            components,
        })
    }
}

/// The `name=version` words of `spec`, and the rest of it.
pub fn take_components(
    spec: &str,
) -> Result<(BTreeMap<String, semver::Version>, String), NewReleaseError> {
    let mut components = BTreeMap::new();
    let mut rest = Vec::new();
    for word in spec.split_whitespace() {
        let Some((name, version)) = word.split_once('=') else {
            rest.push(word);
            continue;
        };
        let named = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !named {
            return Err(NewReleaseError::Component(word.to_owned()));
        }
        components.insert(name.to_owned(), parse_version(version)?);
    }
    Ok((components, rest.join(" ")))
}

pub fn parse_version(text: &str) -> Result<semver::Version, VersionError> {
    semver::Version::parse(text.trim_start_matches('v')).map_err(|cause| VersionError {
        text: text.to_owned(),
        cause,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn made_ids_are_ids_and_paths_are_not() {
        let version = semver::Version::parse("2.4.0-rc.1+Build.7").unwrap();
        let t0 = Utc::now();
        for id in [
            Release::make_id("Mobile App / iOS", &version, t0),
            "minor-2.4.0-20261201".to_owned(),
        ] {
            assert_eq!(check_id(&id), Ok(()), "{id}");
        }
        for id in [
            "",
            ".",
            "..",
            "../victim",
            "a/b",
            "/etc/passwd",
            ".hidden",
            "a\\b",
            "a b",
            "a\u{1b}b",
        ] {
            assert!(check_id(id).is_err(), "{id:?}");
        }
        assert!(check_id(&"a".repeat(201)).is_err());
    }

    use super::*;

    #[test]
    fn parses_t0_in_its_zone() {
        let (t0, zone) = parse_t0("2026-12-01 10:00 America/Los_Angeles", chrono_tz::UTC).unwrap();
        assert_eq!(zone, chrono_tz::America::Los_Angeles);
        assert_eq!(t0.to_rfc3339(), "2026-12-01T18:00:00+00:00");
        let (t0, zone) = parse_t0("2026-07-01 10:00", chrono_tz::Europe::Berlin).unwrap();
        assert_eq!(
            (t0.to_rfc3339().as_str(), zone),
            ("2026-07-01T08:00:00+00:00", chrono_tz::Europe::Berlin)
        );
    }

    #[test]
    fn dst_gaps_and_overlaps_are_errors_not_guesses() {
        let gap = parse_t0("2026-03-08 02:30 America/Los_Angeles", chrono_tz::UTC)
            .unwrap_err()
            .to_string();
        assert!(gap.contains("does not exist"), "{gap}");
        let overlap = parse_t0("2026-11-01 01:30 America/Los_Angeles", chrono_tz::UTC)
            .unwrap_err()
            .to_string();
        assert!(overlap.contains("happens twice"), "{overlap}");
    }

    #[test]
    fn ids_are_stable_and_file_safe() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        let version = semver::Version::new(2, 4, 0);
        assert_eq!(
            Release::make_id("Billing API", &version, t0),
            "billing-api-2.4.0-20261201"
        );
    }

    #[test]
    fn release_types_parse_case_insensitively() {
        assert_eq!("Hotfix".parse::<ReleaseType>(), Ok(ReleaseType::Hotfix));
        assert!("weekly".parse::<ReleaseType>().is_err());
    }
}
