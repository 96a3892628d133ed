#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real kube client against the sandbox cluster over HTTP.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use release_cockpit::adapters::kubernetes::{self, Deploy, KubeTarget, RolloutUpdate, UndoOutcome};
use release_cockpit::domain::rollout::{RolloutPhase, Unit};
use release_cockpit::sandbox::{ImagePolicy, Sandbox, World, WorldDeployment, write_kubeconfig};
use tokio::sync::mpsc;

const IMAGE: &str = "registry.test/shop/checkout";

fn world() -> World {
    World {
        deployments: vec![
            WorldDeployment::new(
                "production",
                "checkout",
                &[&format!("{IMAGE}:1.0.0"), &format!("{IMAGE}:1.1.0")],
            )
            .replicas(4)
            .progress_deadline(2),
            WorldDeployment::new(
                "production",
                "frozen",
                &["registry.test/frozen:1", "registry.test/frozen:2"],
            )
            .paused(),
            WorldDeployment::new("staging", "checkout", &[&format!("{IMAGE}:1.1.0")]).replicas(1),
        ],
        images: ImagePolicy::new(Duration::from_millis(150)),
    }
}

struct Fixture {
    sandbox: Sandbox,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let sandbox = Sandbox::start(world(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, &sandbox.url(), "production", "alice").unwrap();
    Fixture {
        sandbox,
        kubeconfig,
        _dir: dir,
    }
}

impl Fixture {
    fn target(&self, deployment: Option<&str>) -> KubeTarget {
        KubeTarget {
            name: "shop".into(),
            kubeconfig: Some(self.kubeconfig.clone()),
            context: None,
            namespace: None,
            deployment: deployment.map(str::to_owned),
            selector: None,
            container: None,
            image: None,
            environment: None,
            liveness: kubernetes::Liveness::default(),
        }
    }

    async fn client(&self) -> kube::Client {
        kubernetes::connect(&self.target(None)).await.unwrap().0
    }

    fn watch(&self, target: KubeTarget) -> mpsc::UnboundedReceiver<RolloutUpdate> {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(kubernetes::watch_target(target, move |u| {
            tx.send(u).is_ok()
        }));
        rx
    }
}

fn deploy(name: &str, image: &str) -> Deploy {
    Deploy {
        namespace: "production".into(),
        name: name.into(),
        container: None,
        image: image.into(),
        change_cause: format!("release-cockpit: {image} by alice"),
        dry_run: false,
    }
}

/// Waits for a snapshot in which `name` satisfies `check`; fails after 15 s.
async fn until(
    rx: &mut mpsc::UnboundedReceiver<RolloutUpdate>,
    name: &str,
    check: impl Fn(&Unit) -> bool,
) -> Unit {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let update = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no snapshot of {name} matched within 15 s"))
            .expect("the watch ended");
        if let RolloutUpdate::Snapshot {
            units: deployments, ..
        } = update
            && let Some(state) = deployments.into_iter().find(|d| d.name == name)
            && check(&state)
        {
            return state;
        }
    }
}

#[tokio::test]
async fn a_watch_follows_set_image_to_complete_with_a_new_revision() {
    let f = fixture().await;
    let mut rx = f.watch(f.target(None));
    let first = until(&mut rx, "checkout", |_| true).await;
    assert_eq!(first.phase, RolloutPhase::Complete);
    assert_eq!(first.revision, 2);
    assert_eq!(first.namespace, "production", "the kubeconfig's namespace");
    assert_eq!(first.history.len(), 2);

    let image = format!("{IMAGE}:2.0.0");
    kubernetes::set_image(f.client().await, &deploy("checkout", &image))
        .await
        .unwrap();
    let moving = until(&mut rx, "checkout", |d| {
        d.image == image && d.phase == RolloutPhase::Progressing
    })
    .await;
    assert_eq!(
        moving.previous_image.as_deref(),
        Some(&*format!("{IMAGE}:1.1.0"))
    );
    let done = until(&mut rx, "checkout", |d| {
        d.image == image && d.phase == RolloutPhase::Complete
    })
    .await;
    assert_eq!(done.revision, 3);
    assert_eq!((done.updated, done.available, done.total), (4, 4, 4));
    assert_eq!(
        done.history[0].change_cause.as_deref(),
        Some(&*format!("release-cockpit: {image} by alice"))
    );
    assert_eq!(
        done.message,
        "deployment \"checkout\" successfully rolled out"
    );
    assert_eq!(
        f.sandbox.counts().lists(),
        2,
        "one LIST of deployments and one of replicasets, no more"
    );
}

