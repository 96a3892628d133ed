//! The simulated services' HTTP endpoints on the sandbox's server: `/metrics` for all of
//! them, and `/services/{namespace}/{name}/metrics` and `.../health` for one,
//! each through the metrics faults first.

use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Response, StatusCode};
use serde_json::json;

use super::super::routes::Endpoint;
use super::super::services::Health;
use super::super::services::render::{self, CONTENT_TYPE};
use super::super::shared::Shared;
use super::Body;

pub async fn respond(shared: &Shared, endpoint: Endpoint) -> Response<Body> {
    let (delay, failure) = shared.faults.metrics_faults();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(code) = failure {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return reply(
            status,
            "text/plain",
            format!("injected failure: {status}\n"),
        );
    }
    // Taken after the delay: a slow scrape still reports what is served when it answers.
    let now = Instant::now();
    let one = |namespace: &str, name: &str| {
        shared
            .services
            .scrape_one(&shared.cluster, namespace, name, now)
    };
    match endpoint {
        Endpoint::Metrics => {
            let snapshots = shared.services.scrape(&shared.cluster, now);
            reply(StatusCode::OK, CONTENT_TYPE, render::exposition(&snapshots))
        }
        Endpoint::ServiceMetrics { namespace, name } => match one(&namespace, &name) {
            Some(snapshot) => reply(
                StatusCode::OK,
                CONTENT_TYPE,
                render::exposition(&[snapshot]),
            ),
            None => unknown(&namespace, &name),
        },
        Endpoint::ServiceHealth { namespace, name } => match one(&namespace, &name) {
            Some(snapshot) => {
                let (status, body) = match &snapshot.health {
                    Health::Ok => (
                        StatusCode::OK,
                        json!({"status": "ok", "version": snapshot.version, "ready": snapshot.ready}),
                    ),
                    Health::Failing(reason) => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        json!({"status": "failing", "reason": reason}),
                    ),
                };
                reply(status, "application/json", body.to_string())
            }
            None => unknown(&namespace, &name),
        },
    }
}

fn unknown(namespace: &str, name: &str) -> Response<Body> {
    reply(
        StatusCode::NOT_FOUND,
        "text/plain",
        format!("no service {namespace}/{name}: there is no such Deployment\n"),
    )
}

fn reply(status: StatusCode, content_type: &str, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(body)).boxed_unsync())
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed_unsync()))
}
