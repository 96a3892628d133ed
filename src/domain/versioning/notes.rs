//! Release notes: the commits of a release grouped into sections, breaking
//! changes first, their references pulled out; in Keep a Changelog's
//! sections or in the team style the reference processes use (Highlights,
//! Features, Fixes, Breaking Changes, Migration Guide, Dependencies); as
//! Markdown for CHANGELOG.md and a notes file, or as JSON for scripts.

use chrono::NaiveDate;
use serde::Serialize;

use super::conventional::Change;

/// Which sections the notes have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// Added / Changed / Removed / Fixed / Security (keepachangelog.com).
    #[default]
    KeepAChangelog,
    /// Highlights / Breaking Changes / Features / Fixes / Migration Guide /
    /// Dependencies / Other Changes.
    Team,
}

impl Style {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "keep-a-changelog" => Some(Self::KeepAChangelog),
            "team" => Some(Self::Team),
            _ => None,
        }
    }

    pub const NAMES: &'static str = "keep-a-changelog, team";
}

/// One commit of the release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// Its id, shortened.
    pub id: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub breaking: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    pub commit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub entries: Vec<Entry>,
}

/// A release's notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notes {
    /// `billing`, for a release of one component of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    pub version: String,
    /// The tag the notes start after; `None`: from the first commit.
    pub previous_tag: Option<String>,
    pub date: NaiveDate,
    pub style: Style,
    pub sections: Vec<Section>,
    /// Commits left out: merges, releases' own, chores, CI, tests, style.
    pub left_out: usize,
}

/// Commit types no reader of the notes needs.
const QUIET: [&str; 5] = ["chore", "ci", "test", "style", "release"];

fn is_dependency(change: &Change) -> bool {
    matches!(
        change.scope.as_deref(),
        Some("deps" | "deps-dev" | "dependencies")
    ) || change.is("deps")
}

fn is_security(change: &Change) -> bool {
    change.is("security") || change.scope.as_deref() == Some("security")
}

fn is_removal(change: &Change) -> bool {
    change.is("remove")
        || ["remove ", "drop "]
            .iter()
            .any(|w| change.description.to_lowercase().starts_with(w))
}

/// The section a change goes in, or `None` to leave it out.
fn section_of(style: Style, change: &Change) -> Option<&'static str> {
    let quiet = change.kind.as_deref().is_some_and(|k| QUIET.contains(&k))
        && !is_dependency(change)
        && !change.breaking;
    if quiet || change.is("docs") && !change.breaking {
        return None;
    }
    Some(match style {
        Style::KeepAChangelog => {
            if is_security(change) {
                "Security"
            } else if is_removal(change) {
                "Removed"
            } else if change.is("feat") {
                "Added"
            } else if change.is("fix") {
                "Fixed"
            } else {
                "Changed"
            }
        }
        Style::Team => {
            if change.breaking {
                "Breaking Changes"
            } else if is_dependency(change) {
                "Dependencies"
            } else if change.is("feat") {
                "Features"
            } else if change.is("fix") || is_security(change) {
                "Fixes"
            } else {
                "Other Changes"
            }
        }
    })
}

fn order(style: Style) -> &'static [&'static str] {
    match style {
        Style::KeepAChangelog => &["Added", "Changed", "Removed", "Fixed", "Security"],
        Style::Team => &[
            "Highlights",
            "Breaking Changes",
            "Features",
            "Fixes",
            "Migration Guide",
            "Dependencies",
            "Other Changes",
        ],
    }
}

/// How many features (with the breaking changes) the team style's
/// Highlights name.
const HIGHLIGHTS: usize = 3;