#[tokio::test]
async fn undo_goes_back_to_the_previous_or_a_chosen_revision_and_skips_when_there() {
    let f = fixture().await;
    let client = f.client().await;
    kubernetes::set_image(
        client.clone(),
        &deploy("checkout", &format!("{IMAGE}:2.0.0")),
    )
    .await
    .unwrap();
    assert!(f.sandbox.settle(Duration::from_secs(10)).await);

    let outcome = kubernetes::undo(client.clone(), "production", "checkout", None, false)
        .await
        .unwrap();
    assert_eq!(outcome, UndoOutcome::RolledBack { to: 2 });
    assert!(f.sandbox.settle(Duration::from_secs(10)).await);
    let d = f
        .sandbox
        .cluster()
        .deployment("production", "checkout")
        .unwrap();
    let image = |d: &k8s_openapi::api::apps::v1::Deployment| {
        d.spec
            .as_ref()
            .unwrap()
            .template
            .spec
            .as_ref()
            .unwrap()
            .containers[0]
            .image
            .clone()
            .unwrap()
    };
    assert_eq!(image(&d), format!("{IMAGE}:1.1.0"));
    let revision =
        d.metadata.annotations.as_ref().unwrap()["deployment.kubernetes.io/revision"].clone();
    assert_eq!(
        revision, "4",
        "the old ReplicaSet is taken back with the next revision"
    );

    let outcome = kubernetes::undo(client.clone(), "production", "checkout", Some(1), false)
        .await
        .unwrap();
    assert_eq!(outcome, UndoOutcome::RolledBack { to: 1 });
    assert!(f.sandbox.settle(Duration::from_secs(10)).await);
    let d = f
        .sandbox
        .cluster()
        .deployment("production", "checkout")
        .unwrap();
    assert_eq!(image(&d), format!("{IMAGE}:1.0.0"));

    let outcome = kubernetes::undo(client.clone(), "production", "checkout", Some(5), false)
        .await
        .unwrap();
    assert_eq!(outcome, UndoOutcome::Skipped { revision: 5 });
    let missing = kubernetes::undo(client, "production", "checkout", Some(42), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(missing.contains("unable to find revision 42"), "{missing}");
}

#[tokio::test]
async fn undo_of_a_paused_deployment_is_refused_with_the_reason() {
    let f = fixture().await;
    let error = kubernetes::undo(f.client().await, "production", "frozen", None, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("paused"), "{error}");
    assert!(
        error.contains("rollout resume deployment/frozen"),
        "{error}"
    );
    let d = f
        .sandbox
        .cluster()
        .deployment("production", "frozen")
        .unwrap();
    assert_eq!(d.metadata.generation, Some(3), "nothing was patched");
}

#[tokio::test]
async fn a_bad_image_ends_in_progress_deadline_exceeded_and_reads_as_failed() {
    let f = fixture().await;
    let mut rx = f.watch(f.target(Some("checkout")));
    until(&mut rx, "checkout", |_| true).await;
    let bad = format!("{IMAGE}:2.0.0-bad");
    kubernetes::set_image(f.client().await, &deploy("checkout", &bad))
        .await
        .unwrap();
    let failed = until(&mut rx, "checkout", |d| d.phase == RolloutPhase::Failed).await;
    assert_eq!(
        failed.message,
        "deployment \"checkout\" exceeded its progress deadline"
    );
    assert_eq!(failed.image, bad);
    assert_eq!(
        failed.available, 3,
        "the old pods keep serving within maxUnavailable"
    );
}

#[tokio::test]
async fn a_dry_run_changes_nothing() {
    let f = fixture().await;
    let mut request = deploy("checkout", &format!("{IMAGE}:9.9.9"));
    request.dry_run = true;
    let generation = kubernetes::set_image(f.client().await, &request)
        .await
        .unwrap();
    assert_eq!(generation, 3, "the server answers with what it would store");
    let d = f
        .sandbox
        .cluster()
        .deployment("production", "checkout")
        .unwrap();
    assert_eq!(d.metadata.generation, Some(2));
}

#[tokio::test]
async fn a_server_restart_is_stale_until_listed_again_and_then_shows_the_change_made_meanwhile() {
    let mut f = fixture().await;
    let mut rx = f.watch(f.target(None));
    until(&mut rx, "checkout", |_| true).await;
    f.sandbox.stop();
    // A change lands while the API cannot be reached.
    let patch = format!(
        r#"{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"checkout","image":"{IMAGE}:3.0.0"}}]}}}}}}}}"#
    );
    f.sandbox
        .cluster()
        .patch_deployment(
            "production",
            "checkout",
            release_cockpit::sandbox::PatchType::Strategic,
            patch.as_bytes(),
            false,
        )
        .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            RolloutUpdate::Stale { error, .. } => {
                assert!(
                    error.contains("unreachable") || error.contains("watch"),
                    "{error}"
                );
                break;
            }
            RolloutUpdate::Snapshot {
                units: deployments, ..
            } => {
                let d = deployments.iter().find(|d| d.name == "checkout").unwrap();
                assert!(
                    !d.image.ends_with("3.0.0"),
                    "nothing fresh can be known while the server is down"
                );
            }
        }
    }
    f.sandbox.resume().await.unwrap();
    let fresh = tokio::time::timeout(Duration::from_secs(15), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let mut update = fresh;
    loop {
        match update {
            RolloutUpdate::Snapshot {
                units: deployments, ..
            } => {
                let d = deployments.iter().find(|d| d.name == "checkout").unwrap();
                assert_eq!(
                    d.image,
                    format!("{IMAGE}:3.0.0"),
                    "the first fresh snapshot has the change made during the outage"
                );
                break;
            }
            RolloutUpdate::Stale { .. } => {
                update = tokio::time::timeout(Duration::from_secs(15), rx.recv())
                    .await
                    .unwrap()
                    .unwrap();
            }
        }
    }
    // The server that came back could have been another one: only a LIST
    // can show what it holds now, so an outage costs one LIST of each kind.
    assert_eq!(
        f.sandbox.counts().lists(),
        4,
        "listed again once after the outage, not on every retry"
    );
    let image = format!("{IMAGE}:3.0.0");
    until(&mut rx, "checkout", |d| {
        d.image == image && d.phase == RolloutPhase::Complete
    })
    .await;
}

