//! What the cockpit computes from a service's own `/metrics`, written as a
//! small expression: `ratio(http_requests_total{code="5*"}, http_requests_total)`,
//! `quantile(0.99, http_request_duration_seconds)`, `rate(jobs_total)`,
//! `gauge(process_cpu_usage_ratio)`. A label value ending in `*` matches by
//! prefix (`code="5*"` is every 5xx), else exactly.

use std::collections::BTreeMap;
use std::fmt;

use crate::domain::metrics::Exposition;
use crate::domain::metrics::series::{increase_where, quantile_where};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub label: String,
    /// Without the trailing `*` when `prefix`.
    pub value: String,
    pub prefix: bool,
}

impl Matcher {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.label).map_or("", String::as_str);
        if self.prefix {
            value.starts_with(&self.value)
        } else {
            value == self.value
        }
    }
}

/// A metric name and the labels its series must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub name: String,
    pub matchers: Vec<Matcher>,
}

impl Selector {
    fn matches(&self, name: &str, labels: &BTreeMap<String, String>) -> bool {
        name == self.name && self.matchers.iter().all(|m| m.matches(labels))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// The growth of `part` over the growth of `whole` between two scrapes.
    Ratio { part: Selector, whole: Selector },
    /// A quantile of the histogram's observations between two scrapes.
    Quantile { q: f64, histogram: Selector },
    /// The counter's growth per second.
    Rate(Selector),
    /// The mean of the gauge's matching series, as last scraped.
    Gauge(Selector),
}

/// Why an expression is not a measure: the text as written and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureError {
    pub text: String,
    pub problem: MeasureProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeasureProblem {
    NotACall,
    BadQuantile(String),
    Arity { function: String, takes: usize },
    UnknownFunction(String),
    Selector(SelectorError),
}

/// Why a `name{label="value"}` is not a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorError {
    Unclosed(String),
    BadName(String),
    NotAPair(String),
    Unquoted(String),
}

impl fmt::Display for MeasureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}; {EXAMPLES}", self.text, self.problem)
    }
}

impl std::error::Error for MeasureError {}

impl fmt::Display for MeasureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotACall => f.write_str("not a function call"),
            Self::BadQuantile(q) => write!(f, "`{q}` is not a quantile between 0 and 1"),
            Self::Arity { function, takes } => write!(f, "`{function}` takes {takes} argument(s)"),
            Self::UnknownFunction(function) => write!(f, "unknown function `{function}`"),
            Self::Selector(error) => error.fmt(f),
        }
    }
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unclosed(text) => write!(f, "`{text}` lacks its closing `}}`"),
            Self::BadName(name) => write!(f, "`{name}` is not a metric name"),
            Self::NotAPair(pair) => write!(f, "`{pair}` is not label=\"value\""),
            Self::Unquoted(label) => write!(f, "the value of `{label}` needs double quotes"),
        }
    }
}

/// Why a measure has no value from the scrapes so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoValue {
    NoSeries(Selector),
    WaitingForSecondScrape,
    NoTraffic,
    SameMoment,
    NothingObserved,
}

impl fmt::Display for NoValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSeries(selector) => write!(f, "no series matches `{selector}`"),
            Self::WaitingForSecondScrape => f.write_str("waiting for a second scrape"),
            Self::NoTraffic => f.write_str("no traffic since the last scrape"),
            Self::SameMoment => f.write_str("two scrapes at the same moment"),
            Self::NothingObserved => f.write_str("nothing observed since the last scrape"),
        }
    }
}

impl Measure {
    /// Whether a value needs two scrapes (rates, ratios, quantiles).
    pub fn needs_previous(&self) -> bool {
        !matches!(self, Self::Gauge(_))
    }

