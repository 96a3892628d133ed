//! Finding the config (flag, environment, default file, or the built-in demo),
//! reading it, and turning it into checked settings.

use std::ffi::OsString;
use std::path::PathBuf;
use std::str::FromStr;

use chrono_tz::Tz;
use toml::Spanned;

use super::error::{ConfigError, ConfigErrors, closest};
use super::schema::{Config, LOG_LEVELS};
use crate::app::keys::keymap::{Binding, Keymap, KeymapProblem};
use crate::config::paths::Paths;

/// The demo configuration used when no config file is found.
pub const DEMO_CONFIG: &str = include_str!("../../assets/demo/config.toml");
/// The documented example; a test keeps it loadable.
pub const EXAMPLE_CONFIG: &str = include_str!("../../config.example.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config PATH`: must exist.
    Flag(PathBuf),
    /// `$RELEASE_COCKPIT_CONFIG`: must exist.
    Env(PathBuf),
    /// The default file in the config dir, which exists.
    DefaultFile(PathBuf),
    /// No config found, or the demo was asked for.
    Demo { reason: String },
}

impl ConfigSource {
    /// Picks the source by precedence: flag, then environment, then the default
    /// file if it exists, else the demo.
    pub fn resolve(flag: Option<PathBuf>, env: Option<OsString>, paths: Option<&Paths>) -> Self {
        if let Some(path) = flag {
            return Self::Flag(path);
        }
        if let Some(path) = env.filter(|p| !p.is_empty()) {
            return Self::Env(PathBuf::from(path));
        }
        match paths.map(Paths::default_config_file) {
            Some(path) if path.exists() => Self::DefaultFile(path),
            Some(path) => Self::Demo {
                reason: format!("no config file at {}", path.display()),
            },
            None => Self::Demo {
                reason: "no home directory to look for a config in".to_owned(),
            },
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Flag(path) => format!("{} (from --config)", path.display()),
            Self::Env(path) => format!(
                "{} (from ${})",
                path.display(),
                crate::config::paths::CONFIG_ENV
            ),
            Self::DefaultFile(path) => path.display().to_string(),
            Self::Demo { reason } => format!("built-in demo config ({reason})"),
        }
    }

    fn file_label(&self) -> String {
        match self {
            Self::Flag(path) | Self::Env(path) | Self::DefaultFile(path) => {
                path.display().to_string()
            }
            Self::Demo { .. } => "built-in demo config".to_owned(),
        }
    }

    /// Reads and parses the config. Every problem found is reported.
    pub fn load(self) -> Result<LoadedConfig, ConfigErrors> {
        let file = self.file_label();
        let text = match &self {
            Self::Demo { .. } => DEMO_CONFIG.to_owned(),
            Self::Flag(path) | Self::Env(path) | Self::DefaultFile(path) => {
                std::fs::read_to_string(path).map_err(|e| {
                    ConfigErrors(vec![ConfigError::new(
                        &file,
                        format!("cannot read the config file: {e}"),
                        "check the path; `release-cockpit info` shows where the cockpit looks, \
                         and config.example.toml is a starting point",
                    )])
                })?
            }
        };
        let config = parse(&file, &text)?;
        Ok(LoadedConfig {
            source: self,
            file,
            text,
            config,
        })
    }
}

pub fn parse(file: &str, text: &str) -> Result<Config, ConfigErrors> {
    toml::from_str(text).map_err(|e| ConfigErrors(vec![ConfigError::from_toml(file, text, &e)]))
}

#[derive(Debug)]
pub struct LoadedConfig {
    pub source: ConfigSource,
    pub file: String,
    pub text: String,
    pub config: Config,
}

