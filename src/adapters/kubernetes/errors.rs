//! Errors told the way an operator needs them: what failed, where, and why.

use crate::domain::rollout::{CallError, CallFailure};

/// `doing` says what was attempted: "patch deployment production/checkout".
pub fn call_error(doing: &str, error: &kube::Error) -> CallError {
    let failure = match error {
        kube::Error::Api(status) => CallFailure::Refused {
            message: status.message.clone(),
            reason: status.reason.clone(),
        },
        kube::Error::HyperError(e) => CallFailure::Unreachable(e.to_string()),
        kube::Error::Service(e) => CallFailure::Unreachable(root_cause(e.as_ref())),
        other => CallFailure::Other(root_cause(other)),
    };
    CallError {
        doing: doing.to_owned(),
        failure,
    }
}

/// [`call_error`] as one line, for a watch's stale reason.
pub fn describe(doing: &str, error: &kube::Error) -> String {
    call_error(doing, error).to_string()
}

pub(super) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        source = inner.source();
    }
    message
}
