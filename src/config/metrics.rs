//! `[metrics]`: the delivery figures' window, the hotfix window and the
//! team's targets, each checked at its line with a fix.

use toml::Spanned;

use super::error::ConfigError;
use super::source::LoadedConfig;
use crate::domain::delivery::{DeliverySettings, Target};

impl LoadedConfig {
    pub(super) fn delivery(&self) -> Result<DeliverySettings, Vec<ConfigError>> {
        let m = &self.config.metrics;
        let mut errors = Vec::new();
        let mut settings = DeliverySettings::default();
        for (value, key, into) in [
            (&m.window, "metrics.window", &mut settings.window),
            (
                &m.hotfix_window,
                "metrics.hotfix_window",
                &mut settings.hotfix_window,
            ),
        ] {
            if let Some(value) = value {
                match self.duration_at(value, key) {
                    Ok(d) => *into = d,
                    Err(e) => errors.push(*e),
                }
            }
        }
        let mut target = |value: &Option<Spanned<String>>, key: &str, kind: Kind| {
            let value = value.as_ref()?;
            match self.delivery_target(value, key, kind) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(*e);
                    None
                }
            }
        };
        settings.lead_time = target(&m.lead_time, "metrics.lead_time", Kind::Hours);
        settings.time_to_restore =
            target(&m.time_to_restore, "metrics.time_to_restore", Kind::Minutes);
        settings.change_failure_rate = target(
            &m.change_failure_rate,
            "metrics.change_failure_rate",
            Kind::Percent,
        );
        settings.deployment_frequency = target(
            &m.deployment_frequency,
            "metrics.deployment_frequency",
            Kind::PerWeek,
        );
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }

    fn delivery_target(
        &self,
        value: &Spanned<String>,
        key: &str,
        kind: Kind,
    ) -> Result<Target, Box<ConfigError>> {
        let text = value.get_ref().trim();
        let parsed = match kind {
            Kind::Hours | Kind::Minutes => self.duration_at(value, key).map(|d| {
                let seconds = d.num_seconds() as f64;
                if kind == Kind::Hours {
                    seconds / 3600.0
                } else {
                    seconds / 60.0
                }
            }),
            Kind::Percent => text
                .strip_suffix('%')
                .and_then(|n| n.trim().parse::<f64>().ok())
                .filter(|n| (0.0..=100.0).contains(n))
                .ok_or_else(|| {
                    Box::new(
                        self.error_at(value, "not a percentage", "write a share such as `5%`")
                            .key(key),
                    )
                }),
            Kind::PerWeek => per_week(text).ok_or_else(|| {
                Box::new(
                    self.error_at(
                        value,
                        "not a frequency",
                        "write how many per week or per day, e.g. `1/week` or `2/day`",
                    )
                    .key(key),
                )
            }),
        }?;
        Ok(Target {
            // A frequency should stay up; the others down.
            at_most: kind != Kind::PerWeek,
            value: parsed,
            text: text.to_owned(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Hours,
    Minutes,
    Percent,
    PerWeek,
}

/// `1/week`, `2/day`, `0.5/week`: how many per week.
fn per_week(text: &str) -> Option<f64> {
    let (count, per) = text.split_once('/')?;
    let count: f64 = count
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| *n > 0.0 && n.is_finite())?;
    match per.trim() {
        "week" | "w" => Some(count),
        "day" | "d" => Some(count * 7.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::source::{ConfigSource, LoadedConfig, parse};

    fn load(text: &str) -> Result<crate::domain::delivery::DeliverySettings, String> {
        let file = "metrics.toml";
        let config = parse(file, text).map_err(|e| format!("{e:?}"))?;
        let loaded = LoadedConfig {
            source: ConfigSource::Flag(std::path::PathBuf::from(file)),
            file: file.to_owned(),
            text: text.to_owned(),
            config,
        };
        loaded.delivery().map_err(|e| {
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    #[test]
    fn targets_are_read_in_each_figures_unit() {
        let settings = load(
            "[metrics]\nwindow = \"30d\"\nlead_time = \"1d\"\nchange_failure_rate = \"5%\"\ntime_to_restore = \"1h\"\ndeployment_frequency = \"2/day\"\n",
        )
        .unwrap();
        assert_eq!(settings.window, chrono::Duration::days(30));
        assert_eq!(settings.lead_time.as_ref().map(|t| t.value), Some(24.0));
        assert_eq!(
            settings.time_to_restore.as_ref().map(|t| t.value),
            Some(60.0)
        );
        let frequency = settings.deployment_frequency.unwrap();
        assert_eq!((frequency.value, frequency.at_most), (14.0, false));
        assert!(settings.change_failure_rate.unwrap().met_by(5.0));
    }

    #[test]
    fn a_bad_target_is_an_error_at_its_line_with_a_fix() {
        let error = load("[metrics]\n\nchange_failure_rate = \"five\"\n").unwrap_err();
        assert!(error.contains("metrics.toml, line 3"), "{error}");
        assert!(error.contains("`5%`"), "{error}");
        let error = load("[metrics]\ndeployment_frequency = \"often\"\n").unwrap_err();
        assert!(error.contains("1/week"), "{error}");
        let error = load("[metrics]\nlead_tme = \"24h\"\n").unwrap_err();
        assert!(error.contains("lead_time"), "did you mean: {error}");
    }
}
