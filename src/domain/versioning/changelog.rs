//! A CHANGELOG as text: whether it has a section for a version, and a new
//! section put on top of the released ones (under an `Unreleased` section,
//! if there is one), the rest left byte for byte as it was.

/// What a release's section is recognised by in a heading.
#[derive(Debug, Clone, Copy)]
pub struct Release<'a> {
    pub component: Option<&'a str>,
    pub version: &'a str,
    pub tag: &'a str,
}

/// Whether a Markdown heading of `text` names the release: `## [1.5.0]`,
/// `## v1.5.0 - 2026-12-01`, `## backend 1.5.0`, `## backend-v1.5.0`.
pub fn has_section(text: &str, release: Release<'_>) -> bool {
    text.lines().filter(|l| l.starts_with('#')).any(|heading| {
        let words: Vec<&str> = heading
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
            .filter(|w| !w.is_empty())
            .collect();
        if words.contains(&release.tag) {
            return true;
        }
        let versioned = words
            .iter()
            .any(|w| *w == release.version || w.strip_prefix('v') == Some(release.version));
        versioned && release.component.is_none_or(|c| words.contains(&c))
    })
}

/// Whether a heading names a version (`## [1.4.0]`, `## v2.0.0-rc.1`,
/// `## backend 1.5.0 (...)`), not `## Unreleased` or `## About`.
fn names_a_version(heading: &str) -> bool {
    heading
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '-')))
        .filter_map(|word| {
            // `billing-v2.3.1` and `v2.3.1` name 2.3.1.
            let at = word.find(|c: char| c.is_ascii_digit())?;
            Some(&word[at..])
        })
        .any(|v| semver::Version::parse(v).is_ok())
}

/// How the CHANGELOG came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// The new text: the section on top of the released ones.
    Text(String),
    /// It has a section for the release already: left as it is.
    AlreadyThere,
}

/// `section` (a `## ...` block) put into `existing` (`None`: no file yet),
/// before the first released section.
pub fn insert(existing: Option<&str>, section: &str, release: Release<'_>) -> Inserted {
    let section = format!("{}\n", section.trim_end());
    let Some(text) = existing else {
        return Inserted::Text(format!(
            "# Changelog\n\nAll notable changes to this project are documented in this file.\n\n{section}"
        ));
    };
    if has_section(text, release) {
        return Inserted::AlreadyThere;
    }
    // Byte offsets of each line's start; the first heading of a release
    // (one that names a version), outside fenced code.
    let mut offset = 0;
    let mut at = None;
    let mut fenced = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with("## ") && names_a_version(line) {
            at = Some(offset);
            break;
        }
        offset += line.len();
    }
    Inserted::Text(match at {
        Some(at) => format!("{}{section}\n{}", &text[..at], &text[at..]),
        None if text.is_empty() => section,
        None if text.ends_with("\n\n") => format!("{text}{section}"),
        None if text.ends_with('\n') => format!("{text}\n{section}"),
        None => format!("{text}\n\n{section}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Release<'static> = Release {
        component: None,
        version: "1.5.0",
        tag: "v1.5.0",
    };

    #[test]
    fn a_section_is_known_by_its_version_or_tag_in_a_heading() {
        for text in [
            "## [1.5.0] - 2026-12-01",
            "## v1.5.0",
            "# Release 1.5.0",
            "### 1.5.0 (2026-12-01)",
        ] {
            assert!(has_section(text, PLAIN), "{text}");
        }
        for text in [
            "## [1.5.1]",
            "- fixed in 1.5.0",
            "## 11.5.0",
            "## [1.5.0-rc.1]",
        ] {
            assert!(!has_section(text, PLAIN), "{text}");
        }
        let backend = Release {
            component: Some("backend"),
            version: "1.5.0",
            tag: "backend-v1.5.0",
        };
        assert!(has_section("## [backend 1.5.0] - 2026-12-01", backend));
        assert!(has_section("## backend-v1.5.0", backend));
        assert!(!has_section("## [frontend 1.5.0]", backend));
    }

    #[test]
    fn a_new_section_goes_under_unreleased_and_above_the_last_release() {
        let text = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- wip\n\n## [1.4.0] - 2026-11-01\n\n### Fixed\n\n- a\r\n";
        let Inserted::Text(out) = insert(
            Some(text),
            "## [1.5.0] - 2026-12-01\n\n### Added\n\n- b\n",
            PLAIN,
        ) else {
            panic!("not inserted");
        };
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- wip\n\n## [1.5.0] - 2026-12-01\n\n### Added\n\n- b\n\n## [1.4.0] - 2026-11-01\n\n### Fixed\n\n- a\r\n"
        );
        assert_eq!(
            insert(Some(&out), "## [1.5.0]", PLAIN),
            Inserted::AlreadyThere
        );
    }

    #[test]
    fn headings_that_are_no_release_and_fenced_code_are_passed_over() {
        let text = "# Changelog\n\n## About\n\nHow we write it:\n\n```\n## [9.9.9] an example\n```\n\n## [1.4.0] - 2026-11-01\n";
        let Inserted::Text(out) = insert(Some(text), "## [1.5.0] - 2026-12-01\n", PLAIN) else {
            panic!("not inserted");
        };
        assert!(
            out.ends_with("```\n\n## [1.5.0] - 2026-12-01\n\n## [1.4.0] - 2026-11-01\n"),
            "{out}"
        );
        assert!(names_a_version("## billing-v2.3.1 (2026-12-01)"));
        assert!(!names_a_version("## Unreleased"));
        assert!(!names_a_version("## Version 2 plans"));
    }

    #[test]
    fn a_changelog_without_releases_or_without_a_file_gets_one() {
        assert_eq!(
            insert(Some("# Changelog\n"), "## [1.5.0]\n", PLAIN),
            Inserted::Text("# Changelog\n\n## [1.5.0]\n".into())
        );
        let Inserted::Text(new) = insert(None, "## [1.5.0]\n", PLAIN) else {
            panic!("not made");
        };
        assert!(
            new.starts_with("# Changelog\n") && new.ends_with("\n\n## [1.5.0]\n"),
            "{new}"
        );
    }
}
