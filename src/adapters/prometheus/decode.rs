//! Prometheus' JSON answers into samples. Kept apart from the HTTP so every
//! shape of answer (and of failure) is tested without a server.
//!
//! The envelope is `{"status":"success","data":{"resultType":..,"result":..}}`
//! or `{"status":"error","errorType":..,"error":..}`; values are strings
//! (`"1"`, `"NaN"`, `"+Inf"`) so JSON can carry non-finite numbers; times are
//! unix seconds with millisecond fractions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::PromError;

/// One sample of an instant query.
#[derive(Debug, Clone, PartialEq)]
pub struct InstantSample {
    /// The series' labels, `__name__` included when Prometheus kept it. Empty
    /// for a scalar.
    pub labels: BTreeMap<String, String>,
    /// The evaluation time Prometheus used (not the scrape time).
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// One series of a range query, oldest point first.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(DateTime<Utc>, f64)>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    status: String,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(rename = "errorType")]
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<VectorItem>),
    Scalar(Pair),
    Matrix(Vec<MatrixItem>),
    /// `[time, "text"]`, from a string literal expression.
    String(Pair),
}

/// `[1796107417.982, "1"]`
#[derive(Deserialize)]
struct Pair(f64, String);

#[derive(Deserialize)]
struct VectorItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    /// Absent for a native histogram sample, which has `histogram` instead.
    value: Option<Pair>,
}

#[derive(Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    /// Absent for a native histogram series, which has `histograms` instead.
    values: Option<Vec<Pair>>,
}

/// The answer to `/api/v1/query`: a vector, or a scalar as one unlabelled
/// sample.
pub(super) fn instant(status: u16, body: &[u8]) -> Result<Vec<InstantSample>, PromError> {
    match data(status, body)? {
        Data::Vector(items) => items
            .into_iter()
            .map(|item| {
                let Pair(at, value) = item.value.ok_or_else(histogram)?;
                Ok(InstantSample {
                    labels: item.metric,
                    at: time(at)?,
                    value: number(&value)?,
                })
            })
            .collect(),
        Data::Scalar(Pair(at, value)) => Ok(vec![InstantSample {
            labels: BTreeMap::new(),
            at: time(at)?,
            value: number(&value)?,
        }]),
        Data::Matrix(_) => Err(PromError::Decode(
            "the query returned a range vector (matrix); use query_range, \
             or wrap it in a function such as rate()"
                .to_owned(),
        )),
        Data::String(Pair(_, text)) => Err(string_result(&text)),
    }
}

/// The answer to `/api/v1/query_range`, always a matrix (Prometheus itself
/// rejects range queries of strings and range vectors).
pub(super) fn range(status: u16, body: &[u8]) -> Result<Vec<RangeSeries>, PromError> {
    match data(status, body)? {
        Data::Matrix(items) => items
            .into_iter()
            .map(|item| {
                let points = item
                    .values
                    .ok_or_else(histogram)?
                    .into_iter()
                    .map(|Pair(at, value)| Ok((time(at)?, number(&value)?)))
                    .collect::<Result<_, PromError>>()?;
                Ok(RangeSeries {
                    labels: item.metric,
                    points,
                })
            })
            .collect(),
        Data::String(Pair(_, text)) => Err(string_result(&text)),
        Data::Vector(_) | Data::Scalar(_) => Err(PromError::Decode(
            "a range query answered with an instant result instead of a matrix".to_owned(),
        )),
    }
}

/// Unwraps the envelope, turning Prometheus' error JSON, or a body that is not
/// Prometheus JSON at all, into the matching error.
fn data(status: u16, body: &[u8]) -> Result<Data, PromError> {
    let Ok(envelope) = serde_json::from_slice::<Envelope<'_>>(body) else {
        // A proxy's HTML error page, a 404 from a wrong path prefix, ...
        return Err(if (200..300).contains(&status) {
            PromError::Decode(format!(
                "not Prometheus API JSON (HTTP {status}): {}",
                excerpt(body)
            ))
        } else {
            PromError::Server {
                status,
                message: excerpt(body),
            }
        });
    };
    match envelope.status.as_str() {
        "success" => {
            let raw = envelope
                .data
                .ok_or_else(|| PromError::Decode("a success answer without \"data\"".to_owned()))?;
            serde_json::from_str(raw.get()).map_err(|e| {
                PromError::Decode(format!("unexpected \"data\" ({e}): {}", cut(raw.get())))
            })
        }
        "error" => {
            let error_type = envelope.error_type.unwrap_or_else(|| "unknown".to_owned());
            let message = envelope.error.unwrap_or_default();
            Err(if status == 400 || status == 422 {
                PromError::BadQuery {
                    error_type,
                    message: without_query_prefix(message),
                }
            } else {
                PromError::Server {
                    status,
                    message: format!("{error_type}: {message}"),
                }
            })
        }
        other => Err(PromError::Decode(format!(
            "unknown status {other:?} (HTTP {status})"
        ))),
    }
}

