//! A team's own shape for its notes: `templates/notes.md` (the notes file,
//! the preview, `release-cockpit notes`) and `templates/changelog.md` (the
//! CHANGELOG section) beside the config file, filled from the built notes.
//!
//! Placeholders: `{{title}}` (`backend v1.5.0`), `{{version}}`,
//! `{{component}}`, `{{date}}`, `{{previous_tag}}` (or "the first
//! commit"), `{{summary}}`, `{{sections}}` (every section under a `###`
//! heading), `{{section:Added}}` (one section's entries, by its title).
//! Sections of text: `{{#breaking}}...{{/breaking}}`, `{{#first_release}}`,
//! `{{#changes}}`, each with its `{{^name}}` inverse.

use super::notes::{Notes, line};
use crate::domain::template_sections::resolve;

/// The templates a team put beside its config; `None`: the built-in shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteTemplates {
    pub notes: Option<String>,
    pub changelog: Option<String>,
}

impl Notes {
    /// The notes filled into `template`.
    pub fn fill(&self, template: &str) -> String {
        let breaking = self
            .sections
            .iter()
            .flat_map(|s| &s.entries)
            .any(|e| e.breaking);
        let mut out = resolve(template, "breaking", breaking);
        out = resolve(&out, "first_release", self.previous_tag.is_none());
        out = resolve(&out, "changes", !self.sections.is_empty());
        let entries = |title: &str| {
            self.sections
                .iter()
                .find(|s| s.title.eq_ignore_ascii_case(title))
                .map(|s| {
                    s.entries
                        .iter()
                        .map(|e| format!("- {}\n", line(e)))
                        .collect::<String>()
                })
                .unwrap_or_default()
        };
        let all: String = self
            .sections
            .iter()
            .map(|s| format!("### {}\n\n{}", s.title, entries(&s.title)))
            .collect::<Vec<_>>()
            .join("\n");
        let component = self.component.clone().unwrap_or_default();
        let previous = self
            .previous_tag
            .clone()
            .unwrap_or_else(|| "the first commit".to_owned());
        let value = |name: &str| -> Option<String> {
            Some(match name {
                "title" => self.title(),
                "version" => self.version.clone(),
                "component" => component.clone(),
                "date" => self.date.to_string(),
                "previous_tag" => previous.clone(),
                "summary" => self.summary(),
                "sections" => all.trim_end().to_owned(),
                // `{{section:TITLE}}`: its title is the team's own word.
                _ => entries(name.strip_prefix("section:")?)
                    .trim_end()
                    .to_owned(),
            })
        };
        // One pass over the template: text that comes in with a value (a
        // commit message that says `{{version}}`) is never filled in again.
        let mut filled = String::with_capacity(out.len() * 2);
        let mut rest = out.as_str();
        while let Some(at) = rest.find("{{") {
            filled.push_str(&rest[..at]);
            let token = &rest[at..];
            match token
                .find("}}")
                .and_then(|end| Some((value(&token[2..end])?, end)))
            {
                Some((text, end)) => {
                    filled.push_str(&text);
                    rest = &token[end + 2..];
                }
                // An unknown name is left as written.
                None => {
                    filled.push_str("{{");
                    rest = &token[2..];
                }
            }
        }
        filled.push_str(rest);
        filled
    }

    /// The notes document: the team's template, else the built-in Markdown.
    pub fn document(&self, templates: &NoteTemplates) -> String {
        match &templates.notes {
            Some(template) => self.fill(template),
            None => self.markdown(),
        }
    }

    /// The CHANGELOG section: the team's template, else the built-in one.
    pub fn section(&self, templates: &NoteTemplates) -> String {
        match &templates.changelog {
            Some(template) => self.fill(template),
            None => self.changelog_section(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::versioning::conventional::parse;
    use crate::domain::versioning::notes::{Commit, Style, build};

    fn notes(previous: Option<&str>) -> Notes {
        let commits: Vec<Commit> = [
            "feat(api)!: sync v2 only (#12)",
            "fix: round totals",
            "feat: live sync",
        ]
        .iter()
        .enumerate()
        .map(|(i, m)| Commit {
            id: format!("c{i:06}"),
            change: parse(m),
        })
        .collect();
        build(
            (Some("backend"), "1.5.0", previous),
            "2026-12-01".parse().unwrap(),
            Style::KeepAChangelog,
            &commits,
        )
    }

    #[test]
    fn a_team_template_is_filled_with_the_notes() {
        let template = "## {{title}} ({{date}})\n{{#breaking}}\n> Read the breaking changes first.\n{{/breaking}}\nSince {{previous_tag}}: {{summary}}\n\n### What's new\n{{section:added}}\n\n### Fixes\n{{section:Fixed}}\n{{^first_release}}\nUpgrade from {{previous_tag}}.\n{{/first_release}}\n{{unknown}}\n";
        let filled = notes(Some("backend-v1.4.0")).fill(template);
        assert_eq!(
            filled,
            "## backend v1.5.0 (2026-12-01)\n> Read the breaking changes first.\nSince backend-v1.4.0: backend v1.5.0: 1 breaking, 2 added, 1 fixed\n\n### What's new\n- **BREAKING** **api:** sync v2 only (#12, c000000)\n- live sync (c000002)\n\n### Fixes\n- round totals (c000001)\nUpgrade from backend-v1.4.0.\n{{unknown}}\n"
        );
        let first = notes(None).fill("{{#first_release}}first: {{previous_tag}}{{/first_release}}");
        // A value that says `{{...}}` is not filled in again.
        let mut odd = notes(None);
        odd.sections[0].entries[0].text = "docs say {{section:Added}} and {{version}}".into();
        let filled = odd.fill("{{section:Added}}|{{version}}");
        assert!(
            filled.contains("docs say {{section:Added}} and {{version}}")
                && filled.ends_with("|1.5.0"),
            "{filled}"
        );
        assert_eq!(first, "first: the first commit");
        let all = notes(None).fill("{{sections}}");
        assert!(all.starts_with("### Added\n\n- **BREAKING**"), "{all}");
        assert!(
            all.ends_with("### Fixed\n\n- round totals (c000001)"),
            "{all}"
        );
    }

    #[test]
    fn without_templates_the_built_in_shapes_are_used() {
        let built = notes(None);
        let none = NoteTemplates::default();
        assert_eq!(built.document(&none), built.markdown());
        assert_eq!(built.section(&none), built.changelog_section());
    }
}
