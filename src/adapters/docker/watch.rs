//! A Docker target's status from the engine's event stream: a full read on
//! connecting, again after each event about its containers, and nothing in
//! between but a cheap list when the stream has been silent for a while, to
//! tell a quiet engine from a hung one. Unreachable or hung, the target is
//! reported stale with why, and it is fresh again only after a full re-read.

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, EventMessage};
use bollard::query_parameters::EventsOptions;
use futures::StreamExt;

use super::connect::{connect, describe, host_for};
use super::find::{self, fingerprint};
use super::{DockerTarget, Selector, labels, unit};
use crate::domain::rollout::{RolloutPhase, RolloutUpdate, Unit};

/// A stream silent this long makes the engine prove that it answers.
pub const SILENCE: Duration = Duration::from_secs(5);
/// How long that proof may take before the target is marked stale.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(3);
/// Events come in bursts (stop, rename, create, start): one read after the
/// burst, not one per event.
const SETTLE: Duration = Duration::from_millis(100);
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(30);

/// Why a session with the engine ended.
enum Ended {
    /// Nobody listens any more: the watch ends.
    Closed,
    /// The engine cannot be read: reported stale, then tried again.
    Lost(String),
}

/// Reports the target until `send` says nobody listens.
pub async fn watch(target: DockerTarget, mut send: impl FnMut(RolloutUpdate) -> bool) {
    let host = host_for(target.host.as_deref());
    let mut retry = RETRY_FIRST;
    loop {
        let mut fresh = false;
        match session(&target, &host, &mut send, &mut fresh).await {
            Ended::Closed => return,
            Ended::Lost(error) => {
                let stale = RolloutUpdate::Stale {
                    target: target.name.clone(),
                    error,
                };
                if !send(stale) {
                    return;
                }
            }
        }
        // A session that got as far as a full read starts the backoff over.
        retry = if fresh {
            RETRY_FIRST
        } else {
            (retry * 2).min(RETRY_MAX)
        };
        tokio::time::sleep(retry).await;
    }
}

async fn session(
    target: &DockerTarget,
    host: &str,
    send: &mut impl FnMut(RolloutUpdate) -> bool,
    fresh: &mut bool,
) -> Ended {
    let lost = |cause: String| Ended::Lost(format!("docker engine at {host}: {cause}"));
    let docker = match tokio::time::timeout(ANSWER_WITHIN * 2, connect(host)).await {
        Ok(Ok(docker)) => docker,
        Ok(Err(error)) => return Ended::Lost(error.to_string()),
        Err(_) => return lost(format!("no answer in {}s", (ANSWER_WITHIN * 2).as_secs())),
    };
    // The stream's request goes out only when it is first polled, after the
    // read: asking for events since a moment before the read means nothing
    // between the two is missed (one seen twice costs one more read).
    let since = chrono::Utc::now() - chrono::Duration::seconds(1);
    let options = EventsOptions {
        filters: Some(event_filters(&target.selector)),
        since: Some(format!(
            "{}.{:09}",
            since.timestamp(),
            since.timestamp_subsec_nanos()
        )),
        ..Default::default()
    };
    let mut events = Box::pin(docker.events(Some(options)));
    let mut shown = match tokio::time::timeout(ANSWER_WITHIN * 2, read(&docker, target)).await {
        Ok(Ok(shown)) => shown,
        Ok(Err(cause)) => return lost(cause),
        Err(_) => return lost(format!("no answer in {}s", (ANSWER_WITHIN * 2).as_secs())),
    };
    if !send(snapshot(target, &shown.1)) {
        return Ended::Closed;
    }
    *fresh = true;
    loop {
        let wanted = match tokio::time::timeout(SILENCE, events.next()).await {
            Ok(Some(Ok(event))) => relevant(target, &event, settled(&shown.1)),
            Ok(Some(Err(error))) => return lost(describe(&error)),
            Ok(None) => return lost("the engine ended its event stream".to_owned()),
            Err(_silent) => {
                match tokio::time::timeout(ANSWER_WITHIN, find::list(&docker, &target.selector))
                    .await
                {
                    Ok(Ok(now)) => fingerprint(&now) != shown.0,
                    Ok(Err(cause)) => return lost(cause),
                    Err(_) => {
                        return lost(format!(
                            "no answer in {}s (silent for {}s before)",
                            ANSWER_WITHIN.as_secs(),
                            SILENCE.as_secs()
                        ));
                    }
                }
            }
        };
        if !wanted {
            continue;
        }
        // Let the burst finish, taking the events that came meanwhile.
        let settle = tokio::time::sleep(SETTLE);
        tokio::pin!(settle);
        loop {
            tokio::select! {
                () = &mut settle => break,
                next = events.next() => match next {
                    Some(Ok(_)) => {}
                    Some(Err(error)) => return lost(describe(&error)),
                    None => return lost("the engine ended its event stream".to_owned()),
                },
            }
        }
        shown = match tokio::time::timeout(ANSWER_WITHIN * 2, read(&docker, target)).await {
            Ok(Ok(shown)) => shown,
            Ok(Err(cause)) => return lost(cause),
            Err(_) => return lost(format!("no answer in {}s", (ANSWER_WITHIN * 2).as_secs())),
        };
        if !send(snapshot(target, &shown.1)) {
            return Ended::Closed;
        }
    }
}

