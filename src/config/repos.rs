//! `[[repo]]` and `[[component]]`: where a release's versions, tags and
//! notes come from, checked (tag formats, branch patterns, the notes'
//! style, that a component's repo and targets exist).

use toml::Spanned;

use super::error::ConfigError;
use super::source::LoadedConfig;
use crate::domain::versioning::notes::Style;
pub use crate::domain::versioning::repos::{Component, Repo, Repos, Scope};
use crate::domain::versioning::tag_format::TagFormat;

const NAME_FIX: &str = "letters, digits, `_`, `.` and `-`, e.g. billing";

pub(super) fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

impl LoadedConfig {
    pub(super) fn repos(&self, target_names: &[&str]) -> Result<Repos, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let base = self.config_dir();
        let text = |s: &Option<Spanned<String>>, default: &str| {
            s.as_ref()
                .map_or_else(|| default.to_owned(), |s| s.get_ref().clone())
        };
        let has_components = !self.config.components.is_empty();
        let mut repos = Vec::new();
        for (i, r) in self.config.repos.iter().enumerate() {
            let key = |field: &str| format!("repo[{i}].{field}");
            let name = text(&r.name, "main");
            if let Some(spanned) = &r.name
                && !is_name(spanned.get_ref())
            {
                errors.push(
                    self.error_at(spanned, format!("`{name}` is not a repo name"), NAME_FIX)
                        .key(key("name")),
                );
            }
            if repos.iter().any(|known: &Repo| known.name == name) {
                let at = r.name.as_ref().unwrap_or(&r.path);
                errors.push(
                    self.error_at(
                        at,
                        format!("a second repo named `{name}`"),
                        "give each [[repo]] its own `name`",
                    )
                    .key(key("name")),
                );
            }
            let tag_format = text(&r.tag_format, TagFormat::DEFAULT);
            // A repo's format may hold {component} only for its components.
            let probe = has_components.then_some("component");
            if let Err(bad) = TagFormat::new(&tag_format, probe)
                && let Some(at) = &r.tag_format
            {
                errors.push(
                    self.error_at(
                        at,
                        bad.0,
                        "write it like v{version} or {component}-v{version}",
                    )
                    .key(key("tag_format")),
                );
            }
            for (field, value, default) in [
                ("release_branch", &r.release_branch, "release/v{version}"),
                ("hotfix_branch", &r.hotfix_branch, "hotfix/{date}-{slug}"),
            ] {
                let pattern = text(value, default);
                if let Some(at) = value
                    && let Err(why) = check_branch_pattern(&pattern)
                {
                    errors.push(
                        self.error_at(
                            at,
                            why,
                            "write it like release/v{version} or hotfix/{date}-{slug}",
                        )
                        .key(key(field)),
                    );
                }
            }
            let style = match &r.notes {
                None => Style::default(),
                Some(at) => Style::parse(at.get_ref()).unwrap_or_else(|| {
                    errors.push(
                        self.error_at(
                            at,
                            format!("`{}` is not a notes style", at.get_ref()),
                            format!("use one of: {}", Style::NAMES),
                        )
                        .key(key("notes")),
                    );
                    Style::default()
                }),
            };
            repos.push(Repo {
                name,
                path: base.join(r.path.get_ref()),
                tag_format,
                main_branch: text(&r.main_branch, "main"),
                release_branch: text(&r.release_branch, "release/v{version}"),
                hotfix_branch: text(&r.hotfix_branch, "hotfix/{date}-{slug}"),
                style,
                changelog: text(&r.changelog, "CHANGELOG.md"),
                remote: Some(text(&r.remote, "origin")).filter(|r| !r.is_empty()),
                allow_dirty: r.allow_dirty,
            });
        }
        let mut components: Vec<Component> = Vec::new();
        for (i, c) in self.config.components.iter().enumerate() {
            let key = |field: &str| format!("component[{i}].{field}");
            let name = c.name.get_ref().clone();
            if !is_name(&name) {
                errors.push(
                    self.error_at(
                        &c.name,
                        format!("`{name}` is not a component name"),
                        NAME_FIX,
                    )
                    .key(key("name")),
                );
            }
            if components.iter().any(|known| known.name == name) {
                errors.push(
                    self.error_at(
                        &c.name,
                        format!("a second component named `{name}`"),
                        "give each [[component]] its own name",
                    )
                    .key(key("name")),
                );
            }
            let repo = match (&c.repo, repos.len()) {
                (None, 1) => Some(0),
                (None, 0) => {
                    errors.push(
                        self.error_at(
                            &c.name,
                            "a component needs a [[repo]]",
                            "add a [[repo]] with `path = \".\"`",
                        )
                        .key(key("repo")),
                    );
                    None
                }
                (None, _) => {
                    errors.push(
                        self.error_at(
                            &c.name,
                            "with several repos, a component names its `repo`",
                            "add `repo = \"...\"`: one of the [[repo]] names",
                        )
                        .key(key("repo")),
                    );
                    None
                }
                (Some(wanted), _) => {
                    let found = repos.iter().position(|r| r.name == *wanted.get_ref());
                    if found.is_none() {
                        let known: Vec<&str> = repos.iter().map(|r| r.name.as_str()).collect();
                        errors.push(
                            self.error_at(
                                wanted,
                                format!("no [[repo]] named `{}`", wanted.get_ref()),
                                format!("use one of: {}", known.join(", ")),
                            )
                            .key(key("repo")),
                        );
                    }
                    found
                }
            };
            let inherited = repo
                .and_then(|r| repos.get(r))
                .map(|r| r.tag_format.clone())
                .filter(|f| f.contains("{component}"));
            let tag_format = c
                .tag_format
                .as_ref()
                .map(|f| f.get_ref().clone())
                .or(inherited)
                .unwrap_or_else(|| "{component}-v{version}".to_owned());
            if let Err(bad) = TagFormat::new(&tag_format, Some(&name)) {
                let at = c.tag_format.as_ref().unwrap_or(&c.name);
                errors.push(
                    self.error_at(at, bad.0, "write it like {component}-v{version}")
                        .key(key("tag_format")),
                );
            }
            for target in &c.targets {
                if !target_names.contains(&target.get_ref().as_str()) {
                    errors.push(
                        self.error_at(
                            target,
                            format!("no [[target]] named `{}`", target.get_ref()),
                            format!("use one of: {}", target_names.join(", ")),
                        )
                        .key(key("targets")),
                    );
                }
            }
            components.push(Component {
                name,
                repo: repo.unwrap_or(0),
                path: c
                    .path
                    .as_ref()
                    .map(|p| p.get_ref().trim_end_matches('/').to_owned()),
                tag_format,
                targets: c.targets.iter().map(|t| t.get_ref().clone()).collect(),
            });
        }
        if errors.is_empty() {
            Ok(Repos {
                repos,
                components,
                templates: Default::default(),
            })
        } else {
            Err(errors)
        }
    }
}