/// The notes of `commits` (newest first, as git walks them; merges already
/// left out).
pub fn build(
    (component, version, previous_tag): (Option<&str>, &str, Option<&str>),
    date: NaiveDate,
    style: Style,
    commits: &[Commit],
) -> Notes {
    let entry = |commit: &Commit| Entry {
        text: commit.change.description.clone(),
        scope: commit.change.scope.clone(),
        breaking: commit.change.breaking,
        refs: commit.change.refs.clone(),
        commit: commit.id.clone(),
    };
    let mut sections: Vec<Section> = Vec::new();
    let mut left_out = 0;
    // Oldest first reads as the story of the release.
    for commit in commits.iter().rev() {
        let Some(title) = section_of(style, &commit.change) else {
            left_out += 1;
            continue;
        };
        push(&mut sections, title, entry(commit));
    }
    if style == Style::Team {
        let highlights: Vec<Entry> = commits
            .iter()
            .rev()
            .filter(|c| c.change.breaking || c.change.is("feat"))
            .take(HIGHLIGHTS)
            .map(entry)
            .collect();
        for highlight in highlights {
            push(&mut sections, "Highlights", highlight);
        }
        let migrations: Vec<Entry> = commits
            .iter()
            .rev()
            .filter_map(|c| {
                c.change.breaking_note.as_ref().map(|note| Entry {
                    text: note.clone(),
                    ..entry(c)
                })
            })
            .collect();
        for migration in migrations {
            push(&mut sections, "Migration Guide", migration);
        }
    }
    // Breaking changes first within each section.
    for section in &mut sections {
        section.entries.sort_by_key(|e| !e.breaking);
    }
    let rank = |title: &str| {
        order(style)
            .iter()
            .position(|t| *t == title)
            .unwrap_or(usize::MAX)
    };
    sections.sort_by_key(|s| rank(&s.title));
    Notes {
        component: component.map(str::to_owned),
        version: version.to_owned(),
        previous_tag: previous_tag.map(str::to_owned),
        date,
        style,
        sections,
        left_out,
    }
}

fn push(sections: &mut Vec<Section>, title: &str, entry: Entry) {
    match sections.iter_mut().find(|s| s.title == title) {
        Some(section) => section.entries.push(entry),
        None => sections.push(Section {
            title: title.to_owned(),
            entries: vec![entry],
        }),
    }
}

impl Notes {
    /// One line for a tag's message or an announcement: the counts, the
    /// breaking changes first.
    pub fn summary(&self) -> String {
        let name = self.title();
        let counted = || {
            self.sections
                .iter()
                .filter(|s| !matches!(s.title.as_str(), "Highlights" | "Migration Guide"))
        };
        let breaking = counted()
            .filter(|s| s.title != "Breaking Changes")
            .flat_map(|s| &s.entries)
            .filter(|e| e.breaking)
            .count();
        let counts: Vec<String> = (breaking > 0)
            .then(|| format!("{breaking} breaking"))
            .into_iter()
            .chain(counted().map(|s| format!("{} {}", s.entries.len(), s.title.to_lowercase())))
            .collect();
        if counts.is_empty() {
            format!("{name}: no notable changes")
        } else {
            format!("{name}: {}", counts.join(", "))
        }
    }

    pub fn title(&self) -> String {
        match &self.component {
            Some(component) => format!("{component} v{}", self.version),
            None => format!("v{}", self.version),
        }
    }

    /// The notes as Markdown: a `## [VERSION] - DATE` section with `###`
    /// headings (Keep a Changelog), or a `# NAME vVERSION` document.
    pub fn markdown(&self) -> String {
        self.render(self.style)
    }

    /// The notes as a CHANGELOG section: `## [VERSION] - DATE` with `###`
    /// headings whatever the style (its sections are the style's), so it
    /// sits among the file's other releases.
    pub fn changelog_section(&self) -> String {
        self.render(Style::KeepAChangelog)
    }

    fn render(&self, headings: Style) -> String {
        let mut out = String::new();
        let heading = match headings {
            Style::KeepAChangelog => {
                let name = match &self.component {
                    Some(component) => format!("{component} {}", self.version),
                    None => self.version.clone(),
                };
                out.push_str(&format!("## [{name}] - {}\n", self.date));
                "###"
            }
            Style::Team => {
                out.push_str(&format!(
                    "# {}\n\n**Release Date:** {}\n",
                    self.title(),
                    self.date
                ));
                "##"
            }
        };
        if self.previous_tag.is_none() {
            out.push_str("\nThe first release: every commit from the first one.\n");
        }
        if self.sections.is_empty() {
            out.push_str("\nNo notable changes.\n");
        }
        for section in &self.sections {
            out.push_str(&format!("\n{heading} {}\n\n", section.title));
            for entry in &section.entries {
                out.push_str(&format!("- {}\n", line(entry)));
            }
        }
        out
    }
}

