//! What the repositories say about a release, read by the runtime for the
//! cockpit: per component (or the one repo), the previous release, the
//! next version its commits ask for, whether it holds more than the
//! release's type allows, and its notes. The prompts that start a release
//! are filled in from it; the Checklist flags and previews it.

use super::bump::{Bump, apply};
use crate::domain::release::ReleaseType;

/// What the runtime read of a release's repositories, or why it could not.
pub type RepoReading = Result<Vec<ComponentReading>, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentReading {
    /// The component, or the repo's name for a release without them.
    pub label: String,
    pub component: Option<String>,
    pub previous_tag: Option<String>,
    pub commits: usize,
    pub bump: Bump,
    /// The next version the commits ask for, and why.
    pub suggested: semver::Version,
    pub why: String,
    /// "this patch release holds a feature: ..." (read for a release).
    pub beyond_type: Option<String>,
    /// The notes as Markdown, for the version the release ships (or the
    /// suggested one).
    pub notes: String,
    pub summary: String,
}

/// What a prompt that starts a release is filled in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefill {
    pub kind: ReleaseType,
    /// The release's version.
    pub version: semver::Version,
    /// `backend=1.5.0 bot=0.9.0`, for a release of components.
    pub components: String,
    /// For the notice: where each version came from.
    pub why: String,
}

/// The suggestion for a new release: one repo's next version; for
/// components, each one's, and the release's own version as `previous`
/// (the train's last release) bumped by the most any component asks.
pub fn prefill(
    readings: &[ComponentReading],
    previous: Option<&semver::Version>,
) -> Option<Prefill> {
    let most = readings.iter().map(|r| r.bump).max()?;
    let kind = match most {
        Bump::Major => ReleaseType::Major,
        Bump::Minor => ReleaseType::Minor,
        Bump::Patch | Bump::None => ReleaseType::Patch,
    };
    let why = readings
        .iter()
        .map(|r| format!("{} {} ({})", r.label, r.suggested, r.why))
        .collect::<Vec<_>>()
        .join("; ");
    match readings {
        [one] if one.component.is_none() => Some(Prefill {
            kind,
            version: one.suggested.clone(),
            components: String::new(),
            why,
        }),
        _ => Some(Prefill {
            kind,
            version: apply(previous, most),
            components: readings
                .iter()
                .filter_map(|r| Some(format!("{}={}", r.component.as_ref()?, r.suggested)))
                .collect::<Vec<_>>()
                .join(" "),
            why,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(component: Option<&str>, bump: Bump, suggested: &str) -> ComponentReading {
        ComponentReading {
            label: component.unwrap_or("app").to_owned(),
            component: component.map(str::to_owned),
            previous_tag: None,
            commits: 1,
            bump,
            suggested: semver::Version::parse(suggested).unwrap(),
            why: "1 feature(s)".into(),
            beyond_type: None,
            notes: String::new(),
            summary: String::new(),
        }
    }

    #[test]
    fn one_repo_gets_its_next_version_and_the_type_it_asks_for() {
        let filled = prefill(&[reading(None, Bump::Minor, "2.5.0")], None).unwrap();
        assert_eq!(
            (
                filled.kind,
                filled.version.to_string(),
                filled.components.as_str()
            ),
            (ReleaseType::Minor, "2.5.0".to_owned(), "")
        );
        assert_eq!(filled.why, "app 2.5.0 (1 feature(s))");
    }

    #[test]
    fn components_each_get_theirs_and_the_release_the_largest_bump() {
        let readings = [
            reading(Some("backend"), Bump::Minor, "1.5.0"),
            reading(Some("bot"), Bump::Patch, "0.8.1"),
        ];
        let previous = semver::Version::new(2026, 11, 3);
        let filled = prefill(&readings, Some(&previous)).unwrap();
        assert_eq!(filled.kind, ReleaseType::Minor);
        assert_eq!(filled.version, semver::Version::new(2026, 12, 0));
        assert_eq!(filled.components, "backend=1.5.0 bot=0.8.1");
        assert_eq!(prefill(&[], None), None);
    }
}
