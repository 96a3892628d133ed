//! A deploy (or a rollback) of one container: its image made present, a new
//! container made from its configuration with the new image, the old one
//! stopped and kept as `NAME-previous`, the new one started and given until
//! the deadline to become healthy. If it does not, the old one is put back
//! by itself and the new one kept, stopped, as `NAME-failed` to look into.

use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum};
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, RemoveContainerOptions, RenameContainerOptions,
    StopContainerOptions,
};
use futures::StreamExt;

use super::connect::{describe, is_not_found};
use super::find::{FAILED_SUFFIX, PREVIOUS_SUFFIX};
use super::labels;
use super::recreate::recreate;
use super::unit::health;
use crate::domain::rollout::image_tag;

/// Without a healthcheck, a container counts as healthy once it has run this
/// long without exiting or restarting.
pub const SETTLE_WITHOUT_HEALTHCHECK: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(500);
/// The old container's own stop timeout, when it sets none.
const STOP_SECONDS: i32 = 10;

/// One container to move to an image.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The container's name, which the new container takes over.
    pub container: &'a str,
    pub image: &'a str,
    pub version: &'a str,
    pub release: &'a str,
    pub deadline: Duration,
}

/// How a replacement failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplaceError {
    /// Nothing was changed: the container still runs as it did.
    NotStarted(String),
    /// The new container was not healthy in time; the old one is back.
    Restored { why: String, restored: String },
    /// The new container failed and the old one could not be put back:
    /// someone must look now.
    NotRestored { why: String, restore: String },
}

impl std::fmt::Display for ReplaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotStarted(why) => write!(f, "{why}; nothing was changed"),
            Self::Restored { why, restored } => {
                write!(f, "{why}; the previous container was put back: {restored}")
            }
            Self::NotRestored { why, restore } => write!(
                f,
                "{why}; putting the previous container back FAILED: {restore}"
            ),
        }
    }
}

/// Carries out `change`, telling each step to `emit`. `before_restore` is
/// called (to record it, synced) before an automatic restore acts; it is
/// given why.
pub async fn replace(
    docker: &Docker,
    change: &Change<'_>,
    emit: &mut impl FnMut(String),
    before_restore: impl FnOnce(&str),
) -> Result<String, ReplaceError> {
    let not_started = |why: String| ReplaceError::NotStarted(why);
    let name = change.container;
    let old = docker
        .inspect_container(name, None)
        .await
        .map_err(|e| not_started(format!("container {name}: {}", describe(&e))))?;
    ensure_image(docker, change.image, emit)
        .await
        .map_err(not_started)?;
    let old_config = old.config.clone().unwrap_or_default();
    let old_image = old_config.image.clone().unwrap_or_default();
    let image_config = match old.image.as_deref() {
        Some(id) => docker.inspect_image(id).await.ok().and_then(|i| i.config),
        None => None,
    };
    let labels = labels::next(
        &old_config.labels.clone().unwrap_or_default(),
        (&old_image, image_tag(&old_image)),
        change.version,
        change.release,
        chrono::Utc::now(),
    );
    let new = recreate(&old, image_config.as_ref(), change.image, &labels);
    let previous = format!("{name}{PREVIOUS_SUFFIX}");
    remove_if_there(docker, &previous, emit)
        .await
        .map_err(not_started)?;
    emit(format!("stopping {name} ({old_image})"));
    stop(docker, name, &old).await.map_err(not_started)?;
    rename(docker, name, &previous).await.map_err(|e| {
        ReplaceError::NotStarted(format!(
            "{e} (it is stopped: start it with `docker start {name}`)"
        ))
    })?;
    emit(format!("kept the old container as {previous}"));
    let started = async {
        let created = docker
            .create_container(
                Some(CreateContainerOptions {
                    name: Some(name.to_owned()),
                    ..Default::default()
                }),
                new.body.clone(),
            )
            .await
            .map_err(|e| format!("create {name}: {}", describe(&e)))?;
        for warning in created.warnings {
            emit(format!("engine: {}", clean(&warning)));
        }
        for (network, endpoint) in &new.more_networks {
            docker
                .connect_network(
                    network,
                    bollard::models::NetworkConnectRequest {
                        container: name.to_owned(),
                        endpoint_config: Some(endpoint.clone()),
                    },
                )
                .await
                .map_err(|e| format!("connect {name} to {network}: {}", describe(&e)))?;
        }
        emit(format!("starting {name} ({})", change.image));
        docker
            .start_container(name, None)
            .await
            .map_err(|e| format!("start {name}: {}", describe(&e)))?;
        until_healthy(docker, name, change.deadline, emit).await
    }
    .await;
    let why = match started {
        Ok(how) => return Ok(format!("{name} runs {} ({how})", change.image)),
        Err(why) => why,
    };
    let why = format!("{} did not become healthy: {why}", change.image);
    emit(why.clone());
    emit(format!("putting {previous} back as {name}"));
    before_restore(&why);
    match restore(
        docker,
        name,
        &previous,
        (change.deadline, &published(&old)),
        emit,
    )
    .await
    {
        Ok(restored) => Err(ReplaceError::Restored { why, restored }),
        Err(restore) => Err(ReplaceError::NotRestored { why, restore }),
    }
}