/// `**BREAKING** **api:** drop v1 (#12, a1b2c3d)`.
pub(super) fn line(entry: &Entry) -> String {
    let breaking = if entry.breaking { "**BREAKING** " } else { "" };
    let scope = entry
        .scope
        .as_deref()
        .map(|s| format!("**{s}:** "))
        .unwrap_or_default();
    let mut refs = entry.refs.clone();
    refs.push(entry.commit.clone());
    format!("{breaking}{scope}{} ({})", entry.text, refs.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::versioning::conventional::parse;

    fn commits(messages: &[&str]) -> Vec<Commit> {
        // Newest first, as git gives them.
        messages
            .iter()
            .enumerate()
            .rev()
            .map(|(i, m)| Commit {
                id: format!("c{i:06}"),
                change: parse(m),
            })
            .collect()
    }

    const RELEASE: [&str; 9] = [
        "feat(api): add channel sync (#12)",
        "fix: round totals\n\nFixes #30",
        "chore: bump tooling",
        "feat(db)!: drop the legacy table\n\nBREAKING CHANGE: run `migrate 42` before deploying",
        "docs: explain sync",
        "fix(security): escape names in the admin page",
        "chore(deps): bump serde to 1.0.219",
        "Remove the old exporter",
        "perf: cache the catalogue",
    ];

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    #[test]
    fn keep_a_changelog_sections_in_their_order_breaking_first() {
        let notes = build(
            (None, "1.3.0", Some("v1.2.0")),
            date(),
            Style::KeepAChangelog,
            &commits(&RELEASE),
        );
        insta_like(
            &notes.markdown(),
            "## [1.3.0] - 2026-12-03

### Added

- **api:** add channel sync (#12, c000000)

### Changed

- **deps:** bump serde to 1.0.219 (c000006)
- cache the catalogue (c000008)

### Removed

- **BREAKING** **db:** drop the legacy table (c000003)
- Remove the old exporter (c000007)

### Fixed

- round totals (#30, c000001)

### Security

- **security:** escape names in the admin page (c000005)
",
        );
        assert_eq!(notes.left_out, 2, "the chore and the docs");
        assert_eq!(
            notes.summary(),
            "v1.3.0: 1 breaking, 1 added, 2 changed, 2 removed, 1 fixed, 1 security"
        );
    }

    #[test]
    fn the_team_style_has_highlights_and_a_migration_guide() {
        let notes = build(
            (Some("billing"), "2.3.1", Some("billing-v2.3.0")),
            date(),
            Style::Team,
            &commits(&RELEASE),
        );
        insta_like(
            &notes.markdown(),
            "# billing v2.3.1

**Release Date:** 2026-12-03

## Highlights

- **BREAKING** **db:** drop the legacy table (c000003)
- **api:** add channel sync (#12, c000000)

## Breaking Changes

- **BREAKING** **db:** drop the legacy table (c000003)

## Features

- **api:** add channel sync (#12, c000000)

## Fixes

- round totals (#30, c000001)
- **security:** escape names in the admin page (c000005)

## Migration Guide

- **BREAKING** **db:** run `migrate 42` before deploying (c000003)

## Dependencies

- **deps:** bump serde to 1.0.219 (c000006)

## Other Changes

- Remove the old exporter (c000007)
- cache the catalogue (c000008)
",
        );
    }

    #[test]
    fn no_notable_change_says_so() {
        let notes = build(
            (None, "1.2.1", Some("v1.2.0")),
            date(),
            Style::KeepAChangelog,
            &commits(&["chore: x", "ci: y"]),
        );
        assert!(notes.markdown().contains("No notable changes."));
        assert_eq!(notes.summary(), "v1.2.1: no notable changes");
        assert_eq!(notes.left_out, 2);
    }

    /// Compares whole texts, showing both on a difference.
    fn insta_like(actual: &str, expected: &str) {
        assert!(actual == expected, "got:\n{actual}\nexpected:\n{expected}");
    }
}