    /// The value between `before` and `now`, `seconds` apart. `Err` says why
    /// there is no number: no matching series, or nothing happened.
    pub fn evaluate(
        &self,
        before: Option<&Exposition>,
        now: &Exposition,
        seconds: f64,
    ) -> Result<f64, NoValue> {
        let present = |s: &Selector| {
            if now.samples.iter().any(|x| s.matches(&x.name, &x.labels)) {
                Ok(())
            } else {
                Err(NoValue::NoSeries(s.clone()))
            }
        };
        match self {
            Self::Gauge(selector) => {
                present(selector)?;
                let values: Vec<f64> = now
                    .samples
                    .iter()
                    .filter(|s| selector.matches(&s.name, &s.labels))
                    .map(|s| s.value)
                    .collect();
                Ok(values.iter().sum::<f64>() / values.len() as f64)
            }
            _ if before.is_none() => Err(NoValue::WaitingForSecondScrape),
            Self::Ratio { part, whole } => {
                present(whole)?;
                let before = before.unwrap_or(now);
                let whole = increase(before, now, whole, None);
                if whole <= 0.0 {
                    return Err(NoValue::NoTraffic);
                }
                Ok(increase(before, now, part, None) / whole)
            }
            Self::Rate(selector) => {
                present(selector)?;
                if seconds <= 0.0 {
                    return Err(NoValue::SameMoment);
                }
                Ok(increase(before.unwrap_or(now), now, selector, None) / seconds)
            }
            Self::Quantile { q, histogram } => {
                let bucket = Selector {
                    name: format!("{}_bucket", histogram.name),
                    matchers: histogram.matchers.clone(),
                };
                present(&bucket)?;
                let before = before.unwrap_or(now);
                quantile_where(before, now, *q, |s| bucket.matches(&s.name, &s.labels))
                    .ok_or(NoValue::NothingObserved)
            }
        }
    }
}

/// The growth of every matching series (of one `le` bound, if given),
/// summed; a counter that went down was reset and counts from zero.
fn increase(before: &Exposition, now: &Exposition, selector: &Selector, le: Option<&str>) -> f64 {
    increase_where(before, now, |s| {
        selector.matches(&s.name, &s.labels)
            && le.is_none_or(|le| s.labels.get("le").map(String::as_str) == Some(le))
    })
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.matchers.is_empty() {
            let inner: Vec<String> = self
                .matchers
                .iter()
                .map(|m| {
                    format!(
                        "{}=\"{}{}\"",
                        m.label,
                        m.value,
                        if m.prefix { "*" } else { "" }
                    )
                })
                .collect();
            write!(f, "{{{}}}", inner.join(","))?;
        }
        Ok(())
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ratio { part, whole } => write!(f, "ratio({part}, {whole})"),
            Self::Quantile { q, histogram } => write!(f, "quantile({q}, {histogram})"),
            Self::Rate(s) => write!(f, "rate({s})"),
            Self::Gauge(s) => write!(f, "gauge({s})"),
        }
    }
}

const EXAMPLES: &str = "write e.g. `ratio(http_requests_total{code=\"5*\"}, http_requests_total)`, \
     `quantile(0.99, http_request_duration_seconds)`, `rate(jobs_total)` or `gauge(process_cpu_usage_ratio)`";

pub fn parse_measure(text: &str) -> Result<Measure, MeasureError> {
    let fail = |problem| MeasureError {
        text: text.to_owned(),
        problem,
    };
    let trimmed = text.trim();
    let (function, args) = trimmed
        .split_once('(')
        .and_then(|(f, rest)| Some((f.trim(), rest.strip_suffix(')')?)))
        .ok_or_else(|| fail(MeasureProblem::NotACall))?;
    let args = split_args(args);
    let selector = |s: &str| parse_selector(s).map_err(|e| fail(MeasureProblem::Selector(e)));
    match (function, args.as_slice()) {
        ("ratio", [part, whole]) => Ok(Measure::Ratio {
            part: selector(part)?,
            whole: selector(whole)?,
        }),
        ("quantile", [q, histogram]) => {
            let q: f64 = q
                .trim()
                .parse()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q))
                .ok_or_else(|| fail(MeasureProblem::BadQuantile(q.trim().to_owned())))?;
            Ok(Measure::Quantile {
                q,
                histogram: selector(histogram)?,
            })
        }
        ("rate", [s]) => Ok(Measure::Rate(selector(s)?)),
        ("gauge", [s]) => Ok(Measure::Gauge(selector(s)?)),
        ("ratio" | "quantile" | "rate" | "gauge", _) => Err(fail(MeasureProblem::Arity {
            function: function.to_owned(),
            takes: if matches!(function, "ratio" | "quantile") {
                2
            } else {
                1
            },
        })),
        (other, _) => Err(fail(MeasureProblem::UnknownFunction(other.to_owned()))),
    }
}