#[tokio::test]
async fn a_too_old_version_lists_again() {
    let f = fixture().await;
    let mut rx = f.watch(f.target(None));
    until(&mut rx, "checkout", |_| true).await;
    f.sandbox.cluster().compact();
    f.sandbox.faults().drop_watches();
    kubernetes::set_image(
        f.client().await,
        &deploy("checkout", &format!("{IMAGE}:4.0.0")),
    )
    .await
    .unwrap();
    until(&mut rx, "checkout", |d| d.image.ends_with("4.0.0")).await;
    assert!(
        f.sandbox.counts().lists() >= 3,
        "410 Gone made it list again"
    );
}

#[tokio::test]
async fn forbidden_names_the_verb_the_namespace_and_the_user() {
    let f = fixture().await;
    f.sandbox.faults().forbid("production", Some("patch"));
    let error = kubernetes::set_image(
        f.client().await,
        &deploy("checkout", &format!("{IMAGE}:2.0.0")),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("patch deployment production/checkout:"),
        "{error}"
    );
    assert!(
        error.contains("forbidden: User \"alice\" cannot patch resource \"deployments\""),
        "{error}"
    );
    assert!(error.contains("in the namespace \"production\""), "{error}");
}

#[tokio::test]
async fn a_conflict_and_a_missing_container_are_told_plainly() {
    let f = fixture().await;
    f.sandbox.faults().conflict_next_patches(1);
    let error = kubernetes::set_image(
        f.client().await,
        &deploy("checkout", &format!("{IMAGE}:2.0.0")),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(error.contains("the object has been modified"), "{error}");
    let mut wrong = deploy("checkout", &format!("{IMAGE}:2.0.0"));
    wrong.container = Some("sidecar".into());
    let error = kubernetes::set_image(f.client().await, &wrong)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "deployment production/checkout has no container `sidecar`; it has: checkout"
    );
}

