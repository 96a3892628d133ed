//! What a repository step (`tag`, `branch`, `notes`, `git`) will do, item
//! by item: one per component the release holds, or one for a release of
//! one repo. Its dialog shows the plan; the runtime carries it out
//! (`runtime/repo_step.rs`) in the same order, stopping at the first that
//! fails.

use std::path::PathBuf;

use super::notes::Style;
use super::repos::{Repos, Scope};
use super::template::NoteTemplates;
use crate::domain::playbook::{BranchLine, RepoCheck, RepoStep, RepoWork};
use crate::domain::release::Release;

/// A step's work on one repository, for one component or the whole repo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoItem {
    pub repo: PathBuf,
    /// The component, or the repo's name for a release without them.
    pub label: String,
    pub component: Option<String>,
    /// The version this item releases (semver).
    pub version: String,
    /// The tag format and its tag for `version`.
    pub format: String,
    pub tag: String,
    /// A component's path filter, for its notes.
    pub path: Option<String>,
    /// The release commit: a revision (`HEAD`).
    pub at: String,
    pub remote: Option<String>,
    pub allow_dirty: bool,
    /// The CHANGELOG, relative to the repository.
    pub changelog: String,
    pub style: Style,
    pub templates: NoteTemplates,
    /// The notes' date: T-0's day where the release is planned.
    pub date: chrono::NaiveDate,
    pub work: ItemWork,
}

/// What is done to the item's repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemWork {
    Tag,
    /// Cut `name` from `from`.
    Branch {
        name: String,
        from: BranchFrom,
    },
    /// A section on top of the CHANGELOG and a notes file.
    Notes,
    /// The checked-out branch matches this pattern, filled in.
    OnBranch {
        pattern: String,
    },
    TagAbsent,
    ChangelogHasSection,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchFrom {
    /// A revision: the main branch.
    Revision(String),
    /// The newest release tag of the item's format, found when it runs.
    LatestRelease,
}

/// A repository step's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPlan {
    pub step: String,
    pub work: RepoWork,
    pub items: Vec<RepoItem>,
}

impl RepoPlan {
    /// The tags the plan makes or checks, for its dialog and notices.
    pub fn tags(&self) -> Vec<&str> {
        self.items.iter().map(|i| i.tag.as_str()).collect()
    }
}

