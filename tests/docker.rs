#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Docker targets against the real engine: containers of images built here
//! (see `support/docker.rs`), deployed, put back and rolled back through the
//! `TargetSet` as the cockpit does it, and watched from the event stream, the
//! engine cut and hung through a proxy socket. Without an engine these tests
//! fail, saying so.

mod support;

use std::path::Path;
use std::time::Duration;

use release_cockpit::adapters::command::ledger::{self, Action};
use release_cockpit::adapters::docker::{DockerTarget, Selector, watch};
use release_cockpit::adapters::kubernetes::Clients;
use release_cockpit::app::Msg;
use release_cockpit::config::Targets;
use release_cockpit::domain::rollback::{RollbackItem, UndoOutcome};
use release_cockpit::domain::rollout::{
    ActionError, DeployItem, RolloutPhase, RolloutUpdate, RunOutput, Unit, UnitKind,
};
use release_cockpit::runtime::targets::{Acting, TargetSet};
use support::docker::{
    Kit, Run, docker, engine_socket, exists, free_port, http_get, inspect, wait_healthy,
};
use support::engine_proxy::EngineProxy;
use tokio::sync::mpsc::{self, UnboundedReceiver};

const RELEASE: &str = "2026-12-03-minor-3.0.0";

fn target(name: &str, selector: Selector, host: Option<String>, deadline: u64) -> DockerTarget {
    DockerTarget {
        name: name.to_owned(),
        environment: "production".to_owned(),
        selector,
        image: None,
        host,
        deadline: Duration::from_secs(deadline),
    }
}

struct Cockpit {
    targets: TargetSet,
    acting: Acting,
    mailbox: UnboundedReceiver<Msg>,
    state: tempfile::TempDir,
}

impl Cockpit {
    fn new(docker: Vec<DockerTarget>) -> Self {
        let state = tempfile::tempdir().unwrap();
        let targets = TargetSet::new(
            Targets {
                docker,
                ..Targets::default()
            },
            Clients::default(),
            state.path().to_path_buf(),
        );
        let (sender, mailbox) = mpsc::unbounded_channel();
        Self {
            targets,
            acting: Acting {
                release: RELEASE.to_owned(),
                operator: "ana".to_owned(),
                mailbox: sender,
            },
            mailbox,
            state,
        }
    }

    async fn deploy(
        &self,
        target: &str,
        container: &str,
        image: &str,
    ) -> Result<String, ActionError> {
        let item = DeployItem {
            target: target.to_owned(),
            kind: UnitKind::Container,
            environment: "production".to_owned(),
            namespace: "production".to_owned(),
            name: container.to_owned(),
            container: container.to_owned(),
            from: String::new(),
            to: image.to_owned(),
            commands: Vec::new(),
        };
        self.targets
            .deploy(&item, false, "test", &self.acting)
            .await
    }

    fn ledger(&self, target: &str) -> Vec<ledger::Entry> {
        ledger::read(&ledger::path(self.state.path(), target)).unwrap()
    }

    /// Every line the runs sent to the screen so far.
    fn lines(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(msg) = self.mailbox.try_recv() {
            if let Msg::RunOutput(RunOutput::Line { line, .. }) = msg {
                lines.push(line);
            }
        }
        lines
    }
}

fn watch_target(target: DockerTarget) -> UnboundedReceiver<RolloutUpdate> {
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(watch::watch(target, move |update| {
        sender.send(update).is_ok()
    }));
    receiver
}

/// The first update within `within` that `wanted` accepts.
async fn until(
    updates: &mut UnboundedReceiver<RolloutUpdate>,
    within: Duration,
    what: &str,
    mut wanted: impl FnMut(&RolloutUpdate) -> bool,
) -> RolloutUpdate {
    let deadline = tokio::time::Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, updates.recv()).await {
            Ok(Some(update)) if wanted(&update) => return update,
            Ok(Some(update)) => seen.push(format!("{update:?}")),
            Ok(None) => panic!("the watch ended before {what}"),
            Err(_) => panic!("no {what} within {within:?}; saw: {seen:#?}"),
        }
    }
}

