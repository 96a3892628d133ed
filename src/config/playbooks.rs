//! The playbooks a release can use: built in (`assets/playbooks/`) and the
//! user's (`<config dir>/playbooks/*.toml`), which add to or replace built-ins
//! by name.

use std::path::Path;

use super::error::{ConfigError, ConfigErrors, closest};
use super::playbook_file::parse_playbook;
use super::toml_dir::load_toml_dir;
use crate::domain::playbook::Playbook;
use crate::domain::release::ReleaseType;

const BUILTIN: [(&str, &str); 5] = [
    (
        "assets/playbooks/patch.toml",
        include_str!("../../assets/playbooks/patch.toml"),
    ),
    (
        "assets/playbooks/minor.toml",
        include_str!("../../assets/playbooks/minor.toml"),
    ),
    (
        "assets/playbooks/major.toml",
        include_str!("../../assets/playbooks/major.toml"),
    ),
    (
        "assets/playbooks/hotfix.toml",
        include_str!("../../assets/playbooks/hotfix.toml"),
    ),
    (
        "assets/playbooks/emergency.toml",
        include_str!("../../assets/playbooks/emergency.toml"),
    ),
];

/// A playbook with the file it came from and its text; the text is what a
/// release records, so that it replays the same way after the file changes.
#[derive(Debug, Clone)]
pub struct PlaybookEntry {
    pub playbook: Playbook,
    pub file: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct PlaybookLibrary {
    entries: Vec<PlaybookEntry>,
}

impl PlaybookLibrary {
    pub fn builtin() -> Result<Self, ConfigErrors> {
        let mut library = Self {
            entries: Vec::new(),
        };
        for (file, text) in BUILTIN {
            library.insert(parse_entry(file, text)?);
        }
        Ok(library)
    }

    /// Built-ins plus `*.toml` in `dir` when it exists. Every problem in every
    /// file is reported.
    pub fn load(dir: Option<&Path>) -> Result<Self, ConfigErrors> {
        let mut library = Self::builtin()?;
        if let Some(dir) = dir {
            load_toml_dir(dir, "playbooks", parse_entry)?
                .into_iter()
                .for_each(|entry| library.insert(entry));
        }
        Ok(library)
    }

    /// Adds the demo's playbook (runnable gates), for demo sessions only.
    pub fn add_demo(&mut self) -> Result<(), ConfigErrors> {
        self.insert(parse_entry(
            "assets/demo/playbook.toml",
            include_str!("../../assets/demo/playbook.toml"),
        )?);
        Ok(())
    }

    fn insert(&mut self, entry: PlaybookEntry) {
        match self
            .entries
            .iter_mut()
            .find(|e| e.playbook.name == entry.playbook.name)
        {
            Some(existing) => *existing = entry,
            None => self.entries.push(entry),
        }
    }

    pub fn get(&self, name: &str) -> Option<&PlaybookEntry> {
        self.entries.iter().find(|e| e.playbook.name == name)
    }

