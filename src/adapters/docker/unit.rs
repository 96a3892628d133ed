//! A container as the Rollout pane shows it: its state and health, image
//! tag and id, uptime and restarts, the revision and history its labels
//! keep.

use chrono::{DateTime, Utc};

use bollard::models::{ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum};

use super::labels;
use crate::domain::rollout::{RolloutPhase, Unit, UnitKind, image_tag};

/// The container's name without the engine's leading `/`.
pub fn name(container: &ContainerInspectResponse) -> String {
    container
        .name
        .as_deref()
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_owned()
}

/// Its health: `healthy`, `starting`, `unhealthy`, or `None` without a
/// healthcheck.
pub fn health(container: &ContainerInspectResponse) -> Option<HealthStatusEnum> {
    let status = container.state.as_ref()?.health.as_ref()?.status?;
    match status {
        HealthStatusEnum::EMPTY | HealthStatusEnum::NONE => None,
        other => Some(other),
    }
}

fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let at = DateTime::parse_from_rfc3339(text?)
        .ok()?
        .with_timezone(&Utc);
    // The engine writes the zero time for "never".
    (at.timestamp() > 0).then_some(at)
}

/// The unit for one container of a target in `environment`.
pub fn unit(environment: &str, container: &ContainerInspectResponse) -> Unit {
    let config = container.config.clone().unwrap_or_default();
    let state = container.state.clone().unwrap_or_default();
    let image = config.image.clone().unwrap_or_default();
    let labels = config.labels.clone().unwrap_or_default();
    let version = image_tag(&image).to_owned();
    let started = parse_time(state.started_at.as_deref());
    let health = health(container);
    let streak = state
        .health
        .as_ref()
        .and_then(|h| h.failing_streak)
        .unwrap_or(0);
    let status = state.status.unwrap_or(ContainerStateStatusEnum::EMPTY);
    let (phase, word) = match (status, health) {
        (ContainerStateStatusEnum::RUNNING, Some(HealthStatusEnum::HEALTHY)) => {
            (RolloutPhase::Complete, "healthy".to_owned())
        }
        (ContainerStateStatusEnum::RUNNING, None) => (RolloutPhase::Complete, "running".to_owned()),
        (ContainerStateStatusEnum::RUNNING, Some(HealthStatusEnum::STARTING)) => {
            (RolloutPhase::Progressing, "starting".to_owned())
        }
        (ContainerStateStatusEnum::RUNNING, Some(_)) => {
            (RolloutPhase::Failed, format!("unhealthy ×{streak}"))
        }
        (ContainerStateStatusEnum::PAUSED, _) => (RolloutPhase::Paused, "paused".to_owned()),
        (ContainerStateStatusEnum::RESTARTING, _) => {
            (RolloutPhase::Progressing, "restarting".to_owned())
        }
        (ContainerStateStatusEnum::CREATED, _) => (RolloutPhase::Progressing, "created".to_owned()),
        (ContainerStateStatusEnum::EXITED | ContainerStateStatusEnum::DEAD, _) => (
            RolloutPhase::Failed,
            match (state.oom_killed, state.exit_code) {
                (Some(true), _) => "OOM killed".to_owned(),
                (_, Some(code)) => format!("exited {code}"),
                _ => "exited".to_owned(),
            },
        ),
        (other, _) => (RolloutPhase::Unknown, other.to_string()),
    };
    let restarts = container.restart_count.unwrap_or(0);
    let id = container.image.as_deref().unwrap_or_default();
    let short_id = id.get(..19).unwrap_or(id);
    let mut message = vec![
        word,
        format!("{restarts} restart{}", if restarts == 1 { "" } else { "s" }),
        short_id.to_owned(),
    ];
    if let Some(last) = failing_output(container) {
        message.push(format!("last check: {last}"));
    }
    let ok = i32::from(phase == RolloutPhase::Complete);
    let moving = phase == RolloutPhase::Progressing;
    Unit {
        kind: UnitKind::Container,
        namespace: environment.to_owned(),
        name: name(container),
        version: version.clone(),
        container: name(container),
        image: image.clone(),
        previous_image: labels
            .get(labels::PREVIOUS_IMAGE)
            .filter(|i| moving && labels::is_image_reference(i))
            .cloned(),
        revision: labels::revision(&labels),
        desired: 1,
        updated: 1,
        ready: ok,
        available: ok,
        total: 1,
        phase,
        message: message.join(" · "),
        last_update: started,
        history: labels::revisions(&labels, &image, &version, started),
    }
}

/// What the last failing healthcheck printed, one line, when not healthy.
fn failing_output(container: &ContainerInspectResponse) -> Option<String> {
    let health = container.state.as_ref()?.health.as_ref()?;
    if health.status == Some(HealthStatusEnum::HEALTHY) {
        return None;
    }
    let last = health.log.as_ref()?.last()?;
    if last.exit_code == Some(0) {
        return None;
    }
    let output = last.output.as_deref().unwrap_or_default();
    let line = output.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(crate::adapters::text::clean_line(line, 120))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspect(json: serde_json::Value) -> ContainerInspectResponse {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_healthy_container_is_complete_and_its_tag_is_the_version() {
        let c = inspect(serde_json::json!({
            "Name": "/web",
            "Image": "sha256:0123456789abcdef0123456789",
            "RestartCount": 0,
            "State": {"Status": "running", "Running": true, "StartedAt": "2026-12-02T10:00:00.123456789Z",
                      "Health": {"Status": "healthy", "FailingStreak": 0, "Log": []}},
            "Config": {"Image": "shop/web:1", "Labels": {}}
        }));
        let unit = unit("production", &c);
        assert_eq!((unit.name.as_str(), unit.version.as_str()), ("web", "1"));
        assert_eq!(unit.phase, RolloutPhase::Complete);
        assert_eq!(unit.message, "healthy · 0 restarts · sha256:0123456789ab");
        assert_eq!(unit.revision, 1);
        assert_eq!(unit.history.len(), 1);
        assert!(unit.last_update.is_some());
    }

    #[test]
    fn an_unhealthy_one_has_failed_with_its_streak_and_the_check_output() {
        let c = inspect(serde_json::json!({
            "Name": "/web",
            "RestartCount": 1,
            "State": {"Status": "running", "StartedAt": "0001-01-01T00:00:00Z",
                      "Health": {"Status": "unhealthy", "FailingStreak": 3,
                                 "Log": [{"ExitCode": 1, "Output": "wget: server returned error: HTTP/1.0 404 Not Found\n\u{1b}[31m"}]}},
            "Config": {"Image": "shop/web:2", "Labels": {}}
        }));
        let unit = unit("production", &c);
        assert_eq!(unit.phase, RolloutPhase::Failed);
        assert!(
            unit.message.starts_with("unhealthy ×3 · 1 restart · "),
            "{}",
            unit.message
        );
        assert!(
            unit.message
                .ends_with("last check: wget: server returned error: HTTP/1.0 404 Not Found"),
            "{}",
            unit.message
        );
        assert_eq!(unit.last_update, None, "the zero time is never");
    }

    #[test]
    fn an_exited_container_says_how() {
        let c = inspect(serde_json::json!({
            "Name": "/web",
            "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": true},
            "Config": {"Image": "shop/web:2"}
        }));
        let unit = unit("production", &c);
        assert_eq!(unit.phase, RolloutPhase::Failed);
        assert!(unit.message.starts_with("OOM killed"), "{}", unit.message);
    }
}
