//! `[health]` and `[[signal]]` tables turned into the signals the Health pane
//! watches, with every problem pointing at its line and a fix.

use chrono::Duration;
use toml::Spanned;

use super::error::{ConfigError, closest};
use super::schema::SignalConfig;
use super::source::LoadedConfig;
use crate::domain::health::{HealthSettings, Signal, Source, Unit, parse_measure};
use crate::domain::offset::parse_duration;
use crate::domain::playbook::HttpCheck;
use crate::domain::policy::{Comparison, Rule, parse_rule};

const SOURCES: [&str; 4] = ["prometheus", "scrape", "health", "docker"];

impl LoadedConfig {
    pub(super) fn health(&self) -> Result<HealthSettings, Vec<ConfigError>> {
        let h = &self.config.health;
        let mut errors = Vec::new();
        let defaults = HealthSettings::default();
        let mut duration =
            |value: &Option<Spanned<String>>, key: &str, default: Duration| match value
                .as_ref()
                .map(|v| self.duration_at(v, key))
            {
                Some(Ok(d)) => d,
                Some(Err(e)) => {
                    errors.push(*e);
                    default
                }
                None => default,
            };
        let interval = duration(&h.interval, "health.interval", defaults.interval);
        let baseline = duration(&h.baseline, "health.baseline", defaults.baseline);
        let chart = duration(&h.chart, "health.chart", defaults.chart);
        let prometheus = match &h.prometheus {
            Some(url) => match self.http_url(url, "health.prometheus") {
                Ok(url) => Some(url),
                Err(e) => {
                    errors.push(*e);
                    None
                }
            },
            None => None,
        };
        if errors.is_empty() {
            Ok(HealthSettings {
                prometheus,
                interval,
                baseline,
                chart,
            })
        } else {
            Err(errors)
        }
    }

