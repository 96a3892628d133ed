//! One signal: its name, unit, source and rules, and what a poll reports.

use chrono::{DateTime, Duration, Utc};

use super::container::ContainerStats;
use super::measure::Measure;
use crate::domain::playbook::HttpCheck;
use crate::domain::policy::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share, shown as a percentage: an error rate, CPU or memory use.
    Ratio,
    /// A duration in seconds, shown in ms or s: a latency quantile.
    Seconds,
    /// Anything else, shown as it is: requests per second, queue depth.
    Number,
    /// 1 up, 0 down: a health or readiness endpoint.
    Health,
}

impl Unit {
    pub const NAMES: [&'static str; 4] = ["ratio", "seconds", "number", "health"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ratio" | "percent" => Some(Self::Ratio),
            "seconds" => Some(Self::Seconds),
            "number" => Some(Self::Number),
            "health" => Some(Self::Health),
            _ => None,
        }
    }

    /// A threshold as people write it: `5%`, `250 ms`, `2 s`, without the
    /// trailing zeros a measured value keeps.
    pub fn format_limit(self, value: f64) -> String {
        let whole = |v: f64| (v - v.round()).abs() < 1e-9;
        match self {
            Self::Ratio if whole(value * 100.0) => format!("{:.0}%", value * 100.0),
            Self::Seconds if value >= 1.0 && whole(value) => format!("{value:.0} s"),
            Self::Number if whole(value) => format!("{value:.0}"),
            _ => self.format(value),
        }
    }

    /// `7.12%`, `250 ms`, `1.8 s`, `42.5`, `up`; NaN and infinities by name.
    pub fn format(self, value: f64) -> String {
        if value.is_nan() {
            return "NaN".to_owned();
        }
        if value.is_infinite() {
            return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
        }
        match self {
            Self::Ratio => {
                let percent = value * 100.0;
                if percent.abs() >= 10.0 {
                    format!("{percent:.1}%")
                } else {
                    format!("{percent:.2}%")
                }
            }
            Self::Seconds if value.abs() < 1.0 => format!("{:.0} ms", value * 1000.0),
            Self::Seconds => format!("{value:.2} s"),
            Self::Number if value.abs() >= 100.0 => format!("{value:.0}"),
            Self::Number => format!("{value:.2}"),
            Self::Health if value >= 1.0 => "up".to_owned(),
            Self::Health => "down".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// An instant query for the value and a range query for the chart.
    Prometheus { url: String, query: String },
    /// The service's own Prometheus text endpoint; the cockpit computes rates
    /// and quantiles from two consecutive scrapes.
    Scrape { url: String, measure: Measure },
    /// An HTTP health or readiness endpoint: status, latency, body.
    Health(HttpCheck),
    /// A Docker engine's stats of a container or a compose service's
    /// replicas: CPU or memory, as a ratio.
    Docker(ContainerStats),
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Prometheus { .. } => "prometheus",
            Self::Scrape { .. } => "scrape",
            Self::Health(_) => "health",
            Self::Docker(_) => "docker",
        }
    }

    /// Where the value comes from, for the pane and `status`.
    pub fn describe(&self) -> String {
        match self {
            Self::Prometheus { url, query } => format!("{url}: {query}"),
            Self::Scrape { url, measure } => format!("{url}: {measure}"),
            Self::Health(check) => format!("GET {}", check.url),
            Self::Docker(stats) => stats.describe(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub name: String,
    pub unit: Unit,
    pub source: Source,
    /// How often it is read.
    pub interval: Duration,
    /// Shown in the warning colour; never a trigger.
    pub warn: Option<Rule>,
    /// The rollback trigger.
    pub critical: Option<Rule>,
    /// How far before a deploy its baseline is taken from.
    pub baseline_window: Duration,
}

impl Signal {
    /// A rule of this signal as the operator reads it: `error_rate > 5% for 2m`.
    pub fn describe(&self, rule: &Rule) -> String {
        rule.describe(|limit| self.unit.format_limit(limit))
    }

    pub fn needs_baseline(&self) -> bool {
        [&self.warn, &self.critical]
            .into_iter()
            .flatten()
            .any(|rule| {
                matches!(
                    rule.comparison,
                    crate::domain::policy::Comparison::AboveBaseline(_)
                )
            })
    }
}

/// One poll's result.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalReading {
    pub at: DateTime<Utc>,
    /// `None` when the source answered but gave no number (an empty query
    /// result, no traffic between two scrapes); `note` says why.
    pub value: Option<f64>,
    /// What else the source said: `HTTP 200 in 12 ms`, `no series matched`.
    pub note: Option<String>,
    /// The series over the chart's range, when the source keeps history
    /// (Prometheus): it replaces what the cockpit had collected.
    pub history: Option<Vec<(DateTime<Utc>, f64)>>,
    /// Points this poll fetched, for the performance budget.
    pub points_fetched: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SignalUpdate {
    Reading {
        signal: String,
        reading: SignalReading,
    },
    /// The source could not be read; the last good value stays, marked stale.
    Failed {
        signal: String,
        at: DateTime<Utc>,
        error: String,
    },
}

impl SignalUpdate {
    pub fn signal(&self) -> &str {
        match self {
            Self::Reading { signal, .. } | Self::Failed { signal, .. } => signal,
        }
    }

    /// When the poll was taken.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Reading { reading, .. } => reading.at,
            Self::Failed { at, .. } => *at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(Unit::Ratio.format(0.0712), "7.12%");
        assert_eq!(Unit::Ratio.format(0.85), "85.0%");
        assert_eq!(Unit::Seconds.format(0.25), "250 ms");
        assert_eq!(Unit::Seconds.format(2.5), "2.50 s");
        assert_eq!(Unit::Number.format(1234.4), "1234");
        assert_eq!(Unit::Health.format(1.0), "up");
        assert_eq!(Unit::Health.format(0.0), "down");
        assert_eq!(Unit::Ratio.format(f64::NAN), "NaN");
        assert_eq!(Unit::Seconds.format(f64::INFINITY), "+Inf");
        assert_eq!(Unit::Ratio.format_limit(0.05), "5%");
        assert_eq!(Unit::Ratio.format_limit(0.005), "0.50%");
        assert_eq!(Unit::Seconds.format_limit(2.0), "2 s");
        assert_eq!(Unit::Seconds.format_limit(0.25), "250 ms");
    }
}
