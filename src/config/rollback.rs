//! `[rollback]`: the verification window, where incident reports go, and
//! whether a firing trigger waits for the operator or starts the rollback
//! (its report, follow-ups and severities are `incident.rs`).

use chrono::Duration;
use toml::Spanned;

use super::error::{ConfigError, closest};
use super::source::LoadedConfig;
use crate::domain::release::ReleaseType;
use crate::domain::rollback::{OnTrigger, RollbackSettings};

const MODES: [&str; 2] = ["guided", "auto"];

impl LoadedConfig {
    pub(super) fn rollback(&self) -> Result<RollbackSettings, Vec<ConfigError>> {
        let r = &self.config.rollback;
        let mut errors = Vec::new();
        let mut settings = RollbackSettings::default();
        let mut duration = |value: &Option<Spanned<String>>, key: &str, into: &mut Duration| {
            if let Some(value) = value {
                match self.duration_at(value, key) {
                    Ok(d) => *into = d,
                    Err(e) => errors.push(*e),
                }
            }
        };
        duration(&r.verify, "rollback.verify", &mut settings.verify);
        duration(
            &r.auto_countdown,
            "rollback.auto_countdown",
            &mut settings.auto_countdown,
        );
        settings.incidents = r.incidents.as_ref().map(|p| self.path_beside(p.get_ref()));
        settings.notify = r.notify.as_ref().map(|n| n.get_ref().clone());
        if let Some(mode) = &r.on_trigger {
            match self.mode(mode, "rollback.on_trigger") {
                Ok(m) => settings.on_trigger = m,
                Err(e) => errors.push(*e),
            }
        }
        for (kind, mode) in &r.on_trigger_for {
            let key = format!("rollback.on_trigger_for.{}", kind.get_ref());
            let parsed_kind = kind.get_ref().parse::<ReleaseType>().map_err(|problem| {
                let names: Vec<&str> = ReleaseType::ALL.iter().map(|k| k.name()).collect();
                Box::new(
                    self.error_at(kind, problem.to_string(), "use a release type as the key")
                        .key(key.clone())
                        .expected(names.join(", "))
                        .suggestion(
                            closest(kind.get_ref(), &names).map(|s| format!("did you mean `{s}`?")),
                        ),
                )
            });
            match (parsed_kind, self.mode(mode, &key)) {
                (Ok(k), Ok(m)) => {
                    settings.on_trigger_for.insert(k, m);
                }
                (Err(e), _) | (_, Err(e)) => errors.push(*e),
            }
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }

    fn mode(&self, value: &Spanned<String>, key: &str) -> Result<OnTrigger, Box<ConfigError>> {
        match value.get_ref().as_str() {
            "guided" => Ok(OnTrigger::Guided),
            "auto" => Ok(OnTrigger::Auto),
            other => Err(Box::new(
                self.error_at(
                    value,
                    format!("unknown trigger mode `{other}`"),
                    "use `guided` (R starts the rollback) or `auto` (a countdown any key cancels)",
                )
                .key(key)
                .expected(MODES.join(", "))
                .suggestion(closest(other, &MODES).map(|s| format!("did you mean `{s}`?"))),
            )),
        }
    }
}