/// Splits on commas outside braces and quotes.
fn split_args(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0_i32, false, 0);
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted => depth += 1,
            '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn parse_selector(text: &str) -> Result<Selector, SelectorError> {
    let text = text.trim();
    let (name, labels) = match text.split_once('{') {
        Some((name, rest)) => (
            name.trim(),
            Some(
                rest.strip_suffix('}')
                    .ok_or_else(|| SelectorError::Unclosed(text.to_owned()))?,
            ),
        ),
        None => (text, None),
    };
    let valid_name = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if !valid_name {
        return Err(SelectorError::BadName(name.to_owned()));
    }
    let mut matchers = Vec::new();
    for pair in labels.map(split_args).unwrap_or_default() {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let (label, value) = pair
            .split_once('=')
            .ok_or_else(|| SelectorError::NotAPair(pair.to_owned()))?;
        let value = value
            .trim()
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| SelectorError::Unquoted(label.trim().to_owned()))?;
        let (value, prefix) = match value.strip_suffix('*') {
            Some(v) => (v, true),
            None => (value, false),
        };
        matchers.push(Matcher {
            label: label.trim().to_owned(),
            value: value.to_owned(),
            prefix,
        });
    }
    Ok(Selector {
        name: name.to_owned(),
        matchers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::exposition::parse;

    fn scrape(ok: u32, errors: u32, slow: u32) -> Exposition {
        parse(&format!(
            "req{{svc=\"a\",code=\"200\"}} {ok}\nreq{{svc=\"a\",code=\"503\"}} {errors}\nreq{{svc=\"b\",code=\"500\"}} 1000\n\
             lat_bucket{{svc=\"a\",le=\"0.1\"}} {ok}\nlat_bucket{{svc=\"a\",le=\"1\"}} {}\nlat_bucket{{svc=\"a\",le=\"+Inf\"}} {}\n\
             cpu{{pod=\"1\"}} 0.5\ncpu{{pod=\"2\"}} 0.7\n",
            ok + slow,
            ok + slow
        ))
        .unwrap()
    }

    #[test]
    fn the_four_measures_read_and_print_back() {
        for text in [
            "ratio(http_requests_total{code=\"5*\"}, http_requests_total)",
            "quantile(0.99, http_request_duration_seconds{service=\"checkout\"})",
            "rate(jobs_total)",
            "gauge(process_cpu_usage_ratio{service=\"a\",pod=\"x, y\"})",
        ] {
            let measure = parse_measure(text).unwrap();
            assert_eq!(measure.to_string(), text);
        }
        for bad in [
            "ratio(a)",
            "median(a)",
            "rate(1x)",
            "quantile(2, h)",
            "gauge(a{b=c})",
            "rate(a{b=\"c\"",
            "gauge",
        ] {
            let error = parse_measure(bad).unwrap_err();
            assert!(error.to_string().contains("e.g."), "{bad}: {error}");
        }
    }

    #[test]
    fn ratios_rates_quantiles_and_gauges_from_two_scrapes() {
        let before = scrape(100, 0, 0);
        let now = scrape(193, 7, 0);
        let errors = parse_measure("ratio(req{svc=\"a\",code=\"5*\"}, req{svc=\"a\"})").unwrap();
        assert_eq!(errors.evaluate(Some(&before), &now, 10.0), Ok(0.07));
        let rate = parse_measure("rate(req{svc=\"a\"})").unwrap();
        assert_eq!(rate.evaluate(Some(&before), &now, 10.0), Ok(10.0));
        assert_eq!(
            rate.evaluate(None, &now, 10.0).map_err(|e| e.to_string()),
            Err("waiting for a second scrape".to_owned())
        );
        let cpu = parse_measure("gauge(cpu)").unwrap();
        assert_eq!(cpu.evaluate(None, &now, 0.0), Ok(0.6));
        // 10 new observations, all between 0.1 s and 1 s.
        let p50 = parse_measure("quantile(0.5, lat{svc=\"a\"})").unwrap();
        let value = p50
            .evaluate(Some(&scrape(100, 0, 0)), &scrape(100, 0, 10), 10.0)
            .unwrap();
        assert!((value - 0.55).abs() < 1e-9, "{value}");
        assert_eq!(
            errors
                .evaluate(Some(&now), &now, 10.0)
                .map_err(|e| e.to_string()),
            Err("no traffic since the last scrape".to_owned())
        );
        let missing = parse_measure("gauge(memory)").unwrap();
        assert_eq!(
            missing.evaluate(None, &now, 0.0).map_err(|e| e.to_string()),
            Err("no series matches `memory`".to_owned())
        );
    }
}