/// The old container back under its name, started and healthy; the new one
/// (if it got as far as being created) stopped and kept as `NAME-failed`.
async fn restore(
    docker: &Docker,
    name: &str,
    previous: &str,
    (deadline, ports_before): (Duration, &[String]),
    emit: &mut impl FnMut(String),
) -> Result<String, String> {
    let failed = format!("{name}{FAILED_SUFFIX}");
    let mut kept = String::new();
    match docker.inspect_container(name, None).await {
        Ok(new) => {
            stop(docker, name, &new).await?;
            remove_if_there(docker, &failed, emit).await?;
            rename(docker, name, &failed).await?;
            // Its output may hold what the application logs (secrets
            // among it): it stays with the container, not in our logs.
            kept = format!(
                "; the new one is kept, stopped, as {failed} (`docker logs {failed}` has its output)"
            );
        }
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(format!("inspect {name}: {}", describe(&e))),
    }
    rename(docker, previous, name).await?;
    docker
        .start_container(name, None)
        .await
        .map_err(|e| format!("start {name}: {}", describe(&e)))?;
    let how = until_healthy(docker, name, deadline, emit).await?;
    emit(format!("{name} is back and {how}"));
    // A port left to the engine (`-p 8080`) may be given anew on a restart.
    let ports_now = match docker.inspect_container(name, None).await {
        Ok(back) => published(&back),
        Err(_) => ports_before.to_vec(),
    };
    let moved = if ports_now == ports_before {
        String::new()
    } else {
        let line = format!(
            "; its published ports changed from {} to {} (the engine chose them: publish fixed host ports to keep them)",
            ports_before.join(", "),
            ports_now.join(", ")
        );
        emit(line.trim_start_matches("; ").to_owned());
        line
    };
    Ok(format!("{name} is {how} again{kept}{moved}"))
}

/// Where a running container's ports are published, in order:
/// `127.0.0.1:32768->8080/tcp`, as `docker ps` shows them.
fn published(c: &ContainerInspectResponse) -> Vec<String> {
    let ports = c.network_settings.as_ref().and_then(|n| n.ports.as_ref());
    let mut all: Vec<String> = ports
        .into_iter()
        .flatten()
        .flat_map(|(port, bindings)| {
            bindings.iter().flatten().map(move |b| {
                format!(
                    "{}:{}->{port}",
                    b.host_ip.as_deref().unwrap_or(""),
                    b.host_port.as_deref().unwrap_or("")
                )
            })
        })
        .collect();
    all.sort();
    all
}

