//! The Prometheus text exposition format (version 0.0.4), read strictly enough
//! to trust: label values may hold commas, `=`, escaped quotes and newlines;
//! values may be `NaN`, `+Inf`, `-Inf`. A malformed line fails the whole
//! scrape with its line number, as Prometheus itself treats it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
    /// Milliseconds since the epoch, when the exposition gives one.
    pub timestamp_ms: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposition {
    pub samples: Vec<Sample>,
    /// From `# TYPE` lines, by family name.
    pub kinds: HashMap<String, MetricKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub problem: LineProblem,
}

/// What is wrong with one line of the text format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    TypeLine,
    UnknownType(String),
    NoName(String),
    Valueless(String),
    NotANumber(String),
    BadTimestamp(String),
    AfterValue(String),
    LabelWithoutEq,
    BadLabelName(String),
    Unquoted(String),
    Unclosed(String),
    ExpectedComma(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TypeLine => f.write_str("a TYPE line needs a metric name and a type"),
            Self::UnknownType(kind) => write!(f, "unknown metric type `{kind}`"),
            Self::NoName(line) => write!(f, "`{line}` does not start with a metric name"),
            Self::Valueless(name) => write!(f, "`{name}` has no value"),
            Self::NotANumber(value) => write!(f, "`{value}` is not a number"),
            Self::BadTimestamp(ts) => write!(f, "`{ts}` is not a timestamp in milliseconds"),
            Self::AfterValue(extra) => write!(f, "unexpected `{extra}` after the value"),
            Self::LabelWithoutEq => f.write_str("a label without `=`"),
            Self::BadLabelName(key) => write!(f, "`{key}` is not a label name"),
            Self::Unquoted(key) => write!(f, "the value of label `{key}` is not quoted"),
            Self::Unclosed(key) => write!(f, "the value of label `{key}` is not closed"),
            Self::ExpectedComma(key) => write!(f, "expected `,` or `}}` after label `{key}`"),
        }
    }
}

impl std::error::Error for ParseError {}

impl Exposition {
    /// The samples of one metric whose labels include every pair of `matching`.
    pub fn select<'a>(
        &'a self,
        name: &'a str,
        matching: &'a [(&'a str, &'a str)],
    ) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| {
            s.name == name
                && matching
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
    }
}

pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let mut out = Exposition::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let fail = |problem| ParseError {
            line: index + 1,
            problem,
        };
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let mut words = comment.split_whitespace();
            if words.next() == Some("TYPE") {
                let (Some(name), Some(kind)) = (words.next(), words.next()) else {
                    return Err(fail(LineProblem::TypeLine));
                };
                let kind = match kind {
                    "counter" => MetricKind::Counter,
                    "gauge" => MetricKind::Gauge,
                    "histogram" => MetricKind::Histogram,
                    "summary" => MetricKind::Summary,
                    "untyped" => MetricKind::Untyped,
                    other => return Err(fail(LineProblem::UnknownType(other.to_owned()))),
                };
                out.kinds.insert(name.to_owned(), kind);
            }
            continue;
        }
        out.samples.push(sample(line).map_err(fail)?);
    }
    Ok(out)
}

fn sample(line: &str) -> Result<Sample, LineProblem> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(LineProblem::NoName(line.to_owned()));
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, remainder) = label_set(after)?;
        labels = parsed;
        rest = remainder;
    }
    let mut fields = rest.split_whitespace();
    let value = fields
        .next()
        .ok_or_else(|| LineProblem::Valueless(name.to_owned()))?;
    let value = parse_value(value).ok_or_else(|| LineProblem::NotANumber(value.to_owned()))?;
    let timestamp_ms = match fields.next() {
        Some(ts) => Some(
            ts.parse::<i64>()
                .map_err(|_| LineProblem::BadTimestamp(ts.to_owned()))?,
        ),
        None => None,
    };
    if let Some(extra) = fields.next() {
        return Err(LineProblem::AfterValue(extra.to_owned()));
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
        timestamp_ms,
    })
}

/// Reads `name="value",...}`; returns the labels and what follows the brace.
fn label_set(text: &str) -> Result<(BTreeMap<String, String>, &str), LineProblem> {
    let mut labels = BTreeMap::new();
    let mut rest = text.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return Ok((labels, after));
        }
        let eq = rest.find('=').ok_or(LineProblem::LabelWithoutEq)?;
        let key = rest[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(LineProblem::BadLabelName(key.to_owned()));
        }
        let after_eq = rest[eq + 1..].trim_start();
        let quoted = after_eq
            .strip_prefix('"')
            .ok_or_else(|| LineProblem::Unquoted(key.to_owned()))?;
        let (value, after_value) =
            quoted_value(quoted).ok_or_else(|| LineProblem::Unclosed(key.to_owned()))?;
        labels.insert(key.to_owned(), value);
        rest = after_value.trim_start();
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma.trim_start();
        } else if !rest.starts_with('}') {
            return Err(LineProblem::ExpectedComma(key.to_owned()));
        }
    }
}

/// The text up to the closing quote, unescaped (`\\`, `\"`, `\n`).
fn quoted_value(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                other => value.push(other),
            },
            other => value.push(other),
        }
    }
    None
}

/// Go's float syntax as Prometheus writes it: `NaN`, `+Inf`, `-Inf` too.
pub fn parse_value(text: &str) -> Option<f64> {
    match text {
        "NaN" | "nan" => Some(f64::NAN),
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        _ => text.parse::<f64>().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/a,b=c"} 1027 1700000000000
http_requests_total{code="500",path="/q\"x\"\\y"} 3
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 5
latency_seconds_bucket{le="+Inf"} 7
latency_seconds_sum 1.5
latency_seconds_count 7
temperature NaN
up{} 1
"#;

    #[test]
    fn labels_keep_commas_equals_and_escapes() {
        let e = parse(TEXT).unwrap();
        assert_eq!(e.samples.len(), 8);
        let first = &e.samples[0];
        assert_eq!(first.labels["path"], "/a,b=c");
        assert_eq!(first.timestamp_ms, Some(1_700_000_000_000));
        assert_eq!(e.samples[1].labels["path"], "/q\"x\"\\y");
        assert_eq!(e.kinds["latency_seconds"], MetricKind::Histogram);
        assert!(e.samples[6].value.is_nan());
        assert_eq!(
            e.select("http_requests_total", &[("code", "500")]).count(),
            1
        );
        assert!(
            e.select("latency_seconds_bucket", &[("le", "+Inf")])
                .all(|s| s.value == 7.0)
        );
    }

    #[test]
    fn a_malformed_line_names_its_number() {
        let bad = "ok 1\nbroken{code=\"200\" 5\n";
        let error = parse(bad).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(
            error.problem.to_string().contains("after label `code`"),
            "{error}"
        );
        assert_eq!(
            parse("x{a=b} 1").unwrap_err().problem.to_string(),
            "the value of label `a` is not quoted"
        );
        assert_eq!(
            parse("x one").unwrap_err().problem.to_string(),
            "`one` is not a number"
        );
        assert!(parse("# TYPE x flavour").is_err());
    }
}
