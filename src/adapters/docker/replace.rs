//! A deploy (or a rollback) of one container: its image made present, a new
//! container made from its configuration with the new image, the old one
//! stopped and kept as `NAME-previous`, the new one started and given until
//! the deadline to become healthy. If it does not, the old one is put back
//! by itself and the new one kept, stopped, as `NAME-failed` to look into.

use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::models::{
    ContainerInspectResponse, ContainerStateStatusEnum, ContainerUpdateBody, HealthStatusEnum,
    RestartPolicy, RestartPolicyNameEnum,
};
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
/// A pull that says nothing for this long has stalled.
const PULL_STALL: Duration = Duration::from_secs(120);
/// How much longer than its stop timeout a stop may take to be answered.
const STOP_MARGIN: Duration = Duration::from_secs(30);

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
/// given why and the version put back.
pub async fn replace(
    docker: &Docker,
    change: &Change<'_>,
    emit: &mut impl FnMut(String),
    before_restore: impl FnOnce(&str, &str),
) -> Result<String, ReplaceError> {
    let not_started = |why: String| ReplaceError::NotStarted(why);
    let name = change.container;
    let old = docker
        .inspect_container(name, None)
        .await
        .map_err(|e| not_started(format!("container {name}: {}", describe(&e))))?;
    if old.host_config.as_ref().and_then(|h| h.auto_remove) == Some(true) {
        return Err(not_started(format!(
            "{name} was started with --rm: stopping it would delete it, so it could not be \
             put back; run it without --rm to deploy it from the cockpit"
        )));
    }
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
    let stopped = match stop(docker, name, &old).await {
        Ok(()) => rename(docker, name, &previous).await,
        Err(why) => Err(why),
    };
    if let Err(why) = stopped {
        // The engine may have stopped it all the same: never leave it down
        // while saying nothing changed.
        let old_version = image_tag(&old_image);
        return Err(start_again(docker, name, (why, old_version), before_restore, emit).await);
    }
    emit(format!("kept the old container as {previous}"));
    keep_from_restarting(docker, &previous, emit).await;
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
    before_restore(&why, image_tag(&old_image));
    let back = Back {
        deadline: change.deadline,
        ports: &published(&old),
        restart_policy: old
            .host_config
            .as_ref()
            .and_then(|h| h.restart_policy.clone()),
    };
    match restore(docker, name, &previous, &back, emit).await {
        Ok(restored) => Err(ReplaceError::Restored { why, restored }),
        Err(restore) => Err(ReplaceError::NotRestored { why, restore }),
    }
}

/// What putting the old container back must give it again.
struct Back<'a> {
    deadline: Duration,
    /// Where its ports were published before it was stopped.
    ports: &'a [String],
    /// Its own, set to `no` while it was kept.
    restart_policy: Option<RestartPolicy>,
}

/// The old container started again after a failed stop or rename, which
/// can leave it stopped (the engine may finish a stop it timed out on).
async fn start_again(
    docker: &Docker,
    name: &str,
    (why, old_version): (String, &str),
    before_restore: impl FnOnce(&str, &str),
    emit: &mut impl FnMut(String),
) -> ReplaceError {
    emit(why.clone());
    let running =
        |c: &ContainerInspectResponse| c.state.as_ref().and_then(|s| s.running) == Some(true);
    match docker.inspect_container(name, None).await {
        Ok(c) if running(&c) => return ReplaceError::NotStarted(why),
        Ok(_) => {}
        Err(e) => {
            return ReplaceError::NotRestored {
                why,
                restore: format!(
                    "inspect {name}: {} (see `docker ps -a`; start it with `docker start {name}`)",
                    describe(&e)
                ),
            };
        }
    }
    emit(format!("{name} is stopped: starting it again"));
    before_restore(&why, old_version);
    match docker.start_container(name, None).await {
        Ok(()) => ReplaceError::Restored {
            why,
            restored: format!("{name} was stopped and is started again, as it was"),
        },
        Err(e) => ReplaceError::NotRestored {
            why,
            restore: format!(
                "start {name}: {} (it is STOPPED: `docker start {name}`)",
                describe(&e)
            ),
        },
    }
}

