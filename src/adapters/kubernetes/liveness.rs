//! How a watch tells a quiet API server from a hung one.
//!
//! A watch stream says nothing while nothing changes, and real API servers
//! send a bookmark only about once a minute, so waiting for the next bookmark
//! would leave a hung server's rows "fresh" for a minute or more. Instead a
//! watch silent for [`Liveness::silence`] asks the server a cheap question of
//! its own: a one-item LIST, which a server that cannot read its store cannot
//! answer either (a `/version` could come from a process whose storage hangs).
//! Its answer also carries the server's current resourceVersion, which tells a
//! server whose versions went backwards (a new or restored one) from ours.

use std::time::Duration;

/// When a silent watch makes its server prove that it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    /// A watch that has delivered nothing (no event, no bookmark) for this long
    /// probes the server; at idle that is one small request per interval.
    pub silence: Duration,
    /// How long the probe may take before the target is marked stale.
    pub answer_within: Duration,
}

impl Default for Liveness {
    /// A hung server shows as stale within 8 s.
    fn default() -> Self {
        Self {
            silence: Duration::from_secs(5),
            answer_within: Duration::from_secs(3),
        }
    }
}

/// Why the server could not be read.
#[derive(Debug)]
pub(super) enum Failure {
    Api(kube::Error),
    /// It did not answer within this long: hung, stopped, or cut off.
    Silent(Duration),
}

impl Failure {
    /// `doing` says what was attempted: "watch deployments in production".
    pub fn describe(&self, doing: &str) -> String {
        match self {
            Self::Api(error) => super::errors::describe(doing, error),
            Self::Silent(within) => {
                format!(
                    "{doing}: the API server did not answer in {}",
                    for_humans(*within)
                )
            }
        }
    }
}

/// `call`, given up after `within`.
pub(super) async fn bounded<T>(
    within: Duration,
    call: impl Future<Output = kube::Result<T>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(within, call).await {
        Ok(result) => result.map_err(Failure::Api),
        Err(_) => Err(Failure::Silent(within)),
    }
}

/// The server's current resourceVersion, from a one-item LIST of what the
/// target watches: proof that it reads its store, and where that store is.
pub(super) async fn current_version(
    deployments: &kube::Api<k8s_openapi::api::apps::v1::Deployment>,
    params: &kube::api::ListParams,
    within: Duration,
) -> Result<String, Failure> {
    let one = params.clone().limit(1);
    let list = bounded(within, deployments.list(&one)).await?;
    Ok(list.metadata.resource_version.unwrap_or_default())
}

/// `3s`, `600ms`, `1.5s`.
fn for_humans(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_an_operator_writes_them() {
        assert_eq!(for_humans(Duration::from_secs(3)), "3s");
        assert_eq!(for_humans(Duration::from_millis(600)), "600ms");
        assert_eq!(for_humans(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn a_call_that_does_not_answer_in_time_is_silent_and_says_how_long_it_waited() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime");
        let failure = runtime
            .block_on(bounded(
                Duration::from_millis(20),
                std::future::pending::<kube::Result<()>>(),
            ))
            .expect_err("it never answers");
        assert_eq!(
            failure.describe("watch deployments in production"),
            "watch deployments in production: the API server did not answer in 20ms"
        );
    }
}