/// The config's settings, checked against what this build knows.
#[derive(Debug, Clone)]
pub struct Settings {
    pub keymap: Keymap,
    pub zone: Option<Tz>,
    /// Index into the theme names passed to [`LoadedConfig::settings`].
    pub theme: Option<usize>,
    pub operator: Option<String>,
    pub log_level: Option<String>,
    pub roles: std::collections::BTreeMap<String, Vec<String>>,
    pub trains: Vec<crate::domain::calendar::Train>,
    pub blackouts: Vec<crate::domain::calendar::Blackout>,
    pub targets: super::targets::Targets,
    pub health: crate::domain::health::HealthSettings,
    pub signals: Vec<crate::domain::health::Signal>,
    pub rollback: crate::domain::rollback::RollbackSettings,
    /// `[metrics]`: the delivery figures' window and targets.
    pub delivery: crate::domain::delivery::DeliverySettings,
    /// `[rollback]`'s report, follow-ups and severity scale.
    pub incident: crate::domain::incident::IncidentSettings,
    /// `[[repo]]` and `[[component]]`.
    pub repos: super::repos::Repos,
    /// `[[channel]]`: where messages go.
    pub channels: crate::domain::comms::channel::Channels,
    /// `[[signal]] notify`: where alerts go.
    pub alert_routes: crate::domain::comms::routes::AlertRoutes,
    /// The message templates (built in, or the team's beside the config).
    pub messages: crate::domain::comms::template::Templates,
    /// `[share]`: releases written for the team through the cluster.
    pub share: Option<super::share::ShareSettings>,
}

impl LoadedConfig {
    pub fn settings(&self, theme_names: &[String]) -> Result<Settings, ConfigErrors> {
        let mut errors = Vec::new();
        let keymap = self.keymap().map_err(|e| errors.extend(e)).ok();
        let zone = self.zone().map_err(|e| errors.push(*e)).ok().flatten();
        let theme = self
            .theme(theme_names)
            .map_err(|e| errors.push(*e))
            .ok()
            .flatten();
        let log_level = self.log_level().map_err(|e| errors.push(*e)).ok().flatten();
        let trains = self
            .trains()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let blackouts = self
            .blackouts(&trains)
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let targets = self
            .targets()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let target_names: Vec<&str> = targets.names().collect();
        let repos = self
            .repos(&target_names)
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let health = self
            .health()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let signals = self
            .signals(&health)
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let rollback = self
            .rollback()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let delivery = self
            .delivery()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let incident = self
            .incident()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let channels = self
            .channels()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let alert_routes = self
            .alert_routes(&channels)
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let share = self
            .share()
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        match keymap {
            Some(keymap) if errors.is_empty() => Ok(Settings {
                trains,
                blackouts,
                targets,
                health,
                signals,
                rollback,
                delivery,
                incident,
                repos,
                channels,
                alert_routes,
                share,
                messages: Default::default(),
                keymap,
                zone,
                theme,
                operator: self.config.operator.name.clone(),
                log_level,
                roles: self.config.roles.clone(),
            }),
            _ => Err(ConfigErrors(errors)),
        }
    }

    /// Where relative paths in the config start: the file's directory (a
    /// bare `cockpit.toml`, or the built-in demo, is in the current one).
    pub(super) fn config_dir(&self) -> PathBuf {
        std::path::Path::new(&self.file)
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    }

