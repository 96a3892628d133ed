//! What a command target's `status` command says: JSON on stdout
//! (`{"version": "2.4.0", "phase": "complete", "message": "live"}`, every key
//! optional), or, when it prints no JSON object, its exit code (0: complete).

use serde::Deserialize;

use crate::domain::rollout::RolloutPhase;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// `None`: the status does not say, the ledger's version stands.
    pub version: Option<String>,
    pub phase: RolloutPhase,
    pub message: String,
}

/// Why a status run tells nothing: the target is shown stale with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError(pub String);

impl std::fmt::Display for StatusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StatusError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    version: Option<String>,
    phase: Option<String>,
    message: Option<String>,
}

const PHASES: [(&str, RolloutPhase); 9] = [
    ("progressing", RolloutPhase::Progressing),
    ("deploying", RolloutPhase::Progressing),
    ("complete", RolloutPhase::Complete),
    ("live", RolloutPhase::Complete),
    ("healthy", RolloutPhase::Complete),
    ("failed", RolloutPhase::Failed),
    ("paused", RolloutPhase::Paused),
    ("unknown", RolloutPhase::Unknown),
    ("", RolloutPhase::Unknown),
];

/// Reads what `status` printed and how it exited.
pub fn parse(stdout: &str, exited_ok: bool) -> Result<Status, StatusError> {
    let text = stdout.trim();
    if !text.starts_with('{') {
        let message = text.lines().last().unwrap_or_default().trim().to_owned();
        return Ok(Status {
            version: None,
            phase: if exited_ok {
                RolloutPhase::Complete
            } else {
                RolloutPhase::Failed
            },
            message,
        });
    }
    let written: Written = serde_json::from_str(text).map_err(|e| {
        StatusError(format!(
            "status printed JSON this cockpit cannot read ({e}); expected {{\"version\": \"…\", \"phase\": \"complete|progressing|failed|paused\", \"message\": \"…\"}}"
        ))
    })?;
    let phase = match written.phase.as_deref().map(str::to_ascii_lowercase) {
        None if exited_ok => RolloutPhase::Complete,
        None => RolloutPhase::Failed,
        Some(word) => PHASES
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, phase)| *phase)
            .ok_or_else(|| {
                StatusError(format!(
                    "status printed phase `{word}`; expected complete, progressing, failed, paused or unknown"
                ))
            })?,
    };
    let version = written.version.filter(|v| !v.trim().is_empty());
    if let Some(version) = &version
        && !is_version(version)
    {
        return Err(StatusError(format!(
            "status printed version `{}`: a version is letters, digits and . _ + - only (it goes into commands)",
            version.escape_debug()
        )));
    }
    Ok(Status {
        version,
        phase,
        message: written.message.unwrap_or_default(),
    })
}

/// What a version may hold: it is substituted into shell commands as
/// `{previous_version}`, so never a quote, a space or a `;`.
pub fn is_version(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_says_version_phase_and_message() {
        let status = parse(
            r#"{"version": "2.4.0", "phase": "Live", "message": "dep-123 live"}"#,
            true,
        )
        .unwrap();
        assert_eq!(status.version.as_deref(), Some("2.4.0"));
        assert_eq!(status.phase, RolloutPhase::Complete);
        assert_eq!(status.message, "dep-123 live");
        assert_eq!(
            parse(r#"{"phase": "deploying"}"#, true).unwrap().phase,
            RolloutPhase::Progressing
        );
    }

    #[test]
    fn without_json_the_exit_code_decides() {
        assert_eq!(
            parse("ok\nall good\n", true).unwrap().phase,
            RolloutPhase::Complete
        );
        let failed = parse("service down", false).unwrap();
        assert_eq!(
            (failed.phase, failed.message.as_str()),
            (RolloutPhase::Failed, "service down")
        );
    }

    #[test]
    fn bad_json_or_an_unknown_phase_is_an_error_that_says_what_was_expected() {
        let error = parse(r#"{"version": 2}"#, true).unwrap_err();
        assert!(error.0.contains("cannot read"), "{error}");
        let error = parse(r#"{"phase": "sideways"}"#, true).unwrap_err();
        assert!(error.0.contains("`sideways`"), "{error}");
        assert!(
            parse(r#"{"versoin": "1"}"#, true).is_err(),
            "unknown keys are typos"
        );
        let error = parse(r#"{"version": "1.0; rm -rf ~"}"#, true).unwrap_err();
        assert!(error.0.contains("letters, digits"), "{error}");
    }
}
