//! `check-config` asks each reachable Prometheus whether it accepts the
//! signals' queries: a typo in PromQL is found before release day, not in
//! the Health pane at T+0. A server that cannot be reached is only noted.

use std::time::Duration;

use crate::adapters::prometheus::{PromError, PrometheusClient};
use crate::config::{ConfigError, LoadedConfig};
use crate::domain::health::{Signal, Source};

const TIMEOUT: Duration = Duration::from_secs(3);

/// Errors for refused queries, and notes for servers that did not answer.
/// `runtime` builds the async runtime the questions are asked on, when there
/// are any.
pub fn check(
    loaded: &LoadedConfig,
    signals: &[Signal],
    runtime: impl FnOnce() -> std::io::Result<tokio::runtime::Runtime>,
) -> (Vec<ConfigError>, Vec<String>) {
    let queries: Vec<(usize, &str, &str)> = signals
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.source {
            Source::Prometheus { url, query } => Some((i, url.as_str(), query.as_str())),
            _ => None,
        })
        .collect();
    if queries.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(error) => return (Vec::new(), vec![format!("queries not checked: {error}")]),
    };
    let answers = runtime.block_on(futures::future::join_all(
        queries.iter().map(|(_, url, query)| ask(url, query)),
    ));
    let (mut errors, mut notes) = (Vec::new(), Vec::new());
    for ((index, url, _), answer) in queries.iter().zip(answers) {
        match answer {
            Answer::Accepted => {}
            Answer::Refused(why) => errors.extend(loaded.bad_query(*index, &why)),
            Answer::Unanswered(why) => notes.push(format!(
                "signal `{}`: the query was not checked, {url} did not answer: {why}",
                signals[*index].name
            )),
        }
    }
    (errors, notes)
}

enum Answer {
    Accepted,
    /// The server judged the query and said no.
    Refused(String),
    /// Down, slow or not Prometheus: nothing is known about the query.
    Unanswered(String),
}

async fn ask(url: &str, query: &str) -> Answer {
    let client = match PrometheusClient::new(url, TIMEOUT) {
        Ok(client) => client,
        Err(why) => return Answer::Unanswered(why.to_string()),
    };
    match client.query(query, None).await {
        Ok(_) => Answer::Accepted,
        Err(refused @ PromError::BadQuery { .. }) => Answer::Refused(refused.to_string()),
        Err(other) => Answer::Unanswered(other.to_string()),
    }
}