/// A branch pattern's variables: `{version}`, `{date}`, `{slug}`,
/// `{component}`; the rest what a branch name may hold.
fn check_branch_pattern(pattern: &str) -> Result<(), String> {
    let mut rest = pattern.to_owned();
    for var in ["{version}", "{date}", "{slug}", "{component}"] {
        rest = rest.replace(var, "x");
    }
    if rest.contains(['{', '}']) {
        return Err(format!(
            "`{pattern}` has an unknown variable: only {{version}}, {{date}}, {{slug}} and {{component}}"
        ));
    }
    let ok = !rest.is_empty()
        && !rest.contains("..")
        && !rest.starts_with('/')
        && !rest.ends_with('/')
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if ok {
        Ok(())
    } else {
        Err(format!("`{pattern}` would not make a valid branch name"))
    }
}

/// Whether a template line is a heading that names the release: its
/// version, and with components its component (or its title, which holds
/// both).
fn names_the_release(line: &str, components: bool) -> bool {
    line.starts_with('#')
        && (line.contains("{{title}}")
            || (line.contains("{{version}}") && (!components || line.contains("{{component}}"))))
}

/// The team's notes templates in its `templates/` folder (`notes.md`,
/// `changelog.md`), when it has them. The CHANGELOG's must start a section
/// whose heading names the version, or the section could not be found again.
pub fn note_templates(
    dir: Option<&std::path::Path>,
    components: bool,
) -> Result<crate::domain::versioning::template::NoteTemplates, super::ConfigErrors> {
    let mut templates = crate::domain::versioning::template::NoteTemplates::default();
    let Some(dir) = dir else {
        return Ok(templates);
    };
    let read = |name: &str| -> Result<Option<String>, Box<ConfigError>> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Box::new(ConfigError::new(
                &path.display().to_string(),
                format!("cannot read the notes template: {e}"),
                "make it readable, or remove it to use the built-in notes",
            ))),
        }
    };
    let mut errors = Vec::new();
    match read("notes.md") {
        Ok(found) => templates.notes = found,
        Err(e) => errors.push(*e),
    }
    match read("changelog.md") {
        Ok(Some(text)) if !text.lines().any(|l| names_the_release(l, components)) => {
            let (what, example) = if components {
                (
                    "{{version}} and {{component}}",
                    "`## [{{component}} {{version}}] - {{date}}`",
                )
            } else {
                ("{{version}}", "`## [{{version}}] - {{date}}`")
            };
            errors.push(ConfigError::new(
                &dir.join("changelog.md").display().to_string(),
                format!("the CHANGELOG template has no heading with {what}"),
                format!("start it with a heading such as {example}: it is how a release's section is found"),
            ));
        }
        Ok(found) => templates.changelog = found,
        Err(e) => errors.push(*e),
    }
    if errors.is_empty() {
        Ok(templates)
    } else {
        Err(super::ConfigErrors(errors))
    }
}