type Shown = (Vec<(String, String, String)>, Vec<ContainerInspectResponse>);

async fn read(docker: &Docker, target: &DockerTarget) -> Result<Shown, String> {
    let (summaries, containers) = find::read(docker, &target.selector).await?;
    Ok((fingerprint(&summaries), containers))
}

fn snapshot(target: &DockerTarget, containers: &[ContainerInspectResponse]) -> RolloutUpdate {
    RolloutUpdate::Snapshot {
        target: target.name.clone(),
        units: units(target, containers),
    }
}

pub fn units(target: &DockerTarget, containers: &[ContainerInspectResponse]) -> Vec<Unit> {
    containers
        .iter()
        .map(|c| unit::unit(&target.environment, c))
        .collect()
}

/// Whether every container is healthy (or running without a healthcheck).
fn settled(containers: &[ContainerInspectResponse]) -> bool {
    containers
        .iter()
        .all(|c| unit::unit("", c).phase == RolloutPhase::Complete)
}

/// Whether an event is about one of the target's containers and may change
/// what is shown. Healthchecks run as execs: while a container is not yet
/// healthy, each one's end may move its failing streak; once all are
/// healthy, only a `health_status` event says anything new.
/// What a container does that can change its row. A healthcheck runs as an
/// exec every interval: its `exec_create` and `exec_start` never matter, and
/// its `exec_die` only while the container is starting (the failing streak);
/// left out here, a host of busy healthchecks costs the engine and us little.
const ACTIONS: [&str; 14] = [
    "create",
    "destroy",
    "die",
    "exec_die",
    "health_status",
    "kill",
    "oom",
    "pause",
    "rename",
    "restart",
    "start",
    "stop",
    "unpause",
    "update",
];

/// The events the engine sends this watch: container events of [`ACTIONS`],
/// and for a compose service only its own (compose's labels stay on a kept
/// `-previous` container, so its renames still arrive). A container by name
/// is not filtered by name: a rename away from it would not match.
fn event_filters(selector: &Selector) -> HashMap<String, Vec<String>> {
    let mut filters = HashMap::from([
        ("type".to_owned(), vec!["container".to_owned()]),
        (
            "event".to_owned(),
            ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
        ),
    ]);
    if let Selector::Compose { project, service } = selector {
        filters.insert(
            "label".to_owned(),
            vec![
                format!("{}={project}", labels::COMPOSE_PROJECT),
                format!("{}={service}", labels::COMPOSE_SERVICE),
            ],
        );
    }
    filters
}

fn relevant(target: &DockerTarget, event: &EventMessage, settled: bool) -> bool {
    let action = event.action.as_deref().unwrap_or_default();
    if action.starts_with("exec_") && (settled || action != "exec_die") {
        return false;
    }
    let attributes = event
        .actor
        .as_ref()
        .and_then(|a| a.attributes.clone())
        .unwrap_or_default();
    let name = attributes
        .get("name")
        .map(String::as_str)
        .unwrap_or_default();
    let base = name
        .strip_suffix(find::PREVIOUS_SUFFIX)
        .or_else(|| name.strip_suffix(find::FAILED_SUFFIX))
        .unwrap_or(name);
    find::is_member(&target.selector, name, &attributes)
        || find::is_member(&target.selector, base, &attributes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::docker::Selector;

    fn target() -> DockerTarget {
        DockerTarget {
            name: "web".into(),
            environment: "production".into(),
            selector: Selector::Container("web".into()),
            image: None,
            host: Some("unix:///nonexistent/docker.sock".into()),
            deadline: DockerTarget::DEFAULT_DEADLINE,
        }
    }

    fn event(action: &str, name: &str) -> EventMessage {
        serde_json::from_value(serde_json::json!({
            "Type": "container", "Action": action,
            "Actor": {"ID": "abc", "Attributes": {"name": name}}
        }))
        .unwrap()
    }

    #[test]
    fn only_its_own_containers_events_count_and_healthcheck_execs_only_while_unsettled() {
        let t = target();
        assert!(relevant(&t, &event("start", "web"), true));
        assert!(relevant(&t, &event("rename", "web-previous"), true));
        assert!(!relevant(&t, &event("start", "db"), true));
        assert!(!relevant(&t, &event("exec_die", "web"), true));
        assert!(relevant(&t, &event("exec_die", "web"), false));
        assert!(!relevant(&t, &event("exec_start", "web"), false));
        assert!(relevant(
            &t,
            &event("health_status: unhealthy", "web"),
            true
        ));
    }

    #[tokio::test]
    async fn an_engine_that_is_not_there_is_stale_with_the_host_and_why() {
        let mut updates = Vec::new();
        let watching = watch(target(), |u| {
            updates.push(u);
            false
        });
        tokio::time::timeout(Duration::from_secs(10), watching)
            .await
            .expect("ends when nobody listens");
        let [RolloutUpdate::Stale { target, error }] = updates.as_slice() else {
            panic!("{updates:?}")
        };
        assert_eq!(target, "web");
        assert!(
            error.contains("docker engine at unix:///nonexistent/docker.sock"),
            "{error}"
        );
    }
}
