//! Versions from git in the cockpit: the repositories read for the prompts
//! that start a release (filled in with the suggested versions) and for the
//! release on screen (its Checklist flags and notes preview); a release of
//! several components checked to name the config's `[[component]]`s.

use std::collections::BTreeMap;

use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay, PromptPurpose};
use crate::domain::versioning::reading::prefill;
use crate::domain::versioning::repos::Repos;

pub use crate::app::repo_reads::ReadFor;
pub use crate::domain::versioning::reading::RepoReading;

/// Each `name=version` typed names a component of the config.
pub fn check_components(
    repos: &Repos,
    components: &BTreeMap<String, semver::Version>,
) -> Result<(), String> {
    let known: Vec<&str> = repos.components.iter().map(|c| c.name.as_str()).collect();
    match components
        .keys()
        .find(|name| !known.contains(&name.as_str()))
    {
        None => Ok(()),
        Some(name) if known.is_empty() => Err(format!(
            "`{name}=...`: the config has no [[component]]s; a release of one repo has just its version"
        )),
        Some(name) => Err(format!(
            "no component `{name}`; the config's are: {}",
            known.join(", ")
        )),
    }
}

/// The repositories read anew for the release on screen (after it opens,
/// a repository step ends, or its details open), if there are any.
pub fn read_for_release(model: &mut Model) -> Option<Effect> {
    if model.repos.repos.is_empty() {
        return None;
    }
    let view = model.release.as_mut()?;
    view.repo_reads_asked += 1;
    Some(Effect::ReadRepos {
        repos: Box::new(model.repos.clone()),
        release: Some(Box::new(view.checklist.release.clone())),
        read_for: ReadFor::Release {
            release: view.checklist.release.id.clone(),
            seq: view.repo_reads_asked,
        },
    })
}

/// The repositories read to fill in the prompt just opened.
pub fn read_for_prompt(model: &Model) -> Option<Effect> {
    let Some(Overlay::Prompt(prompt)) = &model.overlay else {
        return None;
    };
    if model.repos.repos.is_empty() {
        return None;
    }
    Some(Effect::ReadRepos {
        repos: Box::new(model.repos.clone()),
        release: None,
        read_for: ReadFor::Prompt {
            purpose: prompt.purpose.clone(),
            opened_with: prompt.text.clone(),
        },
    })
}

/// A reading came back: kept for the release it was read for, or put into
/// the prompt it was read for.
pub fn read(model: &mut Model, read_for: ReadFor, read: RepoReading) -> Vec<Effect> {
    match read_for {
        ReadFor::Release { release, seq } => {
            if let Some(view) = model.release.as_mut()
                && view.checklist.release.id == release
                && seq > view.repo_reading_seq
            {
                view.repo_reading = Some(read);
                view.repo_reading_seq = seq;
                model.mark_changed();
            }
        }
        ReadFor::Prompt {
            purpose,
            opened_with,
        } => {
            let Some(Overlay::Prompt(prompt)) = &mut model.overlay else {
                return Vec::new();
            };
            if prompt.purpose != purpose || prompt.text != opened_with {
                return Vec::new();
            }
            let readings = match read {
                Ok(readings) => readings,
                Err(why) => {
                    model.notice = Some(format!("no version suggested from git: {why}"));
                    model.mark_changed();
                    return Vec::new();
                }
            };
            let previous = match &purpose {
                PromptPurpose::StartOccurrence { .. } => opened_with.parse().ok(),
                _ => model
                    .calendar
                    .releases
                    .iter()
                    .max_by_key(|r| r.t0)
                    .map(|r| r.version.clone()),
            };
            let Some(filled) = prefill(&readings, previous.as_ref()) else {
                return Vec::new();
            };
            let text = match &purpose {
                // The train's own next version stays for a release of
                // components; one repo's comes from its commits.
                PromptPurpose::StartOccurrence { .. } if !filled.components.is_empty() => {
                    format!("{opened_with} {}", filled.components)
                }
                PromptPurpose::StartOccurrence { .. } => filled.version.to_string(),
                _ => format!("{} {} {} ", filled.kind, filled.version, filled.components)
                    .replace("  ", " "),
            };
            prompt.text = text.trim_start().to_owned();
            model.notice = Some(format!("suggested from git: {}", filled.why));
            model.mark_changed();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