impl Repos {
    /// What `step` does for `release`: an item per component the step
    /// names, or per component the release has a version for, or the one
    /// repo's. Why not, in words the operator can act on.
    pub fn plan(&self, step: &str, kind: &RepoStep, release: &Release) -> Result<RepoPlan, String> {
        let scopes: Vec<Scope<'_>> = match (&kind.component, self.components.is_empty()) {
            (Some(name), _) => vec![self.scope(Some(name))?],
            (None, true) => vec![self.scope(None)?],
            (None, false) => {
                let named: Vec<Scope<'_>> = self
                    .components
                    .iter()
                    .filter(|c| release.components.contains_key(&c.name))
                    .map(|c| self.scope(Some(&c.name)))
                    .collect::<Result<_, _>>()?;
                if named.is_empty() {
                    return Err(format!(
                        "the release names no component versions: start it with them, e.g. {}",
                        self.components
                            .iter()
                            .map(|c| format!("{}=1.0.0", c.name))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                }
                named
            }
        };
        // A branch is the release's, not a component's: one per repository,
        // named by the release's version, unless the step names a component.
        let scopes = match (&kind.work, &kind.component) {
            // A hotfix starts from a release tag, and a release of
            // components has one per component: the step must say whose.
            (RepoWork::Branch(BranchLine::Hotfix), None) if !self.components.is_empty() => {
                return Err(
                    "a hotfix branch of a release of components is cut from one component's latest release tag: name it with `component` on the step"
                        .to_owned(),
                );
            }
            (RepoWork::Branch(_), None) => {
                let mut seen: Vec<&std::path::Path> = Vec::new();
                scopes
                    .into_iter()
                    .filter(|s| {
                        let new = !seen.contains(&s.repo.path.as_path());
                        seen.push(&s.repo.path);
                        new
                    })
                    .map(|s| Scope {
                        repo: s.repo,
                        component: None,
                    })
                    .collect()
            }
            _ => scopes,
        };
        let items = scopes
            .into_iter()
            .map(|scope| item(&kind.work, &scope, release, &self.templates))
            .collect::<Result<_, _>>()?;
        Ok(RepoPlan {
            step: step.to_owned(),
            work: kind.work.clone(),
            items,
        })
    }
}

fn item(
    work: &RepoWork,
    scope: &Scope<'_>,
    release: &Release,
    templates: &NoteTemplates,
) -> Result<RepoItem, String> {
    let component = scope.component.map(|c| c.name.clone());
    if let Some(name) = &component
        && !release.components.contains_key(name)
    {
        // Never the release's own version under a component's name.
        return Err(if release.components.is_empty() {
            format!("the release names no component versions: start it with {name}=VERSION")
        } else {
            format!(
                "the release has no version for component `{name}`: it holds {}",
                release
                    .components
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    let version = release.version_of(component.as_deref()).clone();
    // A release branch and a branch check need no tag; the rest do.
    let needs_tag = !matches!(
        work,
        RepoWork::Branch(BranchLine::Release) | RepoWork::Check(RepoCheck::OnBranch(_))
    );
    let tag = match scope.tag_format() {
        Ok(format) => format.tag(&version),
        Err(why) if needs_tag => return Err(why),
        Err(_) => String::new(),
    };
    let label = component.clone().unwrap_or_else(|| scope.repo.name.clone());
    let fill = |pattern: &str| {
        pattern
            .replace("{version}", &version.to_string())
            .replace("{component}", &label)
            .replace(
                "{date}",
                &release
                    .t0
                    .with_timezone(&release.zone)
                    .format("%Y-%m-%d")
                    .to_string(),
            )
            .replace("{slug}", &slug(&release.name))
    };
    let work = match work {
        RepoWork::Tag => ItemWork::Tag,
        RepoWork::Notes => ItemWork::Notes,
        RepoWork::Branch(BranchLine::Release) => ItemWork::Branch {
            name: fill(&scope.repo.release_branch),
            from: BranchFrom::Revision(scope.repo.main_branch.clone()),
        },
        RepoWork::Branch(BranchLine::Hotfix) => ItemWork::Branch {
            name: fill(&scope.repo.hotfix_branch),
            from: BranchFrom::LatestRelease,
        },
        RepoWork::Check(RepoCheck::OnBranch(pattern)) => ItemWork::OnBranch {
            pattern: fill(pattern),
        },
        RepoWork::Check(RepoCheck::TagAbsent) => ItemWork::TagAbsent,
        RepoWork::Check(RepoCheck::ChangelogHasSection) => ItemWork::ChangelogHasSection,
    };
    Ok(RepoItem {
        repo: scope.repo.path.clone(),
        label,
        tag,
        version: version.to_string(),
        format: scope
            .component
            .map_or(scope.repo.tag_format.clone(), |c| c.tag_format.clone()),
        component,
        path: scope.path_filter().map(str::to_owned),
        at: "HEAD".to_owned(),
        remote: scope.repo.remote.clone(),
        allow_dirty: scope.repo.allow_dirty,
        changelog: scope.repo.changelog.clone(),
        style: scope.repo.style,
        templates: templates.clone(),
        date: release.t0.with_timezone(&release.zone).date_naive(),
        work,
    })
}

/// `Mobile App` -> `mobile-app`: what `{slug}` is in a branch name.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Whether `branch` matches `pattern`, where `*` is any text.
pub fn branch_matches(pattern: &str, branch: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == branch;
    };
    let Some(mut rest) = branch.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests;