    /// The playbook a release type uses by default: the last loaded one that
    /// lists the type, so a user's playbook wins over the built-in.
    pub fn for_type(&self, kind: ReleaseType) -> Option<&PlaybookEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.playbook.release_types.contains(&kind))
    }

    pub fn playbooks(&self) -> impl Iterator<Item = &Playbook> {
        self.entries.iter().map(|e| &e.playbook)
    }

    /// What go/no-go gates in each playbook, and the command steps that read
    /// like deploys but name no environment: `check-config` says both.
    pub fn gating_report(&self) -> (Vec<String>, Vec<String>) {
        let summary = self
            .playbooks()
            .map(|p| format!("go/no-go: playbook `{}` {}", p.name, p.gating_summary()))
            .collect();
        let notes = self
            .playbooks()
            .flat_map(|p| {
                p.unmarked_deploys().into_iter().map(move |s| {
                    format!(
                        "playbook `{}`, step `{}` runs a command that reads like a deploy but names no \
                         environment, so go/no-go does not gate it: add `environment = \"production\"` \
                         (or where it deploys) to the step",
                        p.name, s.id
                    )
                })
            })
            .collect();
        (summary, notes)
    }

    /// Each repository step that names a component the config has no
    /// `[[component]]` for: its playbook's file and line, and a fix.
    pub fn check_components(
        &self,
        repos: &crate::domain::versioning::repos::Repos,
    ) -> Result<(), ConfigErrors> {
        let known: Vec<&str> = repos.components.iter().map(|c| c.name.as_str()).collect();
        let errors: Vec<ConfigError> = self
            .entries
            .iter()
            .flat_map(|entry| {
                entry.playbook.steps().filter_map(|(_, step)| {
                    let name = step.kind.repo_step()?.component.as_deref()?;
                    if known.contains(&name) {
                        return None;
                    }
                    // Where the file says it (for the line), as written.
                    let quoted = format!("\"{name}\"");
                    let span = entry
                        .text
                        .find(&format!("component = {quoted}"))
                        .map(|at| at + "component = ".len())
                        .or_else(|| entry.text.find(&quoted))
                        .map(|at| at..at + quoted.len());
                    let fix = if known.is_empty() {
                        "add a [[component]] with this name to the config, or remove `component` to act on the release's one repo".to_owned()
                    } else {
                        format!("name one of the config's components: {}", known.join(", "))
                    };
                    let error = ConfigError::new(
                        &entry.file,
                        format!(
                            "step `{}` names component `{name}`, which the config does not have",
                            step.id
                        ),
                        fix,
                    )
                    .at(&entry.text, span)
                    .key("phase.step.component");
                    Some(error)
                })
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// With `[[channel]]`s configured, each notify step must name one the
    /// config has, or have a default to go to: a typo would otherwise turn
    /// a message into a step done by hand.
    pub fn check_channels(
        &self,
        channels: &crate::domain::comms::channel::Channels,
    ) -> Result<(), ConfigErrors> {
        use crate::domain::comms::channel::NoChannel;
        use crate::domain::playbook::StepKind;
        if channels.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = channels.names().collect();
        let errors: Vec<ConfigError> = self
            .entries
            .iter()
            .flat_map(|entry| {
                let names = &names;
                entry.playbook.steps().filter_map(move |(_, step)| {
                    let StepKind::Notify { channel, .. } = &step.kind else {
                        return None;
                    };
                    let why = channels.resolve(channel.as_deref()).err()?;
                    let (problem, fix, span) = match (&why, channel) {
                        (NoChannel::Unknown(name), _) => {
                            let quoted = format!("\"{name}\"");
                            let span = entry
                                .text
                                .find(&format!("channel = {quoted}"))
                                .map(|at| at + "channel = ".len())
                                .map(|at| at..at + quoted.len());
                            let suggestion = closest(name, names)
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default();
                            (
                                format!("step `{}` sends to channel `{name}`, which the config does not have{suggestion}", step.id),
                                format!("name one of the config's channels: {}", names.join(", ")),
                                span,
                            )
                        }
                        _ => {
                            let quoted = format!("id = \"{}\"", step.id);
                            let span = entry.text.find(&quoted).map(|at| at..at + quoted.len());
                            (
                                format!("step `{}` names no channel, and no [[channel]] is the default", step.id),
                                "add `channel = \"...\"` to the step, or `default = true` to one [[channel]]".to_owned(),
                                span,
                            )
                        }
                    };
                    Some(
                        ConfigError::new(&entry.file, problem, fix)
                            .at(&entry.text, span)
                            .key("phase.step.channel"),
                    )
                })
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.entries
            .iter()
            .map(|e| e.playbook.name.as_str())
            .collect()
    }
}

fn parse_entry(file: &str, text: &str) -> Result<PlaybookEntry, ConfigErrors> {
    Ok(PlaybookEntry {
        playbook: parse_playbook(file, text)?,
        file: file.to_owned(),
        text: text.to_owned(),
    })
}