/// Prometheus says `invalid parameter "query": 1:10: parse error: ...`; the
/// error is already shown as a bad query, so the prefix only pushes the
/// position and reason off a narrow pane. Other parameters keep theirs
/// (`invalid parameter "end": ...` says which one was wrong).
fn without_query_prefix(message: String) -> String {
    match message.strip_prefix("invalid parameter \"query\": ") {
        Some(rest) => rest.to_owned(),
        None => message,
    }
}

fn string_result(text: &str) -> PromError {
    PromError::Decode(format!(
        "the query returned a string ({}), not a number to chart",
        cut(&format!("{text:?}"))
    ))
}

fn histogram() -> PromError {
    PromError::Decode(
        "a native histogram sample; query a float series such as histogram_quantile()".to_owned(),
    )
}

/// Prometheus formats values with Go's `strconv.FormatFloat`, so the special
/// values are exactly `NaN`, `+Inf` and `-Inf`.
fn number(text: &str) -> Result<f64, PromError> {
    match text {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => text
            .parse()
            .map_err(|_| PromError::Decode(format!("the value {text:?} is not a number"))),
    }
}

/// Unix seconds with a millisecond fraction, Prometheus' own resolution.
fn time(seconds: f64) -> Result<DateTime<Utc>, PromError> {
    let millis = (seconds * 1000.0).round();
    // `as` saturates; chrono then refuses what lies beyond its range.
    let at = millis
        .is_finite()
        .then(|| DateTime::from_timestamp_millis(millis as i64));
    at.flatten()
        .ok_or_else(|| PromError::Decode(format!("the timestamp {seconds} is out of range")))
}

/// A one-line excerpt of a body that is not Prometheus JSON: tags dropped
/// (a proxy's HTML page keeps its "502 Bad Gateway"), whitespace collapsed.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut plain = String::with_capacity(text.len().min(4096));
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                plain.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let words = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        "an empty body".to_owned()
    } else {
        cut(&words)
    }
}