    pub(super) fn error_at<T>(
        &self,
        spanned: &Spanned<T>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> ConfigError {
        ConfigError::new(&self.file, problem, fix).at(&self.text, Some(spanned.span()))
    }

    fn keymap(&self) -> Result<Keymap, Vec<ConfigError>> {
        let bindings: Vec<Binding<std::ops::Range<usize>>> = self
            .config
            .keys
            .iter()
            .map(|(name, keys)| Binding {
                command: name.get_ref().clone(),
                keys: keys
                    .get_ref()
                    .0
                    .iter()
                    .map(|k| (k.clone(), keys.span()))
                    .collect(),
                origin: name.span(),
            })
            .collect();
        Keymap::with_overrides(&bindings).map_err(|problems| {
            problems
                .into_iter()
                .map(|problem| self.keymap_error(problem))
                .collect()
        })
    }

    fn keymap_error(&self, problem: KeymapProblem<std::ops::Range<usize>>) -> ConfigError {
        let (error, span) = match problem {
            KeymapProblem::UnknownCommand {
                name,
                suggestion,
                origin,
            } => (
                ConfigError::new(
                    &self.file,
                    format!("unknown command `{name}`"),
                    "use a command name from the `?` help or config.example.toml",
                )
                .key(format!("keys.{name}"))
                .expected("a command name such as quit, help, palette, zoom, focus-next")
                .suggestion(suggestion.map(|s| format!("did you mean `{s}`?"))),
                origin,
            ),
            KeymapProblem::BadKey {
                command,
                error,
                origin,
            } => (
                ConfigError::new(
                    &self.file,
                    error.to_string(),
                    "write the key as `q`, `Q`, `?`, `ctrl-z`, `shift-tab`, `f5`, ...",
                )
                .key(format!("keys.{command}"))
                .expected(error.reason),
                origin,
            ),
            KeymapProblem::Clash {
                key,
                first,
                second,
                origin,
            } => (
                ConfigError::new(
                    &self.file,
                    format!("key `{key}` is bound to both `{first}` and `{second}`"),
                    format!("give one of them another key, e.g. `{first} = \"...\"` under [keys]"),
                ),
                origin,
            ),
            KeymapProblem::Typed {
                key,
                command,
                origin,
            } => (
                ConfigError::new(
                    &self.file,
                    format!(
                        "`{command}` works where keys type text: `{key}` would be typed, not run"
                    ),
                    format!(
                        "give `{command}` a named key (enter, esc, tab, up, ctrl-...) under [keys]"
                    ),
                )
                .key(format!("keys.{command}")),
                origin,
            ),
        };
        error.at(&self.text, Some(span))
    }

    fn zone(&self) -> Result<Option<Tz>, Box<ConfigError>> {
        let Some(zone) = &self.config.operator.timezone else {
            return Ok(None);
        };
        Tz::from_str(zone.get_ref()).map(Some).map_err(|_| {
            let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
            Box::new(
                self.error_at(
                    zone,
                    format!("unknown time zone `{}`", zone.get_ref()),
                    "use an IANA zone name such as America/Los_Angeles, Europe/Berlin or UTC",
                )
                .expected("an IANA time zone name")
                .suggestion(
                    closest(zone.get_ref(), &names).map(|s| format!("did you mean `{s}`?")),
                ),
            )
        })
    }

    fn theme(&self, names: &[String]) -> Result<Option<usize>, Box<ConfigError>> {
        let Some(theme) = &self.config.ui.theme else {
            return Ok(None);
        };
        match names.iter().position(|n| n == theme.get_ref()) {
            Some(index) => Ok(Some(index)),
            None => Err(Box::new(self
                .error_at(theme, format!("unknown theme `{}`", theme.get_ref()), "pick a listed theme, or add a file of that name to the themes directory (`release-cockpit info` shows it)")
                .expected(format!("one of {}", names.join(", ")))
                .suggestion(closest(theme.get_ref(), names).map(|s| format!("did you mean `{s}`?"))))),
        }
    }

    fn log_level(&self) -> Result<Option<String>, Box<ConfigError>> {
        let Some(level) = &self.config.log.level else {
            return Ok(None);
        };
        let lower = level.get_ref().to_ascii_lowercase();
        if LOG_LEVELS.contains(&lower.as_str()) {
            Ok(Some(lower))
        } else {
            Err(Box::new(
                self.error_at(
                    level,
                    format!("unknown log level `{}`", level.get_ref()),
                    "use one of the listed levels",
                )
                .expected(format!("one of {}", LOG_LEVELS.join(", ")))
                .suggestion(closest(&lower, LOG_LEVELS).map(|s| format!("did you mean `{s}`?"))),
            ))
        }
    }
}

#[cfg(test)]
mod docker_tests;
#[cfg(test)]
mod tests;
