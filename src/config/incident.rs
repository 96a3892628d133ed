//! `[rollback]`'s incident keys: `report` (when the report is due),
//! `follow_ups` (steps due after the incident; `post_mortem` is the one
//! follow-up when they are unset) and `severities` (the team's words on the
//! matrix's levels).

use toml::Spanned;

use super::error::{ConfigError, closest};
use super::schema::{FollowUpConfig, SeverityConfig};
use super::source::LoadedConfig;
use crate::domain::incident::{FollowUpRule, IncidentSettings, post_mortem};
use crate::domain::rollback::Severity;
use crate::domain::severity_scale::{ScaleError, SeverityName, SeverityScale};

const LEVELS: [&str; 3] = ["P0", "P1", "P2"];

impl LoadedConfig {
    pub(super) fn incident(&self) -> Result<IncidentSettings, Vec<ConfigError>> {
        let r = &self.config.rollback;
        let mut errors = Vec::new();
        let mut settings = IncidentSettings::default();
        if let Some(report) = &r.report {
            match self.duration_at(report, "rollback.report") {
                Ok(d) => settings.report = d,
                Err(e) => errors.push(*e),
            }
        }
        match (&r.follow_ups, &r.post_mortem) {
            (Some(_), Some(post_mortem)) => errors.push(
                self.error_at(
                    post_mortem,
                    "`post_mortem` and `follow_ups` are both set: which is the post-mortem's time?",
                    format!(
                        "drop `post_mortem` and list it in follow_ups: {{ title = \"Post-mortem\", due = \"{}\" }}",
                        post_mortem.get_ref()
                    ),
                )
                .key("rollback.post_mortem"),
            ),
            (Some(list), None) => match self.follow_ups(list.get_ref()) {
                Ok(rules) => settings.follow_ups = rules,
                Err(e) => errors.extend(e),
            },
            (None, Some(due)) => match self.duration_at(due, "rollback.post_mortem") {
                Ok(d) => settings.follow_ups = vec![post_mortem(d)],
                Err(e) => errors.push(*e),
            },
            (None, None) => {}
        }
        if let Some(list) = &r.severities {
            match self.severities(list) {
                Ok(scale) => settings.severities = scale,
                Err(e) => errors.extend(e),
            }
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }

    fn follow_ups(&self, list: &[FollowUpConfig]) -> Result<Vec<FollowUpRule>, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut rules = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let key = |field: &str| format!("rollback.follow_ups[{i}].{field}");
            let title = plain(entry.title.get_ref());
            let title = title.trim();
            if title.is_empty() {
                errors.push(
                    self.error_at(
                        &entry.title,
                        "a follow-up with an empty title",
                        "name what is to be done, e.g. title = \"Root cause analysis\"",
                    )
                    .key(key("title")),
                );
            }
            match self.duration_at(&entry.due, &key("due")) {
                Ok(due) if !title.is_empty() => rules.push(FollowUpRule {
                    title: title.to_owned(),
                    due,
                }),
                Ok(_) => {}
                Err(e) => errors.push(*e),
            }
        }
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    fn severities(
        &self,
        list: &Spanned<Vec<SeverityConfig>>,
    ) -> Result<SeverityScale, Vec<ConfigError>> {
        let entries = list.get_ref();
        let mut errors = Vec::new();
        let mut names = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            match self.level(&entry.level, &format!("rollback.severities[{i}].level")) {
                Ok(level) => names.push(SeverityName {
                    name: plain(entry.name.get_ref()).trim().to_owned(),
                    level,
                    covers: entry
                        .covers
                        .as_ref()
                        .map(|c| plain(c.get_ref()).trim().to_owned()),
                }),
                Err(e) => errors.push(*e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        SeverityScale::new(names).map_err(|problem| vec![self.scale_error(list, &problem)])
    }

    fn level(&self, value: &Spanned<String>, key: &str) -> Result<Severity, Box<ConfigError>> {
        value.get_ref().parse::<Severity>().map_err(|problem| {
            Box::new(
                self.error_at(
                    value,
                    problem.to_string(),
                    "map the word onto the matrix: P0 rolls back now, P1 within the hour, P2 fixes forward",
                )
                .key(key)
                .expected(LEVELS.join(", "))
                .suggestion(
                    closest(&value.get_ref().to_ascii_uppercase(), &LEVELS)
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            )
        })
    }

    /// A scale problem, at the entry it is about (or the list itself).
    fn scale_error(
        &self,
        list: &Spanned<Vec<SeverityConfig>>,
        problem: &ScaleError,
    ) -> ConfigError {
        let entry = |index: usize| &list.get_ref()[index];
        let key = |index: usize, field: &str| format!("rollback.severities[{index}].{field}");
        match problem {
            ScaleError::Empty => self
                .error_at(
                    list,
                    problem.to_string(),
                    "list the team's words, or drop `severities` for P0, P1, P2",
                )
                .key("rollback.severities"),
            ScaleError::BlankName { index } => self
                .error_at(
                    &entry(*index).name,
                    problem.to_string(),
                    "give the severity the team's word, e.g. name = \"critical\"",
                )
                .key(key(*index, "name")),
            ScaleError::Duplicate { index, .. } => self
                .error_at(
                    &entry(*index).name,
                    problem.to_string(),
                    "give each severity its own name (case does not tell them apart)",
                )
                .key(key(*index, "name")),
            ScaleError::OutOfOrder { index, .. } => self
                .error_at(
                    &entry(*index).level,
                    problem.to_string(),
                    "list the severities most severe first: the P0 ones, then P1, then P2",
                )
                .key(key(*index, "level")),
            ScaleError::Unnamed(level) => self
                .error_at(
                    list,
                    problem.to_string(),
                    format!(
                        "map at least one word onto {level} ({}): the matrix suggests it",
                        level.action()
                    ),
                )
                .key("rollback.severities"),
        }
    }
}

/// A word for the screen, the journal and the report: a TOML escape such as
/// `\u001b` must not reach a terminal.
fn plain(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests;
