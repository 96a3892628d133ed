//! A rule's text and what it means.

use std::fmt;

use chrono::Duration;

use crate::domain::offset::{format_duration, parse_duration};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    Above(f64),
    Below(f64),
    /// Above this many times the pre-deploy baseline.
    AboveBaseline(f64),
    /// A health check (value 1 up, 0 down) that is down.
    Failing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub signal: String,
    pub comparison: Comparison,
    /// How long the breach must hold before the rule fires.
    pub hold: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

impl Rule {
    /// Whether `value` breaches the rule; `None` when it cannot be told (no
    /// value, NaN, or a baseline rule without a baseline).
    pub fn breached(&self, value: Option<f64>, baseline: Option<f64>) -> Option<bool> {
        let value = value.filter(|v| !v.is_nan())?;
        Some(match self.comparison {
            Comparison::Above(limit) => value > limit,
            Comparison::Below(limit) => value < limit,
            Comparison::AboveBaseline(factor) => {
                let baseline = baseline.filter(|b| b.is_finite() && *b > 0.0)?;
                value > baseline * factor
            }
            Comparison::Failing => value < 1.0,
        })
    }

    /// The threshold as a value of the signal, for display and charts.
    pub fn threshold(&self, baseline: Option<f64>) -> Option<f64> {
        match self.comparison {
            Comparison::Above(limit) | Comparison::Below(limit) => Some(limit),
            Comparison::AboveBaseline(factor) => baseline.map(|b| b * factor),
            Comparison::Failing => Some(1.0),
        }
    }
}

impl Rule {
    /// The rule with its threshold written by `format` (`> 5.00%`).
    pub fn describe(&self, format: impl Fn(f64) -> String) -> String {
        let condition = match self.comparison {
            Comparison::Above(limit) => format!("> {}", format(limit)),
            Comparison::Below(limit) => format!("< {}", format(limit)),
            Comparison::AboveBaseline(factor) => format!("> {factor}x baseline"),
            Comparison::Failing => "failing".to_owned(),
        };
        let mut text = format!("{} {condition}", self.signal);
        if self.hold > Duration::zero() {
            text.push_str(&format!(" for {}", format_duration(self.hold)));
        }
        text
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(|limit| limit.to_string()))
    }
}

/// Reads `error_rate > 5% for 2m`, `p99 > 2x baseline for 5m`, `p99 > 2s`,
/// `latency > 250ms`, `cpu > 80%`, `health failing for 5m`.
pub fn parse_rule(text: &str) -> Result<Rule, RuleError> {
    let fail = |why: &str| {
        RuleError(format!(
            "`{text}` is not a rule ({why}): write e.g. `error_rate > 5% for 2m`, `p99 > 2x baseline for 5m` or `health failing for 5m`"
        ))
    };
    let (condition, hold) = match text.split_once(" for ") {
        Some((condition, hold)) => (
            condition.trim(),
            parse_duration(hold.trim()).map_err(|e| RuleError(e.to_string()))?,
        ),
        None => (text.trim(), Duration::zero()),
    };
    let mut words = condition.split_whitespace();
    let signal = words.next().ok_or_else(|| fail("no signal"))?.to_owned();
    let operator = words.next().ok_or_else(|| fail("no comparison"))?;
    let comparison = match operator {
        "failing" => Comparison::Failing,
        ">" | "<" => {
            let amount = words.next().ok_or_else(|| fail("no threshold"))?;
            if let Some(factor) = amount.strip_suffix('x') {
                if words.next() != Some("baseline") || operator != ">" {
                    return Err(fail("a factor reads `> 2x baseline`"));
                }
                Comparison::AboveBaseline(factor.parse().map_err(|_| fail("a bad factor"))?)
            } else {
                let limit = quantity(amount).ok_or_else(|| fail("a bad threshold"))?;
                if operator == ">" {
                    Comparison::Above(limit)
                } else {
                    Comparison::Below(limit)
                }
            }
        }
        _ => return Err(fail("the comparison is `>`, `<` or `failing`")),
    };
    if let Some(extra) = words.next() {
        return Err(fail(&format!("unexpected `{extra}`")));
    }
    Ok(Rule {
        signal,
        comparison,
        hold,
    })
}

/// `5%` is 0.05, `2s` is 2.0, `250ms` is 0.25 (seconds), `0.8` is 0.8.
fn quantity(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix('%') {
        (n, 0.01)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        (text, 1.0)
    };
    number
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_rules_read_as_meant() {
        let r = parse_rule("error_rate > 5% for 2m").unwrap();
        assert_eq!(r.comparison, Comparison::Above(0.05));
        assert_eq!(r.hold, Duration::minutes(2));
        assert_eq!(r.to_string(), "error_rate > 0.05 for 2m");
        let r = parse_rule("p99 > 2x baseline for 5m").unwrap();
        assert_eq!(r.comparison, Comparison::AboveBaseline(2.0));
        assert_eq!(
            parse_rule("p99 > 2s").unwrap().comparison,
            Comparison::Above(2.0)
        );
        assert_eq!(
            parse_rule("p99 > 250ms").unwrap().comparison,
            Comparison::Above(0.25)
        );
        assert_eq!(
            parse_rule("health failing for 5m").unwrap().comparison,
            Comparison::Failing
        );
        assert_eq!(
            parse_rule("free_disk < 10%").unwrap().comparison,
            Comparison::Below(0.1)
        );
    }

    #[test]
    fn bad_rules_say_how_to_write_one() {
        for text in [
            "error_rate >",
            "p99 >= 2s",
            "p99 > 2x",
            "cpu > lots",
            "p99 > 2s for ever",
            "a > 1 b",
        ] {
            assert!(parse_rule(text).is_err(), "{text}");
        }
        assert!(parse_rule("p99 >= 2s").unwrap_err().0.contains("e.g."));
    }

    #[test]
    fn breaches_need_a_value_and_for_ratios_a_baseline() {
        let r = parse_rule("p99 > 2x baseline").unwrap();
        assert_eq!(r.breached(Some(0.5), Some(0.2)), Some(true));
        assert_eq!(r.breached(Some(0.3), Some(0.2)), Some(false));
        assert_eq!(r.breached(Some(0.5), None), None);
        assert_eq!(r.breached(Some(f64::NAN), Some(0.2)), None);
        let health = parse_rule("health failing").unwrap();
        assert_eq!(health.breached(Some(0.0), None), Some(true));
        assert_eq!(health.breached(Some(1.0), None), Some(false));
    }
}