#[tokio::test]
async fn slow_and_dropped_watches_still_deliver_every_change() {
    let f = fixture().await;
    let mut rx = f.watch(f.target(Some("checkout")));
    until(&mut rx, "checkout", |_| true).await;
    f.sandbox.faults().slow_watches(Duration::from_millis(300));
    let image = format!("{IMAGE}:5.0.0");
    kubernetes::set_image(f.client().await, &deploy("checkout", &image))
        .await
        .unwrap();
    f.sandbox.faults().drop_watches();
    let done = until(&mut rx, "checkout", |d| {
        d.image == image && d.phase == RolloutPhase::Complete
    })
    .await;
    assert_eq!(done.updated, 4);
    assert!(
        f.sandbox.counts().watches() >= 4,
        "the dropped watches were opened again"
    );
    assert_eq!(
        f.sandbox.counts().lists(),
        2,
        "and resumed, not listed again"
    );
}

/// A `release-cockpit sandbox` child process, as an operator runs it: stopped
/// and continued by signal, as a hung API server would be; killed on drop.
struct SandboxProcess {
    child: std::process::Child,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

impl SandboxProcess {
    fn start() -> Self {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_release-cockpit"))
            .args(["sandbox", "--port", "0", "--kubeconfig"])
            .arg(&kubeconfig)
            .env("XDG_STATE_HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the release-cockpit binary runs `sandbox`");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .expect("the sandbox says where it serves");
        assert!(
            first.starts_with("sandbox cluster serving http://127.0.0.1:"),
            "unexpected first line from `release-cockpit sandbox`: {first:?}"
        );
        assert!(kubeconfig.exists(), "the sandbox wrote its kubeconfig");
        Self {
            child,
            kubeconfig,
            _dir: dir,
        }
    }