fn units(update: &RolloutUpdate) -> &[Unit] {
    match update {
        RolloutUpdate::Snapshot { units, .. } => units,
        RolloutUpdate::Stale { .. } => &[],
    }
}

fn env_of(name: &str) -> Vec<String> {
    serde_json::from_value(inspect(name)["Config"]["Env"].clone()).unwrap()
}

fn image_of(name: &str) -> String {
    inspect(name)["Config"]["Image"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn running(name: &str) -> bool {
    inspect(name)["State"]["Running"].as_bool().unwrap()
}

fn label(name: &str, key: &str) -> Option<String> {
    inspect(name)["Config"]["Labels"][key]
        .as_str()
        .map(str::to_owned)
}

fn private(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o077 == 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_that_never_turns_healthy_puts_the_previous_container_back() {
    let kit = Kit::new();
    let web = kit.name("web");
    let port = kit
        .run(&Run {
            name: &web,
            version: "1.0.0",
            env: &[("GREETING", "hello")],
            publish: Some(free_port()),
            ..Run::default()
        })
        .unwrap();
    wait_healthy(&web, Duration::from_secs(20));
    let mut cockpit = Cockpit::new(vec![target(
        "web",
        Selector::Container(web.clone()),
        None,
        8,
    )]);

    let error = cockpit
        .deploy("web", &web, &kit.image("2.0.0"))
        .await
        .unwrap_err();

    let text = error.to_string();
    assert!(text.contains("put back"), "{text}");
    assert!(
        text.contains("unhealthy") || text.contains("not healthy"),
        "{text}"
    );
    // The old container runs again under its name, healthy, on its port,
    // with its environment; the failed one is kept, stopped, to look at.
    assert_eq!(image_of(&web), kit.image("1.0.0"));
    wait_healthy(&web, Duration::from_secs(20));
    assert_eq!(kit.port(&web), port);
    assert_eq!(http_get(port, "/health").as_deref(), Some("ok v1\n"));
    assert!(env_of(&web).contains(&"GREETING=hello".to_owned()));
    let failed = format!("{web}-failed");
    assert_eq!(image_of(&failed), kit.image("2.0.0"));
    assert!(!running(&failed));
    assert!(!exists(&format!("{web}-previous")));
    // The restore is on record before the deploy's outcome, both failed.
    let entries = cockpit.ledger("web");
    let actions: Vec<_> = entries.iter().map(|e| (e.action, e.ok)).collect();
    assert_eq!(actions, [(Action::Restore, false), (Action::Deploy, false)]);
    assert_eq!(
        entries[0].version, "1.0.0",
        "the restore records what it puts back"
    );
    assert_eq!(entries[1].release, RELEASE);
    assert_eq!(entries[1].by, "ana");
    let log = entries[1].log.clone().unwrap();
    assert!(private(&log), "{} is readable by others", log.display());
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("put back"), "{written}");
    assert!(!written.contains("ports changed"), "{written}");
    let lines = cockpit.lines();
    assert!(lines.iter().any(|l| l.contains("stopping")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("put back")), "{lines:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_deploy_keeps_the_configuration_a_rollback_goes_back_and_history_survives() {
    let kit = Kit::new();
    let web = kit.name("web");
    let network = kit.network("net");
    let port = kit
        .run(&Run {
            name: &web,
            version: "1.0.0",
            env: &[("GREETING", "hello")],
            labels: &[("team", "shop")],
            // The engine chooses the host port; the new container asks
            // for the same one.
            publish: Some(0),
            network: Some((&network, "shop-web")),
            options: &[],
        })
        .unwrap();
    wait_healthy(&web, Duration::from_secs(20));
    let spec = target("web", Selector::Container(web.clone()), None, 30);
    let cockpit = Cockpit::new(vec![spec.clone()]);

    let done = cockpit
        .deploy("web", &web, &kit.image("3.0.0"))
        .await
        .unwrap();

    assert!(done.contains("healthy"), "{done}");
    assert_eq!(kit.port(&web), port);
    assert_eq!(http_get(port, "/health").as_deref(), Some("ok v3\n"));
    assert!(env_of(&web).contains(&"GREETING=hello".to_owned()));
    assert_eq!(label(&web, "team").as_deref(), Some("shop"));
    assert_eq!(
        label(&web, "io.release-cockpit.release").as_deref(),
        Some(RELEASE)
    );
    assert_eq!(
        label(&web, "io.release-cockpit.version").as_deref(),
        Some("3.0.0")
    );
    let previous_image = kit.image("1.0.0");
    assert_eq!(
        label(&web, "io.release-cockpit.previous-image").as_deref(),
        Some(previous_image.as_str())
    );
    let aliases = inspect(&web)["NetworkSettings"]["Networks"][&network]["Aliases"].clone();
    assert!(aliases.to_string().contains("shop-web"), "{aliases}");
    let previous = format!("{web}-previous");
    assert_eq!(image_of(&previous), previous_image);
    assert!(!running(&previous));

    // A new watch (as after a restart) reads the history from the labels,
    // and does not count the kept previous container as the target's.
    let mut updates = watch_target(spec);
    let update = until(&mut updates, Duration::from_secs(10), "a snapshot", |u| {
        !units(u).is_empty()
    })
    .await;
    let [unit] = units(&update) else {
        panic!("one container: {update:?}")
    };
    assert_eq!(unit.version, "3.0.0");
    assert_eq!(unit.phase, RolloutPhase::Complete);
    assert!(unit.message.starts_with("healthy"), "{}", unit.message);
    assert!(
        unit.history.iter().any(|r| r.version == "1.0.0"),
        "{:#?}",
        unit.history
    );

    let item = RollbackItem {
        target: "web".to_owned(),
        kind: UnitKind::Container,
        namespace: "production".to_owned(),
        name: web.clone(),
        from_image: kit.image("3.0.0"),
        to_image: previous_image.clone(),
        from_version: "3.0.0".to_owned(),
        to_version: "1.0.0".to_owned(),
        ..RollbackItem::default()
    };
    let outcome = cockpit
        .targets
        .rollback(&item, &cockpit.acting)
        .await
        .unwrap();

    assert!(
        matches!(outcome, UndoOutcome::Ran { ref version, .. } if version == "1.0.0"),
        "{outcome:?}"
    );
    assert_eq!(http_get(port, "/health").as_deref(), Some("ok v1\n"));
    assert_eq!(kit.port(&web), port);
    assert!(env_of(&web).contains(&"GREETING=hello".to_owned()));
    let actions: Vec<_> = cockpit
        .ledger("web")
        .iter()
        .map(|e| (e.action, e.ok))
        .collect();
    assert_eq!(actions, [(Action::Deploy, true), (Action::Rollback, true)]);
    let update = until(&mut updates, Duration::from_secs(10), "the rollback", |u| {
        units(u).first().is_some_and(|u| u.version == "1.0.0")
    })
    .await;
    assert_eq!(units(&update).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compose_service_is_its_replicas_and_each_is_deployed() {
    let kit = Kit::new();
    let project = kit.name("shop");
    let (one, two, db) = (kit.name("web-1"), kit.name("web-2"), kit.name("db-1"));
    let service = |name: &'static str| {
        [
            ("com.docker.compose.project", project.clone()),
            ("com.docker.compose.service", name.to_owned()),
        ]
    };
    let (web_labels, db_labels) = (service("web"), service("db"));
    let as_pairs =
        |labels: &[(&'static str, String); 2]| -> Vec<(&'static str, String)> { labels.to_vec() };
    let web_pairs = as_pairs(&web_labels);
    let db_pairs = as_pairs(&db_labels);
    let web_refs: Vec<(&str, &str)> = web_pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let db_refs: Vec<(&str, &str)> = db_pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for name in [&one, &two] {
        kit.run(&Run {
            name,
            version: "1.0.0",
            labels: &web_refs,
            ..Run::default()
        });
    }
    kit.run(&Run {
        name: &db,
        version: "1.0.0",
        labels: &db_refs,
        ..Run::default()
    });
    for name in [&one, &two] {
        wait_healthy(name, Duration::from_secs(20));
    }
    let spec = target(
        "shop-web",
        Selector::Compose {
            project: project.clone(),
            service: "web".to_owned(),
        },
        None,
        30,
    );
    let mut updates = watch_target(spec.clone());
    let first = until(
        &mut updates,
        Duration::from_secs(10),
        "both replicas",
        |u| units(u).len() == 2,
    )
    .await;
    let mut names: Vec<&str> = units(&first).iter().map(|u| u.name.as_str()).collect();
    names.sort();
    assert_eq!(names, [one.as_str(), two.as_str()]);

    let cockpit = Cockpit::new(vec![spec]);
    for name in [&one, &two] {
        cockpit
            .deploy("shop-web", name, &kit.image("3.0.0"))
            .await
            .unwrap();
    }

    until(
        &mut updates,
        Duration::from_secs(10),
        "both on 3.0.0",
        |u| {
            let units = units(u);
            units.len() == 2 && units.iter().all(|u| u.version == "3.0.0")
        },
    )
    .await;
    assert_eq!(image_of(&db), kit.image("1.0.0"));
    // The kept previous containers still carry compose's labels; they are
    // not replicas.
    assert_eq!(
        label(&format!("{one}-previous"), "com.docker.compose.service").as_deref(),
        Some("web")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_cut_or_hung_is_stale_with_the_reason_and_fresh_only_after_a_full_read() {
    let kit = Kit::new();
    let web = kit.name("web");
    kit.run(&Run {
        name: &web,
        version: "1.0.0",
        ..Run::default()
    });
    let proxy = EngineProxy::start(Path::new(&engine_socket()));
    let host = proxy.host();
    let spec = target(
        "web",
        Selector::Container(web.clone()),
        Some(host.clone()),
        30,
    );
    let mut updates = watch_target(spec);
    until(
        &mut updates,
        Duration::from_secs(10),
        "a first snapshot",
        |u| units(u).len() == 1,
    )
    .await;

    proxy.cut();
    let stale = until(
        &mut updates,
        Duration::from_secs(10),
        "stale after a cut",
        |u| matches!(u, RolloutUpdate::Stale { .. }),
    )
    .await;
    let RolloutUpdate::Stale { error, .. } = &stale else {
        unreachable!()
    };
    assert!(
        error.contains(&format!("docker engine at {host}")),
        "{error}"
    );
    // What changes while the engine cannot be read is shown once it can.
    docker(&["stop", "-t", "1", &web]);
    proxy.pass();
    let back = until(
        &mut updates,
        Duration::from_secs(40),
        "a snapshot after the cut",
        |u| matches!(u, RolloutUpdate::Snapshot { .. }),
    )
    .await;
    let [unit] = units(&back) else {
        panic!("{back:?}")
    };
    assert_eq!(unit.ready, 0, "{unit:?}");

    // A hung engine (connections open, nothing answered) is silence: the
    // probe after SILENCE finds it out within ANSWER_WITHIN.
    proxy.hang();
    let within = watch::SILENCE + watch::ANSWER_WITHIN * 2 + Duration::from_secs(3);
    let hung = until(&mut updates, within, "stale while hung", |u| {
        matches!(u, RolloutUpdate::Stale { .. })
    })
    .await;
    let RolloutUpdate::Stale { error, .. } = &hung else {
        unreachable!()
    };
    assert!(error.contains("no answer"), "{error}");
    docker(&["start", &web]);
    proxy.pass();
    let back = until(
        &mut updates,
        Duration::from_secs(40),
        "a snapshot after the hang",
        |u| matches!(u, RolloutUpdate::Snapshot { .. }),
    )
    .await;
    let [unit] = units(&back) else {
        panic!("{back:?}")
    };
    assert_ne!(unit.phase, RolloutPhase::Failed, "{unit:?}");
    // And the watch goes on from the event stream: healthy shortly after.
    until(
        &mut updates,
        Duration::from_secs(20),
        "healthy again",
        |u| units(u).first().is_some_and(|u| u.ready == 1),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_through_a_cut_engine_changes_nothing_and_says_so() {
    let kit = Kit::new();
    let web = kit.name("web");
    kit.run(&Run {
        name: &web,
        version: "1.0.0",
        ..Run::default()
    });
    let proxy = EngineProxy::start(Path::new(&engine_socket()));
    proxy.cut();
    let cockpit = Cockpit::new(vec![target(
        "web",
        Selector::Container(web.clone()),
        Some(proxy.host()),
        30,
    )]);

    let error = cockpit
        .deploy("web", &web, &kit.image("3.0.0"))
        .await
        .unwrap_err();

    let text = error.to_string();
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(text.contains("docker engine at unix://"), "{text}");
    assert_eq!(image_of(&web), kit.image("1.0.0"));
    assert!(running(&web));
    let actions: Vec<_> = cockpit
        .ledger("web")
        .iter()
        .map(|e| (e.action, e.ok))
        .collect();
    assert_eq!(actions, [(Action::Deploy, false)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_image_is_refused_before_the_container_is_touched() {
    let kit = Kit::new();
    let web = kit.name("web");
    kit.run(&Run {
        name: &web,
        version: "1.0.0",
        ..Run::default()
    });
    let cockpit = Cockpit::new(vec![target(
        "web",
        Selector::Container(web.clone()),
        None,
        30,
    )]);

    // No registry here: the pull fails, and nothing was stopped.
    let error = cockpit
        .deploy("web", &web, &format!("{}/absent:9.9.9", kit.prefix))
        .await
        .unwrap_err();

    let text = error.to_string();
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(running(&web));
    assert_eq!(image_of(&web), kit.image("1.0.0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unnamed_volume_goes_with_the_container_and_kept_ones_do_not_restart_by_themselves() {
    let kit = Kit::new();
    let web = kit.name("web");
    kit.run(&Run {
        name: &web,
        version: "1.0.0",
        options: &["-v", "/data", "--restart", "always"],
        ..Run::default()
    });
    wait_healthy(&web, Duration::from_secs(20));
    docker(&["exec", &web, "sh", "-c", "echo orders > /data/kept"]);
    let cockpit = Cockpit::new(vec![target(
        "web",
        Selector::Container(web.clone()),
        None,
        8,
    )]);

    cockpit
        .deploy("web", &web, &kit.image("3.0.0"))
        .await
        .unwrap();

    assert_eq!(docker(&["exec", &web, "cat", "/data/kept"]), "orders");
    let previous = format!("{web}-previous");
    let policy = |name: &str| inspect(name)["HostConfig"]["RestartPolicy"]["Name"].clone();
    assert_eq!(policy(&previous), "no", "a kept container stays down");
    assert_eq!(policy(&web), "always");

    // Put back after a failed deploy, the old one has its policy again.
    cockpit
        .deploy("web", &web, &kit.image("2.0.0"))
        .await
        .unwrap_err();
    assert_eq!(image_of(&web), kit.image("3.0.0"));
    assert_eq!(policy(&web), "always");
    assert_eq!(policy(&format!("{web}-failed")), "no");
    assert_eq!(docker(&["exec", &web, "cat", "/data/kept"]), "orders");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_started_with_rm_is_refused_untouched() {
    let kit = Kit::new();
    let web = kit.name("web");
    kit.run(&Run {
        name: &web,
        version: "1.0.0",
        options: &["--rm"],
        ..Run::default()
    });
    let cockpit = Cockpit::new(vec![target(
        "web",
        Selector::Container(web.clone()),
        None,
        8,
    )]);

    let error = cockpit
        .deploy("web", &web, &kit.image("3.0.0"))
        .await
        .unwrap_err();

    let text = error.to_string();
    assert!(
        text.contains("--rm") && text.contains("nothing was changed"),
        "{text}"
    );
    assert!(running(&web));
}
