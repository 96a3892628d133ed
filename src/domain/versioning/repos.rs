//! The repositories a release is cut from and its components, as the
//! config gives them (`config/repos.rs` checks them): what the notes, the
//! version suggestion and the repository steps read (`plan.rs`).

use std::path::PathBuf;

use super::notes::Style;
use super::tag_format::TagFormat;

/// A `[[repo]]`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub name: String,
    pub path: PathBuf,
    pub tag_format: String,
    pub main_branch: String,
    pub release_branch: String,
    pub hotfix_branch: String,
    pub style: Style,
    /// Relative to the repository.
    pub changelog: String,
    /// Where a `tag` step pushes its tag; `None`: it stays local.
    pub remote: Option<String>,
    /// Whether a `tag` step may tag with uncommitted changes in the tree.
    pub allow_dirty: bool,
}

/// A `[[component]]`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    /// Index into [`Repos::repos`].
    pub repo: usize,
    pub path: Option<String>,
    pub tag_format: String,
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repos {
    pub repos: Vec<Repo>,
    pub components: Vec<Component>,
    /// The team's shapes for its notes and CHANGELOG sections.
    pub templates: super::template::NoteTemplates,
}

/// What a release of one component (or of the whole repo) reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'a> {
    pub repo: &'a Repo,
    pub component: Option<&'a Component>,
}

impl Scope<'_> {
    pub fn tag_format(&self) -> Result<TagFormat, String> {
        let (format, name) = match self.component {
            Some(c) => (c.tag_format.as_str(), Some(c.name.as_str())),
            None => (self.repo.tag_format.as_str(), None),
        };
        TagFormat::new(format, name).map_err(|e| e.0)
    }

    pub fn path_filter(&self) -> Option<&str> {
        self.component.and_then(|c| c.path.as_deref())
    }
}

impl Repos {
    /// The component that runs on `target` (its `targets` name it).
    pub fn component_of(&self, target: &str) -> Option<&Component> {
        self.components
            .iter()
            .find(|c| c.targets.iter().any(|t| t == target))
    }

    /// The repo and component `component` names; without one, the only
    /// repo (a release of several components must say which).
    pub fn scope(&self, component: Option<&str>) -> Result<Scope<'_>, String> {
        match component {
            Some(name) => {
                let found = self
                    .components
                    .iter()
                    .find(|c| c.name == name)
                    .ok_or_else(|| {
                        let known: Vec<&str> =
                            self.components.iter().map(|c| c.name.as_str()).collect();
                        if known.is_empty() {
                            format!("no component `{name}`: the config has no [[component]]")
                        } else {
                            format!("no component `{name}`; there are: {}", known.join(", "))
                        }
                    })?;
                let repo = self
                    .repos
                    .get(found.repo)
                    .ok_or_else(|| format!("component `{name}` has no repo"))?;
                Ok(Scope {
                    repo,
                    component: Some(found),
                })
            }
            None => match (self.repos.as_slice(), self.components.as_slice()) {
                ([], _) => Err("no [[repo]] in the config: add one with `path = \".\"`".to_owned()),
                ([repo], []) => Ok(Scope {
                    repo,
                    component: None,
                }),
                (_, [_, ..]) => Err(format!(
                    "the release has components: name one with --component ({})",
                    self.components
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                _ => {
                    Err("several [[repo]]s and no component: name one with --component".to_owned())
                }
            },
        }
    }
}