    /// `STOP` freezes the whole server: it accepts no request and its open
    /// watches say nothing, as a hung API server does. `CONT` lets it go on.
    fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "kill -{name} {} failed", self.child.id());
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg("-CONT")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_hung_api_server_turns_stale_within_silence_and_probe_and_fresh_when_it_goes_on() {
    let server = SandboxProcess::start();
    let liveness = kubernetes::Liveness {
        silence: Duration::from_millis(400),
        answer_within: Duration::from_millis(600),
    };
    let target = KubeTarget {
        name: "shop".into(),
        kubeconfig: Some(server.kubeconfig.clone()),
        context: None,
        namespace: None,
        deployment: None,
        selector: None,
        container: None,
        image: None,
        environment: None,
        liveness,
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(kubernetes::watch_target(target, move |u| {
        tx.send(u).is_ok()
    }));
    until(&mut rx, "checkout", |d| d.phase == RolloutPhase::Complete).await;

    server.signal("STOP");
    let stopped = tokio::time::Instant::now();
    // Silence, then a probe that gets no answer; the rest is a loaded machine's slack.
    let budget = liveness.silence + liveness.answer_within + Duration::from_secs(2);
    let error = loop {
        let update = tokio::time::timeout_at(stopped + budget, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("not stale within {budget:?} of SIGSTOP"))
            .expect("the watch ended");
        if let RolloutUpdate::Stale { error, .. } = update {
            break error;
        }
    };
    assert!(
        error.contains("API server did not answer in 600ms"),
        "the reason says what happened: {error}"
    );
    // While the server is stopped nothing may claim to be fresh.
    let quiet = tokio::time::Instant::now() + Duration::from_secs(1);
    while let Ok(update) = tokio::time::timeout_at(quiet, rx.recv()).await {
        assert!(
            matches!(update, Some(RolloutUpdate::Stale { .. })),
            "a snapshot while the server is stopped: {update:?}"
        );
    }

    server.signal("CONT");
    until(&mut rx, "checkout", |_| true).await;
}

/// Starts a sandbox on `addr`, waiting for the old one's port to be free.
async fn start_on(world: World, addr: SocketAddr) -> Sandbox {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match Sandbox::start(world.clone(), addr).await {
            Ok(sandbox) => return sandbox,
            Err(error) if tokio::time::Instant::now() < deadline => {
                let _ = error;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(error) => panic!("cannot serve again on {addr}: {error}"),
        }
    }
}

#[tokio::test]
async fn a_replaced_server_whose_versions_restarted_lower_is_shown_only_once_listed() {
    let f = fixture().await;
    let mut rx = f.watch(f.target(None));
    until(&mut rx, "checkout", |_| true).await;
    // Some history, so that the old server's versions are well ahead.
    let client = f.client().await;
    for tag in ["1.2.0", "1.3.0"] {
        kubernetes::set_image(
            client.clone(),
            &deploy("checkout", &format!("{IMAGE}:{tag}")),
        )
        .await
        .unwrap();
        assert!(f.sandbox.settle(Duration::from_secs(10)).await);
    }
    let old = format!("{IMAGE}:1.3.0");
    until(&mut rx, "checkout", |d| {
        d.image == old && d.phase == RolloutPhase::Complete
    })
    .await;
    let seen = f.sandbox.cluster().resource_version();

    let Fixture {
        sandbox,
        kubeconfig: _kubeconfig,
        _dir,
    } = f;
    let addr = sandbox.addr();
    drop(sandbox);
    // What the old server said before it went is true of its time: let the
    // adapter hand over what it had read, and set it aside, so that only
    // what comes after the replacement is judged.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while rx.try_recv().is_ok() {}
    // A new server on the same address, its store started afresh: only
    // checkout, and an image set on it before the cockpit got back.
    let new_world = World {
        deployments: vec![
            WorldDeployment::new("production", "checkout", &[&format!("{IMAGE}:1.1.0")])
                .replicas(4),
        ],
        images: ImagePolicy::new(Duration::from_millis(150)),
    };
    let replaced = start_on(new_world, addr).await;
    let new = format!("{IMAGE}:3.0.0");
    let patch = format!(
        r#"{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"checkout","image":"{new}"}}]}}}}}}}}"#
    );
    replaced
        .cluster()
        .patch_deployment(
            "production",
            "checkout",
            release_cockpit::sandbox::PatchType::Strategic,
            patch.as_bytes(),
            false,
        )
        .unwrap();
    assert!(
        replaced.cluster().resource_version() < seen,
        "the new server's versions ({}) start below the old one's ({seen})",
        replaced.cluster().resource_version()
    );

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let update = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("no fresh snapshot of the new server within 15 s")
            .expect("the watch ended");
        let RolloutUpdate::Snapshot {
            units: deployments, ..
        } = update
        else {
            continue;
        };
        let names: Vec<&str> = deployments.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["checkout"],
            "a fresh snapshot is the new server's world, not the old one's"
        );
        assert_eq!(
            deployments[0].image, new,
            "a fresh snapshot has the image set while the cockpit was away"
        );
        break;
    }
}

