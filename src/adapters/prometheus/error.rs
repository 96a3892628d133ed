//! What can go wrong asking Prometheus, each told in one line an operator can
//! act on: is it down, slow, or is the query wrong?

use std::fmt;
use std::time::Duration;

/// Why a query gave no samples. The split follows what the operator does next:
/// check the network (`Unreachable`, `Timeout`), fix the PromQL (`BadQuery`),
/// or look at Prometheus or the proxy in front of it (`Server`, `Decode`).
#[derive(Debug, Clone, PartialEq)]
pub enum PromError {
    /// No HTTP answer at all. The text is the whole line, naming the base URL
    /// and the root cause ("connection refused", a DNS or TLS failure), since
    /// reqwest's own message only says "error sending request".
    Unreachable(String),
    /// No complete answer within the client's timeout (connect, headers and
    /// body together).
    Timeout(Duration),
    /// Prometheus rejected the query: HTTP 400 or 422 with its error JSON.
    /// `error_type` is Prometheus' `errorType` (`bad_data` for a parse error,
    /// `execution` for e.g. many-to-many matching).
    BadQuery { error_type: String, message: String },
    /// Any other non-success answer: Prometheus' own 503 (`timeout`,
    /// `unavailable`), or a proxy's HTML 502. `message` is Prometheus' error
    /// or an excerpt of the body.
    Server { status: u16, message: String },
    /// A 2xx answer we cannot use: not Prometheus JSON, or a result type we
    /// cannot chart (a string, a range vector from an instant query).
    Decode(String),
}

impl fmt::Display for PromError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromError::Unreachable(line) => f.write_str(line),
            PromError::Timeout(limit) => write!(f, "timed out after {}", human(*limit)),
            PromError::BadQuery {
                error_type,
                message,
            } => write!(f, "bad query ({error_type}): {message}"),
            PromError::Server { status, message } => {
                write!(f, "Prometheus answered {status}: {message}")
            }
            PromError::Decode(message) => {
                write!(f, "Prometheus' answer cannot be used: {message}")
            }
        }
    }
}

impl std::error::Error for PromError {}

/// What `Url::parse` says of a text that is not a URL.
type UrlError = <reqwest::Url as std::str::FromStr>::Err;

/// Why no client can be made for a configured Prometheus.
#[derive(Debug)]
pub enum PromSetupError {
    NotAUrl {
        url: String,
        cause: UrlError,
    },
    Scheme(String),
    NoHost(String),
    /// The root is asked for: a query or fragment would be lost or doubled.
    QueryOrFragment(String),
    ZeroTimeout,
    /// The root is a URL, but the API's path cannot be added to it.
    Endpoint {
        url: String,
        path: &'static str,
        cause: UrlError,
    },
    Client(reqwest::Error),
}

impl fmt::Display for PromSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAUrl { url, cause } => {
                write!(f, "Prometheus URL {url:?} is not a URL: {cause}")
            }
            Self::Scheme(url) => write!(
                f,
                "Prometheus URL {url:?} must start with http:// or https://"
            ),
            Self::NoHost(url) => write!(f, "Prometheus URL {url:?} has no host"),
            Self::QueryOrFragment(url) => write!(
                f,
                "Prometheus URL {url:?} must not have a query or fragment: \
                 give the server's root, e.g. http://127.0.0.1:9090"
            ),
            Self::ZeroTimeout => f.write_str("the Prometheus timeout must be more than zero"),
            Self::Endpoint { url, path, cause } => {
                write!(f, "Prometheus URL {url:?} cannot take {path}: {cause}")
            }
            Self::Client(error) => write!(f, "HTTP client for Prometheus: {error}"),
        }
    }
}

impl std::error::Error for PromSetupError {}

/// "5s", "200ms", "1.5s": the way the limit was most likely written.
fn human(limit: Duration) -> String {
    if limit.subsec_nanos() == 0 {
        format!("{}s", limit.as_secs())
    } else if limit < Duration::from_secs(1) {
        format!("{}ms", limit.as_millis())
    } else {
        format!("{}s", limit.as_secs_f64())
    }
}

/// Maps a transport failure. `base` names the Prometheus in the message, so a
/// line in the cockpit says which of several servers is down.
pub(super) fn transport(base: &str, limit: Duration, error: &reqwest::Error) -> PromError {
    if error.is_timeout() {
        return PromError::Timeout(limit);
    }
    PromError::Unreachable(format!(
        "Prometheus at {base} cannot be reached: {}",
        root_cause(error)
    ))
}

/// The innermost cause is the useful one ("Connection refused (os error 111)"
/// under two layers of "error sending request" and "client error (Connect)").
/// The errno suffix is dropped and the first letter lowered to read as a
/// clause after the colon.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(inner) = deepest.source() {
        deepest = inner;
    }
    let text = deepest.to_string();
    let text = match text.find(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_owned(),
        _ => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "no reason given".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_reads_as_one_line() {
        let lines = [
            (
                PromError::Unreachable(
                    "Prometheus at http://127.0.0.1:9090 cannot be reached: connection refused"
                        .to_owned(),
                ),
                "Prometheus at http://127.0.0.1:9090 cannot be reached: connection refused",
            ),
            (
                PromError::Timeout(Duration::from_secs(5)),
                "timed out after 5s",
            ),
            (
                PromError::Timeout(Duration::from_millis(200)),
                "timed out after 200ms",
            ),
            (
                PromError::Timeout(Duration::from_millis(1500)),
                "timed out after 1.5s",
            ),
            (
                PromError::BadQuery {
                    error_type: "bad_data".to_owned(),
                    message: "1:10: parse error: unclosed left parenthesis".to_owned(),
                },
                "bad query (bad_data): 1:10: parse error: unclosed left parenthesis",
            ),
            (
                PromError::Server {
                    status: 503,
                    message: "unavailable: TSDB not ready".to_owned(),
                },
                "Prometheus answered 503: unavailable: TSDB not ready",
            ),
            (
                PromError::Decode("the query returned a string".to_owned()),
                "Prometheus' answer cannot be used: the query returned a string",
            ),
        ];
        for (error, line) in lines {
            assert_eq!(error.to_string(), line);
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn the_root_cause_drops_the_errno_and_reads_as_a_clause() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let text = root_cause(&std::io::Error::from_raw_os_error(111));
        assert_eq!(text, "connection refused");
        assert_eq!(root_cause(&refused), "connection refused");
    }
}
