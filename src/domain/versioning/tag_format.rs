//! A tag name from a version and back: `v{version}`, or per component
//! `{component}-v{version}` (`billing-v2.3.1`). Only tags of the format
//! count as releases; others (`deploy-2026-01`, another component's) are
//! not read as versions.

use semver::Version;

/// A checked tag format: `{version}` once, `{component}` at most once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFormat {
    prefix: String,
    suffix: String,
}

/// Why a format cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFormat(pub String);

impl TagFormat {
    pub const DEFAULT: &'static str = "v{version}";

    /// `format` for `component` (`{component}` replaced by its name).
    pub fn new(format: &str, component: Option<&str>) -> Result<Self, BadFormat> {
        if format.matches("{version}").count() != 1 {
            return Err(BadFormat(format!(
                "`{format}` must hold {{version}} exactly once"
            )));
        }
        let filled = match component {
            Some(name) => format.replace("{component}", name),
            None if format.contains("{component}") => {
                return Err(BadFormat(format!(
                    "`{format}` holds {{component}}, but this release has no component"
                )));
            }
            None => format.to_owned(),
        };
        if let Some(brace) = filled.replace("{version}", "").find(['{', '}']) {
            return Err(BadFormat(format!(
                "`{format}` has an unknown variable at {brace}: only {{version}} and {{component}}"
            )));
        }
        if !filled.chars().all(is_ref_char) || filled.contains("..") {
            return Err(BadFormat(format!(
                "`{format}` would not make a valid tag name: letters, digits, `.`, `_`, `-`, `/` and {{version}}"
            )));
        }
        let (prefix, suffix) = filled
            .split_once("{version}")
            .map(|(p, s)| (p.to_owned(), s.to_owned()))
            .unwrap_or_default();
        Ok(Self { prefix, suffix })
    }

    /// The tag for `version`.
    pub fn tag(&self, version: &Version) -> String {
        format!("{}{version}{}", self.prefix, self.suffix)
    }

    /// The version a tag of this format names; `None` for any other tag.
    pub fn version(&self, tag: &str) -> Option<Version> {
        let middle = tag.strip_prefix(&self.prefix)?.strip_suffix(&self.suffix)?;
        Version::parse(middle).ok()
    }
}

fn is_ref_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '{' | '}')
}

/// A release: its version and its tag.
pub type Release = (Version, String);

/// The tags that name versions, newest version first (semver order, so
/// `1.10.0` after `1.9.0` and `1.3.0-rc.1` before `1.3.0`).
pub fn releases<'a>(format: &TagFormat, tags: impl IntoIterator<Item = &'a str>) -> Vec<Release> {
    let mut found: Vec<Release> = tags
        .into_iter()
        .filter_map(|tag| format.version(tag).map(|v| (v, tag.to_owned())))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found
}

/// The newest release that is not a pre-release, and the one before it:
/// the current and previous release.
pub fn current_and_previous(releases: &[Release]) -> (Option<&Release>, Option<&Release>) {
    let mut stable = releases.iter().filter(|(v, _)| v.pre.is_empty());
    (stable.next(), stable.next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn a_tag_is_made_and_read_back_per_component() {
        let plain = TagFormat::new("v{version}", None).unwrap();
        assert_eq!(plain.tag(&v("1.3.0")), "v1.3.0");
        assert_eq!(plain.version("v1.3.0"), Some(v("1.3.0")));
        assert_eq!(plain.version("1.3.0"), None);
        assert_eq!(plain.version("billing-v2.3.1"), None);
        let billing = TagFormat::new("{component}-v{version}", Some("billing")).unwrap();
        assert_eq!(billing.tag(&v("2.3.1")), "billing-v2.3.1");
        assert_eq!(billing.version("billing-v2.3.1"), Some(v("2.3.1")));
        assert_eq!(billing.version("orders-v2.3.1"), None);
        assert_eq!(billing.version("billing-v2.3"), None);
    }

    #[test]
    fn bad_formats_are_refused_with_why() {
        for (format, component) in [
            ("v", None),
            ("{version}-{version}", None),
            ("{component}-v{version}", None),
            ("v{version}{team}", None),
            ("v {version}", None),
            ("v..{version}", None),
        ] {
            assert!(TagFormat::new(format, component).is_err(), "{format}");
        }
        assert!(TagFormat::new("release/{component}/{version}", Some("bot")).is_ok());
    }

    #[test]
    fn releases_are_in_semver_order_with_pre_releases_before_their_release() {
        let format = TagFormat::new("{component}-v{version}", Some("api")).unwrap();
        let tags = [
            "api-v1.9.0",
            "api-v1.10.0",
            "api-v1.10.0-rc.1",
            "api-v1.10.0-rc.10",
            "api-v1.10.0-rc.2",
            "web-v9.0.0",
            "api-vlatest",
            "api-v2.0.0-beta.1",
        ];
        let found = releases(&format, tags);
        let order: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            order,
            [
                "api-v2.0.0-beta.1",
                "api-v1.10.0",
                "api-v1.10.0-rc.10",
                "api-v1.10.0-rc.2",
                "api-v1.10.0-rc.1",
                "api-v1.9.0",
            ]
        );
        let (current, previous) = current_and_previous(&found);
        assert_eq!(current.map(|c| c.1.as_str()), Some("api-v1.10.0"));
        assert_eq!(previous.map(|c| c.1.as_str()), Some("api-v1.9.0"));
    }
}
