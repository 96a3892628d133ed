//! Small shared pieces: the API's error `Status`, times and well-known keys.

use std::time::SystemTime;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use serde_json::json;

pub use crate::adapters::kubernetes::history::{CHANGE_CAUSE, REVISION};
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const TEMPLATE_HASH: &str = "pod-template-hash";
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// An API failure, answered as a `Status` object with the same code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    /// `details.causes[0].reason`, where the API server gives one.
    pub cause: Option<&'static str>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
            cause: None,
        }
    }

    /// A watch from a version the store has not reached: it is not the store
    /// the client watched. The API server waits up to 3 s for its cache to
    /// catch up first; the sandbox's store is never behind, so it answers at once.
    pub fn too_large_version(since: u64, current: u64) -> Self {
        Self {
            cause: Some("ResourceVersionTooLarge"),
            ..Self::new(
                504,
                "Timeout",
                format!("Too large resource version: {since}, current: {current}"),
            )
        }
    }

    pub fn not_found(resource: &str, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", qualified(resource)),
        )
    }

    pub fn already_exists(resource: &str, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", qualified(resource)),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn invalid(resource: &str, name: &str, why: &str) -> Self {
        Self::new(
            422,
            "Invalid",
            format!("{} \"{name}\" is invalid: {why}", qualified(resource)),
        )
    }

    pub fn conflict(resource: &str, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been \
                 modified; please apply your changes to the latest version and try again",
                qualified(resource)
            ),
        )
    }

    pub fn status_json(&self) -> serde_json::Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(cause) = self.cause {
            status["details"] = json!({
                "causes": [{"reason": cause, "message": self.message}],
                "retryAfterSeconds": 1,
            });
        }
        status
    }
}

/// `deployments.apps`, `leases.coordination.k8s.io`, `configmaps`: a
/// resource as the API server's messages name it.
fn qualified(resource: &str) -> String {
    match resource {
        "deployments" | "replicasets" => format!("{resource}.apps"),
        "leases" => format!("{resource}.coordination.k8s.io"),
        _ => resource.to_owned(),
    }
}

pub fn now_time() -> Time {
    Time(timestamp(SystemTime::now()))
}

pub fn timestamp(at: SystemTime) -> Timestamp {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Kubernetes times have whole seconds on the wire.
    Timestamp::from_second(i64::try_from(secs).unwrap_or(0)).unwrap_or(Timestamp::UNIX_EPOCH)
}