/// The image on the engine, pulled (its progress told) if it is not.
async fn ensure_image(
    docker: &Docker,
    image: &str,
    emit: &mut impl FnMut(String),
) -> Result<(), String> {
    match docker.inspect_image(image).await {
        Ok(_) => return Ok(()),
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(format!("image {image}: {}", describe(&e))),
    }
    emit(format!("pulling {image}"));
    let options = CreateImageOptions {
        from_image: Some(image.to_owned()),
        ..Default::default()
    };
    let mut pull = Box::pin(docker.create_image(Some(options), None, None));
    let mut last = String::new();
    while let Some(step) = pull.next().await {
        let step = step.map_err(|e| {
            format!(
                "image {image} is not on this engine and could not be pulled: {}",
                describe(&e)
            )
        })?;
        if let Some(error) = step.error_detail.and_then(|e| e.message) {
            return Err(format!(
                "image {image} is not on this engine and could not be pulled: {}",
                clean(&error)
            ));
        }
        // Progress repeats many times a second: one line per layer and status.
        let line = [step.id, step.status]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if line != last {
            let size = step
                .progress_detail
                .and_then(|p| Some(format!(" ({} of {} bytes)", p.current?, p.total?)))
                .unwrap_or_default();
            emit(format!("pull: {}{size}", clean(&line)));
            last = line;
        }
    }
    Ok(())
}