    pub(super) fn signals(&self, health: &HealthSettings) -> Result<Vec<Signal>, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut signals: Vec<Signal> = Vec::new();
        for (i, table) in self.config.signals.iter().enumerate() {
            let name = table.name.get_ref();
            if signals.iter().any(|s| &s.name == name) {
                errors.push(
                    self.error_at(
                        &table.name,
                        format!("two signals are named `{name}`"),
                        "give each [[signal]] its own name",
                    )
                    .key(format!("signal[{i}].name")),
                );
                continue;
            }
            match self.signal(i, table, health) {
                Ok(signal) => signals.push(signal),
                Err(error) => errors.push(*error),
            }
        }
        if errors.is_empty() {
            Ok(signals)
        } else {
            Err(errors)
        }
    }

    fn signal(
        &self,
        i: usize,
        t: &SignalConfig,
        health: &HealthSettings,
    ) -> Result<Signal, Box<ConfigError>> {
        let key = |field: &str| format!("signal[{i}].{field}");
        let name = t.name.get_ref().clone();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(Box::new(
                self.error_at(
                    &t.name,
                    format!("`{name}` is not a signal name"),
                    "use one word, e.g. error_rate or p99",
                )
                .key(key("name")),
            ));
        }
        let source = self.source(i, t, health)?;
        let unit = match &t.unit {
            Some(unit) => Unit::parse(unit.get_ref()).ok_or_else(|| {
                Box::new(
                    self.error_at(
                        unit,
                        format!("unknown unit `{}`", unit.get_ref()),
                        "set `unit` to one of the listed units",
                    )
                    .key(key("unit"))
                    .expected(Unit::NAMES.join(", "))
                    .suggestion(
                        closest(unit.get_ref(), &Unit::NAMES)
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                )
            })?,
            None if matches!(source, Source::Health(_)) => Unit::Health,
            None if matches!(source, Source::Docker(_)) => Unit::Ratio,
            None => Unit::Number,
        };
        if matches!(source, Source::Docker(_))
            && let Some(text) = t.unit.as_ref().filter(|_| unit != Unit::Ratio)
        {
            return Err(Box::new(
                self.error_at(
                    text,
                    format!("a docker signal is a share, not `{}`", text.get_ref()),
                    "remove `unit` (docker signals are ratios: write thresholds as `> 80%`)",
                )
                .key(key("unit")),
            ));
        }
        let rule = |text: &Option<Spanned<String>>,
                    field: &str|
         -> Result<Option<Rule>, Box<ConfigError>> {
            let Some(text) = text else { return Ok(None) };
            let rule = parse_rule(&format!("{name} {}", text.get_ref())).map_err(|e| {
                Box::new(
                    self.error_at(text, e.0.replace(&format!("`{name} "), "`"), "write the condition after the signal's name: `> 5% for 2m`, `> 2x baseline for 5m`, `< 10%` or `failing for 5m`")
                        .key(key(field)),
                )
            })?;
            let is_health = matches!(source, Source::Health(_));
            if is_health != matches!(rule.comparison, Comparison::Failing) {
                let fix = if is_health {
                    "a health signal is up or down: write `failing for 5m`"
                } else {
                    "`failing` is for `source = \"health\"` signals; compare a number instead, e.g. `> 5% for 2m`"
                };
                return Err(Box::new(
                    self.error_at(
                        text,
                        format!(
                            "`{}` does not fit a {} signal",
                            text.get_ref(),
                            source.kind()
                        ),
                        fix,
                    )
                    .key(key(field)),
                ));
            }
            if let Err(why) = threshold_fits(text.get_ref(), unit) {
                return Err(Box::new(
                    self.error_at(text, why.to_string(), "write the threshold in the signal's unit: % for ratio, s or ms for seconds, a plain number otherwise")
                        .key(key(field)),
                ));
            }
            Ok(Some(rule))
        };
        let warn = rule(&t.warn, "warn")?;
        let mut critical = rule(&t.critical, "critical")?;
        if critical.is_none() && matches!(source, Source::Health(_)) {
            // The seeds' rule: a health check failing for five minutes.
            critical = parse_rule(&format!("{name} failing for 5m")).ok();
        }
        let interval = match &t.interval {
            Some(v) => self.duration_at(v, &key("interval"))?,
            None => health.interval,
        };
        let baseline_window = match &t.baseline {
            Some(v) => self.duration_at(v, &key("baseline"))?,
            None => health.baseline,
        };
        Ok(Signal {
            name,
            unit,
            source,
            interval,
            warn,
            critical,
            baseline_window,
        })
    }

    fn source(
        &self,
        i: usize,
        t: &SignalConfig,
        health: &HealthSettings,
    ) -> Result<Source, Box<ConfigError>> {
        let key = |field: &str| format!("signal[{i}].{field}");
        let kind = t.source.get_ref().as_str();
        let missing = |field: &str, fix: &str| {
            Box::new(
                self.error_at(
                    &t.name,
                    format!(
                        "signal `{}` has `source = \"{kind}\"` but no `{field}`",
                        t.name.get_ref()
                    ),
                    fix,
                )
                .key(key(field)),
            )
        };
        let url = t
            .url
            .as_ref()
            .map(|u| self.http_url(u, &key("url")))
            .transpose()?;
        let stray = |field: &str, present: bool| self.stray_field(i, t, field, present);
        if kind != "docker" {
            for (field, present) in docker::fields(t) {
                stray(field, present)?;
            }
        }
        match kind {
            "prometheus" => {
                stray("measure", t.measure.is_some())?;
                let query = t.query.as_ref().ok_or_else(|| missing("query", "add the PromQL, e.g. query = 'sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))'"))?;
                let url = url.or_else(|| health.prometheus.clone()).ok_or_else(|| {
                    missing("url", "set the server once under [health] as `prometheus = \"http://127.0.0.1:9090\"`, or per signal as `url`")
                })?;
                Ok(Source::Prometheus {
                    url,
                    query: query.get_ref().clone(),
                })
            }
            "scrape" => {
                stray("query", t.query.is_some())?;
                let url = url.ok_or_else(|| missing("url", "add the service's metrics endpoint, e.g. url = \"http://127.0.0.1:8080/metrics\""))?;
                let measure_text = t.measure.as_ref().ok_or_else(|| missing("measure", "say what to compute, e.g. measure = 'ratio(http_requests_total{code=\"5*\"}, http_requests_total)'"))?;
                let measure = parse_measure(measure_text.get_ref()).map_err(|e| {
                    Box::new(
                        self.error_at(
                            measure_text,
                            e.to_string(),
                            "fix the expression as in the examples",
                        )
                        .key(key("measure")),
                    )
                })?;
                Ok(Source::Scrape { url, measure })
            }
            "health" => {
                stray("query", t.query.is_some())?;
                stray("measure", t.measure.is_some())?;
                let url = url.ok_or_else(|| {
                    missing(
                        "url",
                        "add the health endpoint, e.g. url = \"http://127.0.0.1:8080/health\"",
                    )
                })?;
                let max_latency = match &t.max_latency {
                    Some(v) => self.duration_at(v, &key("max_latency"))?,
                    None => Duration::seconds(5),
                };
                Ok(Source::Health(HttpCheck {
                    url,
                    expect_status: t.expect_status.unwrap_or(200),
                    body_contains: t.body_contains.clone(),
                    max_latency,
                }))
            }
            "docker" => self.docker_source(i, t).map(Source::Docker),
            other => Err(Box::new(
                self.error_at(
                    &t.source,
                    format!("unknown signal source `{other}`"),
                    "set `source` to prometheus, scrape, health or docker",
                )
                .key(key("source"))
                .expected(SOURCES.join(", "))
                .suggestion(closest(other, &SOURCES).map(|s| format!("did you mean `{s}`?"))),
            )),
        }
    }

    /// An error when `field` is set on a source it does not belong to.
    fn stray_field(
        &self,
        i: usize,
        t: &SignalConfig,
        field: &str,
        present: bool,
    ) -> Result<(), Box<ConfigError>> {
        if !present {
            return Ok(());
        }
        let kind = t.source.get_ref();
        Err(Box::new(
            self.error_at(
                &t.source,
                format!("`{field}` does not apply to `source = \"{kind}\"`"),
                format!("remove `{field}`, or pick the source it belongs to"),
            )
            .key(format!("signal[{i}].{field}")),
        ))
    }

    /// An error at `[[signal]]` number `index`'s query, for a query the
    /// server refused (`check-config` asks a reachable Prometheus).
    pub fn bad_query(&self, index: usize, problem: &str) -> Option<ConfigError> {
        let query = self.config.signals.get(index)?.query.as_ref()?;
        Some(
            self.error_at(
                query,
                format!("Prometheus refuses the query: {problem}"),
                "fix the PromQL; try it in Prometheus' own query page first",
            )
            .key(format!("signal[{index}].query")),
        )
    }

    pub(super) fn duration_at(
        &self,
        value: &Spanned<String>,
        key: &str,
    ) -> Result<Duration, Box<ConfigError>> {
        match parse_duration(value.get_ref()) {
            Ok(d) if d > Duration::zero() => Ok(d),
            Ok(_) => Err(Box::new(
                self.error_at(
                    value,
                    "a zero duration",
                    "give a positive duration, e.g. 15s",
                )
                .key(key),
            )),
            Err(e) => Err(Box::new(
                self.error_at(value, e.0, "write a duration such as 15s, 5m or 1h")
                    .key(key),
            )),
        }
    }

    fn http_url(&self, value: &Spanned<String>, key: &str) -> Result<String, Box<ConfigError>> {
        let url = value.get_ref().trim();
        let host = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or_default();
        // The same URLs the Prometheus client takes: a host, no query or fragment.
        if host.is_empty() || host.starts_with(['/', ':']) || url.contains(['?', '#']) {
            return Err(Box::new(
                self.error_at(
                    value,
                    format!("`{url}` is not an http:// or https:// URL"),
                    "write the full URL, e.g. http://127.0.0.1:9090",
                )
                .key(key),
            ));
        }
        Ok(url.trim_end_matches('/').to_owned())
    }
}

