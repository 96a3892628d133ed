//! Errors told the way an operator needs them: what failed, where, and why.

/// `doing` says what was attempted: "patch deployment production/checkout".
pub fn describe(doing: &str, error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) => {
            let reason = if status.reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", status.reason)
            };
            format!("{doing}: {}{reason}", status.message)
        }
        kube::Error::HyperError(e) => format!("{doing}: the API is unreachable: {e}"),
        kube::Error::Service(e) => format!(
            "{doing}: the API is unreachable: {}",
            root_cause(e.as_ref())
        ),
        other => format!("{doing}: {}", root_cause(other)),
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
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
