//! The next version the commits since the last release ask for: a breaking
//! change is a major bump (a minor one before 1.0.0), a `feat` a minor, a
//! `fix` or `perf` a patch; and whether a release of a type holds more than
//! its type allows (flagged on the checklist, never refused).

use semver::Version;
use serde::Serialize;

use super::conventional::Change;
use crate::domain::release::ReleaseType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        }
    }
}

/// What one change asks for.
pub fn of(change: &Change) -> Bump {
    if change.breaking {
        Bump::Major
    } else if change.is("feat") {
        Bump::Minor
    } else if change.is("fix") || change.is("perf") {
        Bump::Patch
    } else {
        Bump::None
    }
}

/// The largest any change asks for.
pub fn needed(changes: &[Change]) -> Bump {
    changes.iter().map(of).max().unwrap_or(Bump::None)
}

/// A suggested next version and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub version: Version,
    pub bump: Bump,
    pub why: String,
}

/// `previous` moved on by `bump` (a breaking change before 1.0.0 moves
/// the minor; nothing asked for is still a patch); `None`: the first
/// release, 0.1.0.
pub fn apply(previous: Option<&Version>, bump: Bump) -> Version {
    let Some(previous) = previous else {
        return Version::new(0, 1, 0);
    };
    let (major, minor, patch) = (previous.major, previous.minor, previous.patch);
    match bump {
        Bump::Major if major == 0 => Version::new(0, minor + 1, 0),
        Bump::Major => Version::new(major + 1, 0, 0),
        Bump::Minor => Version::new(major, minor + 1, 0),
        Bump::Patch | Bump::None => Version::new(major, minor, patch + 1),
    }
}

/// The next version after `previous` (the last release, not a
/// pre-release) for `changes`.
pub fn suggest(previous: Option<&Version>, changes: &[Change]) -> Suggestion {
    let bump = needed(changes);
    let Some(previous) = previous else {
        return Suggestion {
            version: Version::new(0, 1, 0),
            bump,
            why: "no earlier release tag: the first release".to_owned(),
        };
    };
    let count = |b: Bump| changes.iter().filter(|c| of(c) == b).count();
    let why = match bump {
        Bump::Major if previous.major == 0 => format!(
            "{} breaking change(s); before 1.0.0 that is a minor bump",
            count(Bump::Major)
        ),
        Bump::Major => format!("{} breaking change(s)", count(Bump::Major)),
        Bump::Minor => format!("{} feature(s)", count(Bump::Minor)),
        Bump::Patch => format!("{} fix(es)", count(Bump::Patch)),
        Bump::None if changes.is_empty() => "no commits since the last release".to_owned(),
        Bump::None => format!(
            "{} commit(s), none a feature, fix or breaking change",
            changes.len()
        ),
    };
    let version = apply(Some(previous), bump);
    Suggestion { version, bump, why }
}

/// What a release of `kind` holds beyond what its type allows: a patch or
/// hotfix with a feature or a breaking change, a minor with a breaking
/// change. The first change that needs it is named.
pub fn beyond_type(kind: ReleaseType, changes: &[Change]) -> Option<String> {
    let allowed = match kind {
        ReleaseType::Patch | ReleaseType::Hotfix | ReleaseType::Emergency => Bump::Patch,
        ReleaseType::Minor => Bump::Minor,
        ReleaseType::Major => Bump::Major,
    };
    let first = changes.iter().find(|c| of(c) > allowed)?;
    let what = if first.breaking {
        "a breaking change"
    } else {
        "a feature"
    };
    let scope = first
        .scope
        .as_deref()
        .map(|s| format!("({s})"))
        .unwrap_or_default();
    let kind_word = first.kind.as_deref().unwrap_or("");
    Some(format!(
        "this {} release holds {what}: {kind_word}{scope}: {}",
        kind.name(),
        first.description
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::versioning::conventional::parse;

    fn changes(messages: &[&str]) -> Vec<Change> {
        messages.iter().map(|m| parse(m)).collect()
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn the_largest_change_decides_the_bump() {
        let cases = [
            (vec!["fix: a", "docs: b"], "1.2.4"),
            (vec!["fix: a", "feat(ui): b"], "1.3.0"),
            (vec!["feat: a", "perf!: b"], "2.0.0"),
            (vec!["fix: a\n\nBREAKING CHANGE: c"], "2.0.0"),
            (vec!["docs: only docs", "Update README"], "1.2.4"),
            (vec![], "1.2.4"),
        ];
        for (messages, expected) in cases {
            let suggestion = suggest(Some(&v("1.2.3")), &changes(&messages));
            assert_eq!(
                suggestion.version,
                v(expected),
                "{messages:?}: {}",
                suggestion.why
            );
        }
    }

    #[test]
    fn before_one_zero_a_breaking_change_is_a_minor_bump_and_no_tag_starts_at_zero_one() {
        let suggestion = suggest(Some(&v("0.4.2")), &changes(&["feat!: new api"]));
        assert_eq!(suggestion.version, v("0.5.0"));
        assert!(
            suggestion.why.contains("before 1.0.0"),
            "{}",
            suggestion.why
        );
        let first = suggest(None, &changes(&["feat: a"]));
        assert_eq!(first.version, v("0.1.0"));
        assert!(first.why.contains("first release"));
    }

    #[test]
    fn a_patch_release_with_a_feature_is_flagged_with_the_commit() {
        let held = changes(&["fix: a", "feat(api): add sync"]);
        let flag = beyond_type(ReleaseType::Patch, &held).unwrap();
        assert_eq!(
            flag,
            "this patch release holds a feature: feat(api): add sync"
        );
        assert_eq!(beyond_type(ReleaseType::Minor, &held), None);
        let breaking = changes(&["feat!: drop v1 endpoints"]);
        let flag = beyond_type(ReleaseType::Minor, &breaking).unwrap();
        assert!(flag.contains("a breaking change"), "{flag}");
        assert_eq!(beyond_type(ReleaseType::Major, &breaking), None);
        assert!(beyond_type(ReleaseType::Hotfix, &held).is_some());
    }
}