#[tokio::test]
async fn an_idle_watch_costs_one_probe_per_silent_interval_and_no_listing() {
    let f = fixture().await;
    let mut target = f.target(None);
    target.liveness.silence = Duration::from_millis(200);
    let mut rx = f.watch(target);
    until(&mut rx, "checkout", |d| d.phase == RolloutPhase::Complete).await;
    assert!(f.sandbox.settle(Duration::from_secs(10)).await);
    let probes = f.sandbox.counts().probes();
    let idle = Duration::from_secs(2);
    let quiet = tokio::time::Instant::now() + idle;
    while let Ok(update) = tokio::time::timeout_at(quiet, rx.recv()).await {
        assert!(
            matches!(update, Some(RolloutUpdate::Snapshot { .. })),
            "a server that answers is never stale: {update:?}"
        );
    }
    let probed = f.sandbox.counts().probes() - probes;
    // 2 s of silence at 200 ms each, at most; a loaded machine probes less.
    assert!((1..=10).contains(&probed), "{probed} probes in {idle:?}");
    assert_eq!(f.sandbox.counts().lists(), 2, "the probes list nothing");
    assert_eq!(f.sandbox.counts().watches(), 2, "nor reopen the watches");
}

/// A TCP front for API servers, as a load balancer or a DNS name is: the
/// backend can be switched, cutting the connections open to the old one.
struct Front {
    addr: SocketAddr,
    backend: std::sync::Arc<std::sync::Mutex<SocketAddr>>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Front {
    async fn start(backend: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let backend = std::sync::Arc::new(std::sync::Mutex::new(backend));
        let cut = tokio::sync::watch::channel(0).0;
        let (to, cuts) = (backend.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let to = *to.lock().unwrap();
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(to).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self { addr, backend, cut }
    }

    fn switch_to(&self, backend: SocketAddr) {
        *self.backend.lock().unwrap() = backend;
        self.cut.send_modify(|n| *n += 1);
    }
}

#[tokio::test]
async fn a_backend_switched_to_a_store_with_lower_versions_is_listed_again_not_resumed() {
    let old = Sandbox::start(world(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let front = Front::start(old.addr()).await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(
        &kubeconfig,
        &format!("http://{}", front.addr),
        "production",
        "alice",
    )
    .unwrap();
    let f = Fixture {
        sandbox: old,
        kubeconfig,
        _dir: dir,
    };
    let mut rx = f.watch(f.target(None));
    until(&mut rx, "checkout", |d| d.phase == RolloutPhase::Complete).await;

    let new = Sandbox::start(
        World {
            deployments: vec![
                WorldDeployment::new("production", "checkout", &[&format!("{IMAGE}:3.0.0")])
                    .replicas(1),
            ],
            images: ImagePolicy::new(Duration::from_millis(150)),
        },
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .unwrap();
    assert!(
        new.cluster().resource_version() < f.sandbox.cluster().resource_version(),
        "the new store's versions start below the old one's"
    );
    // The front answers all along: the cockpit sees its watches end, not fail.
    front.switch_to(new.addr());

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut told = None;
    loop {
        let update = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("no fresh snapshot of the new store within 15 s")
            .expect("the watch ended");
        match update {
            RolloutUpdate::Stale { error, .. } => told = Some(error),
            RolloutUpdate::Snapshot {
                units: deployments, ..
            } => {
                let shown: Vec<(&str, &str)> = deployments
                    .iter()
                    .map(|d| (d.name.as_str(), d.image.as_str()))
                    .collect();
                assert_eq!(
                    shown,
                    [("checkout", &*format!("{IMAGE}:3.0.0"))],
                    "a fresh snapshot after the switch is the new store's"
                );
                break;
            }
        }
    }
    // Whether the first probe after the cut reached the new store (its
    // versions are below ours) or a connection the cut had reset, the target
    // is stale until the new store has been listed.
    let told = told.expect("the target was stale between the two stores");
    assert!(
        told.contains("resourceVersion went back from") || told.contains("unreachable"),
        "the reason says what happened: {told}"
    );
    assert_eq!(new.counts().lists(), 2, "the new store was listed");
}