/// Waits until the container is healthy (or, without a healthcheck, has run
/// [`SETTLE_WITHOUT_HEALTHCHECK`]); `Err` with why as soon as it cannot be.
async fn until_healthy(
    docker: &Docker,
    name: &str,
    deadline: Duration,
    emit: &mut impl FnMut(String),
) -> Result<String, String> {
    let start = Instant::now();
    let mut said = String::new();
    loop {
        let c = docker
            .inspect_container(name, None)
            .await
            .map_err(|e| format!("inspect {name}: {}", describe(&e)))?;
        let (verdict, now) = judge(&c, start.elapsed());
        if now != said {
            emit(format!("{name}: {now}"));
            said = now;
        }
        match verdict {
            Verdict::Healthy(how) => return Ok(how),
            Verdict::Failed(why) => return Err(why),
            Verdict::Waiting if start.elapsed() >= deadline => {
                return Err(format!(
                    "not healthy within {}s ({said})",
                    deadline.as_secs()
                ));
            }
            Verdict::Waiting => tokio::time::sleep(POLL).await,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Healthy(String),
    Waiting,
    Failed(String),
}

/// Where a new container stands after `waited`, and a word for the log.
fn judge(c: &ContainerInspectResponse, waited: Duration) -> (Verdict, String) {
    let state = c.state.clone().unwrap_or_default();
    let restarts = c.restart_count.unwrap_or(0);
    let streak = state
        .health
        .as_ref()
        .and_then(|h| h.failing_streak)
        .unwrap_or(0);
    let last_check = state
        .health
        .as_ref()
        .and_then(|h| h.log.as_ref())
        .and_then(|l| l.last())
        .filter(|r| r.exit_code != Some(0))
        .and_then(|r| r.output.as_deref())
        .and_then(|o| o.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| format!(" (last check: {})", clean(l)))
        .unwrap_or_default();
    if restarts > 0 {
        return (
            Verdict::Failed(format!("it exited and was restarted {restarts} time(s)")),
            "restarting".to_owned(),
        );
    }
    match state.status {
        Some(ContainerStateStatusEnum::EXITED | ContainerStateStatusEnum::DEAD) => {
            let how = match (state.oom_killed, state.exit_code) {
                (Some(true), _) => "it was killed for lack of memory".to_owned(),
                (_, Some(code)) => format!("it exited with code {code}"),
                _ => "it exited".to_owned(),
            };
            (Verdict::Failed(how), "exited".to_owned())
        }
        Some(ContainerStateStatusEnum::RUNNING) => match health(c) {
            Some(HealthStatusEnum::HEALTHY) => {
                (Verdict::Healthy("healthy".to_owned()), "healthy".to_owned())
            }
            Some(HealthStatusEnum::UNHEALTHY) => (
                Verdict::Failed(format!(
                    "unhealthy after {streak} failed check(s){last_check}"
                )),
                "unhealthy".to_owned(),
            ),
            Some(_) if streak > 0 => (
                Verdict::Waiting,
                format!("starting, {streak} check(s) failed{last_check}"),
            ),
            Some(_) => (Verdict::Waiting, "starting".to_owned()),
            None if waited >= SETTLE_WITHOUT_HEALTHCHECK => (
                Verdict::Healthy(format!(
                    "running for {}s (it has no healthcheck)",
                    SETTLE_WITHOUT_HEALTHCHECK.as_secs()
                )),
                "running".to_owned(),
            ),
            None => (Verdict::Waiting, "running (no healthcheck)".to_owned()),
        },
        other => (
            Verdict::Waiting,
            other.map_or_else(|| "created".to_owned(), |s| s.to_string()),
        ),
    }
}

async fn stop(docker: &Docker, name: &str, c: &ContainerInspectResponse) -> Result<(), String> {
    let seconds = c
        .config
        .as_ref()
        .and_then(|c| c.stop_timeout)
        .and_then(|t| i32::try_from(t).ok())
        .unwrap_or(STOP_SECONDS);
    docker
        .stop_container(
            name,
            Some(StopContainerOptions {
                t: Some(seconds),
                ..Default::default()
            }),
        )
        .await
        .or_else(|e| match e {
            // 304: it was not running.
            bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            } => Ok(()),
            e => Err(format!("stop {name}: {}", describe(&e))),
        })
}

async fn rename(docker: &Docker, from: &str, to: &str) -> Result<(), String> {
    docker
        .rename_container(
            from,
            RenameContainerOptions {
                name: to.to_owned(),
            },
        )
        .await
        .map_err(|e| format!("rename {from} to {to}: {}", describe(&e)))
}

async fn remove_if_there(
    docker: &Docker,
    name: &str,
    emit: &mut impl FnMut(String),
) -> Result<(), String> {
    let options = RemoveContainerOptions {
        force: true,
        ..Default::default()
    };
    match docker.remove_container(name, Some(options)).await {
        Ok(()) => {
            emit(format!("removed the older {name}"));
            Ok(())
        }
        Err(e) if is_not_found(&e) => Ok(()),
        Err(e) => Err(format!("remove {name}: {}", describe(&e))),
    }
}

fn clean(text: &str) -> String {
    crate::adapters::text::clean_line(text, 400)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(json: serde_json::Value) -> ContainerInspectResponse {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_new_container_is_judged_by_its_health_or_by_running_long_enough() {
        let healthy = container(serde_json::json!({
            "State": {"Status": "running", "Health": {"Status": "healthy"}}
        }));
        assert_eq!(
            judge(&healthy, Duration::ZERO).0,
            Verdict::Healthy("healthy".into())
        );
        let unhealthy = container(serde_json::json!({
            "State": {"Status": "running", "Health": {"Status": "unhealthy", "FailingStreak": 2,
                      "Log": [{"ExitCode": 1, "Output": "wget: server returned error: HTTP/1.0 404 Not Found\n"}]}}
        }));
        let (Verdict::Failed(why), _) = judge(&unhealthy, Duration::ZERO) else {
            panic!()
        };
        assert_eq!(
            why,
            "unhealthy after 2 failed check(s) (last check: wget: server returned error: HTTP/1.0 404 Not Found)"
        );
        let plain = container(serde_json::json!({"State": {"Status": "running"}}));
        assert_eq!(judge(&plain, Duration::from_secs(1)).0, Verdict::Waiting);
        assert!(matches!(
            judge(&plain, SETTLE_WITHOUT_HEALTHCHECK).0,
            Verdict::Healthy(_)
        ));
        let crashed = container(serde_json::json!({"State": {"Status": "exited", "ExitCode": 3}}));
        assert_eq!(
            judge(&crashed, Duration::ZERO).0,
            Verdict::Failed("it exited with code 3".into())
        );
        let looping =
            container(serde_json::json!({"RestartCount": 2, "State": {"Status": "running"}}));
        assert!(matches!(
            judge(&looping, Duration::ZERO).0,
            Verdict::Failed(_)
        ));
    }
}