/// A threshold's suffix must suit the unit: `> 250ms` on a ratio would
/// silently mean 25%.
fn threshold_fits(rule: &str, unit: Unit) -> Result<(), UnitMismatch> {
    let mut words = rule.split_whitespace();
    let Some(amount) = words
        .find(|w| *w == ">" || *w == "<")
        .and_then(|_| words.next())
    else {
        return Ok(());
    };
    if amount.ends_with('x') {
        return Ok(());
    }
    let seconds = amount.ends_with("ms") || amount.ends_with('s');
    let percent = amount.ends_with('%');
    let amount = amount.to_owned();
    match unit {
        Unit::Ratio if seconds => Err(UnitMismatch::DurationForRatio(amount)),
        Unit::Seconds if percent => Err(UnitMismatch::PercentForSeconds(amount)),
        Unit::Number if seconds || percent => Err(UnitMismatch::UnitForNumber(amount)),
        _ => Ok(()),
    }
}

/// A threshold written in another unit than its signal's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UnitMismatch {
    DurationForRatio(String),
    PercentForSeconds(String),
    UnitForNumber(String),
}

impl std::fmt::Display for UnitMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DurationForRatio(amount) => {
                write!(f, "`{amount}` is a duration, but the signal is a ratio")
            }
            Self::PercentForSeconds(amount) => {
                write!(
                    f,
                    "`{amount}` is a percentage, but the signal is in seconds"
                )
            }
            Self::UnitForNumber(amount) => write!(
                f,
                "`{amount}` has a unit, but the signal is a plain number (set `unit`)"
            ),
        }
    }
}

pub(in crate::config) mod docker;
#[cfg(test)]
mod tests;