/// A kept container must not come back by itself (a daemon restart with
/// `restart: always`) and take its ports from the one that runs.
async fn keep_from_restarting(docker: &Docker, name: &str, emit: &mut impl FnMut(String)) {
    let body = ContainerUpdateBody {
        restart_policy: Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::NO),
            maximum_retry_count: None,
        }),
        ..Default::default()
    };
    if let Err(e) = docker.update_container(name, body).await {
        emit(format!(
            "{name} keeps its restart policy ({}): a daemon restart may start it",
            describe(&e)
        ));
    }
}

/// The old container back under its name, started and healthy; the new one
/// (if it got as far as being created) stopped and kept as `NAME-failed`.
/// On failure, says what is left where and how to put it right by hand.
async fn restore(
    docker: &Docker,
    name: &str,
    previous: &str,
    back: &Back<'_>,
    emit: &mut impl FnMut(String),
) -> Result<String, String> {
    let by_hand = |step: String, left: &str| format!("{step}; {left}");
    let failed = format!("{name}{FAILED_SUFFIX}");
    let mut kept = String::new();
    let new_left = format!(
        "the new container is still {name} and the old one {previous}, stopped: \
         `docker stop {name} && docker rename {name} {failed} && docker rename {previous} {name} && docker start {name}`"
    );
    match docker.inspect_container(name, None).await {
        Ok(new) => {
            stop(docker, name, &new)
                .await
                .map_err(|e| by_hand(e, &new_left))?;
            remove_if_there(docker, &failed, emit)
                .await
                .map_err(|e| by_hand(e, &new_left))?;
            rename(docker, name, &failed)
                .await
                .map_err(|e| by_hand(e, &new_left))?;
            keep_from_restarting(docker, &failed, emit).await;
            // Its output may hold what the application logs (secrets
            // among it): it stays with the container, not in our logs.
            kept = format!(
                "; the new one is kept, stopped, as {failed} (`docker logs {failed}` has its output)"
            );
        }
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(format!("inspect {name}: {}", describe(&e))),
    }
    let no_name = format!(
        "no container is {name} now; the old one is {previous}, stopped: \
         `docker rename {previous} {name} && docker start {name}`"
    );
    rename(docker, previous, name)
        .await
        .map_err(|e| by_hand(e, &no_name))?;
    if let Some(policy) = back.restart_policy.clone() {
        let body = ContainerUpdateBody {
            restart_policy: Some(policy),
            ..Default::default()
        };
        if let Err(e) = docker.update_container(name, body).await {
            emit(format!(
                "{name}'s restart policy was not put back ({}): set it with `docker update --restart`",
                describe(&e)
            ));
        }
    }
    docker.start_container(name, None).await.map_err(|e| {
        format!(
            "start {name}: {} (it is STOPPED: `docker start {name}`)",
            describe(&e)
        )
    })?;
    let how = until_healthy(docker, name, back.deadline, emit).await?;
    emit(format!("{name} is back and {how}"));
    // A port left to the engine (`-p 8080`) may be given anew on a restart.
    let ports_before = back.ports;
    let ports_now = match docker.inspect_container(name, None).await {
        Ok(again) => published(&again),
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
    loop {
        let step = match tokio::time::timeout(PULL_STALL, pull.next()).await {
            Ok(Some(step)) => step,
            Ok(None) => break,
            Err(_) => {
                return Err(format!(
                    "the pull of {image} made no progress in {}s",
                    PULL_STALL.as_secs()
                ));
            }
        };
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
    // The engine answers a stop once the container has stopped: the request
    // may take the container's whole timeout, beyond the client's usual one.
    let seconds_u64 = u64::try_from(seconds.max(0)).unwrap_or(0);
    let patient = docker
        .clone()
        .with_timeout(Duration::from_secs(seconds_u64) + STOP_MARGIN);
    patient
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