/// At most 200 characters, so an error stays one line in a pane.
fn cut(text: &str) -> String {
    const LIMIT: usize = 200;
    match text.char_indices().nth(LIMIT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: f64) -> DateTime<Utc> {
        time(seconds).unwrap()
    }

    #[test]
    fn a_vector_keeps_labels_times_and_values() {
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"up","instance":"127.0.0.1:9090","job":"prometheus"},
             "value":[1796107423.590,"1"]},
            {"metric":{"job":"sandbox"},"value":[1796107423.590,"0.25"]}]}}"#;
        let samples = instant(200, body).unwrap();
        assert_eq!(samples.len(), 2);
        assert_eq!(samples[0].labels["__name__"], "up");
        assert_eq!(samples[0].labels["job"], "prometheus");
        assert_eq!(samples[0].value, 1.0);
        assert_eq!(samples[0].at.timestamp_millis(), 1_796_107_423_590);
        assert_eq!(samples[1].labels.len(), 1);
        assert_eq!(samples[1].value, 0.25);
    }

    #[test]
    fn a_scalar_is_one_sample_without_labels() {
        let body =
            br#"{"status":"success","data":{"resultType":"scalar","result":[1796107417.982,"1"]}}"#;
        let samples = instant(200, body).unwrap();
        assert_eq!(
            samples,
            vec![InstantSample {
                labels: BTreeMap::new(),
                at: at(1_796_107_417.982),
                value: 1.0
            }]
        );
    }

    #[test]
    fn nan_and_infinities_are_parsed() {
        let nan = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1796107418.001,"NaN"]}]}}"#;
        assert!(instant(200, nan).unwrap()[0].value.is_nan());
        let inf = br#"{"status":"success","data":{"resultType":"scalar","result":[1796107418.015,"+Inf"]}}"#;
        assert_eq!(instant(200, inf).unwrap()[0].value, f64::INFINITY);
        let minus = br#"{"status":"success","data":{"resultType":"scalar","result":[1796107418.031,"-Inf"]}}"#;
        assert_eq!(instant(200, minus).unwrap()[0].value, f64::NEG_INFINITY);
        for (text, value) in [("1e+06", 1e6), ("-0.5", -0.5), ("3", 3.0)] {
            assert_eq!(number(text).unwrap(), value);
        }
        assert!(matches!(number("one"), Err(PromError::Decode(_))));
    }

    #[test]
    fn an_empty_vector_or_matrix_is_no_samples() {
        let vector = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(instant(200, vector).unwrap(), vec![]);
        let matrix = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert_eq!(range(200, matrix).unwrap(), vec![]);
    }

    #[test]
    fn a_matrix_keeps_every_point_in_order() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"job":"prometheus"},"values":[[1796107408,"1"],[1796107410,"NaN"],[1796107412,"+Inf"]]},
            {"metric":{"job":"sandbox"},"values":[[1796107412.5,"0"]]}]}}"#;
        let series = range(200, body).unwrap();
        assert_eq!(series.len(), 2);
        let points = &series[0].points;
        assert_eq!(points.len(), 3);
        assert_eq!(points[0], (at(1_796_107_408.0), 1.0));
        assert!(points[1].1.is_nan());
        assert_eq!(points[2].1, f64::INFINITY);
        assert_eq!(series[1].points[0].0.timestamp_millis(), 1_796_107_412_500);
    }

    #[test]
    fn bad_data_and_execution_errors_are_bad_queries() {
        let body = br#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:10: parse error: unclosed left parenthesis"}"#;
        assert_eq!(
            instant(400, body).unwrap_err(),
            PromError::BadQuery {
                error_type: "bad_data".to_owned(),
                message: "1:10: parse error: unclosed left parenthesis".to_owned()
            }
        );
        let end = br#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": end timestamp must not be before start time"}"#;
        let error = range(400, end).unwrap_err();
        assert_eq!(
            error.to_string(),
            "bad query (bad_data): invalid parameter \"end\": end timestamp must not be before start time"
        );
        let execution = br#"{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}"#;
        assert!(matches!(
            instant(422, execution).unwrap_err(),
            PromError::BadQuery { error_type, .. } if error_type == "execution"
        ));
    }

    #[test]
    fn other_error_json_is_a_server_error_with_its_type() {
        let body = br#"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#;
        assert_eq!(
            instant(503, body).unwrap_err().to_string(),
            "Prometheus answered 503: timeout: query timed out in expression evaluation"
        );
    }

    #[test]
    fn a_body_that_is_not_json_still_names_the_status() {
        let html = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(
            instant(502, html).unwrap_err(),
            PromError::Server {
                status: 502,
                message: "502 Bad Gateway 502 Bad Gateway nginx".to_owned()
            }
        );
        assert_eq!(
            range(404, b"404 page not found\n").unwrap_err().to_string(),
            "Prometheus answered 404: 404 page not found"
        );
        assert_eq!(
            instant(500, b"").unwrap_err().to_string(),
            "Prometheus answered 500: an empty body"
        );
        let long = "x".repeat(5000);
        let PromError::Server { message, .. } = instant(500, long.as_bytes()).unwrap_err() else {
            panic!("not a server error");
        };
        assert_eq!(message.chars().count(), 201);
        assert!(matches!(
            instant(200, b"<html>login</html>").unwrap_err(),
            PromError::Decode(m) if m.contains("HTTP 200") && m.contains("login")
        ));
    }

    #[test]
    fn a_string_result_is_a_clear_decode_error() {
        let body = br#"{"status":"success","data":{"resultType":"string","result":[1796107418.075,"hello"]}}"#;
        let error = instant(200, body).unwrap_err();
        assert!(
            matches!(&error, PromError::Decode(m) if m.contains("string")),
            "{error}"
        );
        assert!(matches!(range(200, body), Err(PromError::Decode(_))));
    }

    #[test]
    fn a_matrix_from_an_instant_query_and_an_unknown_type_are_decode_errors() {
        let matrix = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert!(
            matches!(instant(200, matrix), Err(PromError::Decode(m)) if m.contains("query_range"))
        );
        let unknown = br#"{"status":"success","data":{"resultType":"table","result":[]}}"#;
        assert!(matches!(instant(200, unknown), Err(PromError::Decode(m)) if m.contains("table")));
        let vector = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(matches!(range(200, vector), Err(PromError::Decode(_))));
        let no_data = br#"{"status":"success"}"#;
        assert!(matches!(instant(200, no_data), Err(PromError::Decode(_))));
    }

    #[test]
    fn a_native_histogram_sample_is_refused_clearly() {
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{},"histogram":[1796107418,{"count":"3","sum":"1","buckets":[]}]}]}}"#;
        assert!(matches!(instant(200, body), Err(PromError::Decode(m)) if m.contains("histogram")));
    }
}
