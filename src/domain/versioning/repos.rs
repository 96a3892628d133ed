//! The repositories a release is cut from and its components, as the
//! config gives them (`config/repos.rs` checks them): what the notes, the
//! version suggestion and the `tag` steps read.

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

/// What a `tag` step will do, as its dialog shows it and the runtime does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPlan {
    pub step: String,
    pub repo: PathBuf,
    pub tag: String,
    /// The release commit: a revision (`HEAD`).
    pub at: String,
    pub remote: Option<String>,
    pub allow_dirty: bool,
    /// The tag format, and the path of a component, for the notes.
    pub format: String,
    pub component: Option<String>,
    pub path: Option<String>,
}

impl Repos {
    /// The tag a release of `version` gets, for `step`: the scope's format
    /// filled in, on `HEAD` of its repository.
    pub fn tag_plan(&self, step: &str, version: &str) -> Result<TagPlan, String> {
        let scope = self.scope(None)?;
        let format = scope.tag_format()?;
        let version = semver::Version::parse(version.trim_start_matches('v'))
            .map_err(|e| format!("the release's version {version} is not semver: {e}"))?;
        Ok(TagPlan {
            step: step.to_owned(),
            repo: scope.repo.path.clone(),
            tag: format.tag(&version),
            at: "HEAD".to_owned(),
            remote: scope.repo.remote.clone(),
            allow_dirty: scope.repo.allow_dirty,
            format: scope
                .component
                .map_or(scope.repo.tag_format.clone(), |c| c.tag_format.clone()),
            component: scope.component.map(|c| c.name.clone()),
            path: scope.path_filter().map(str::to_owned),
        })
    }
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
