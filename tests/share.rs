#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.
//! One writer per release across machines, through the cluster: the
//! sandbox serves Leases and ConfigMaps as the API server does (create,
//! replace with `resourceVersion` conflicts, watch), the real kube client
//! claims the release's Lease from two "machines", and the real `kubectl`
//! sees the objects.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams, WatchEvent, WatchParams};
use release_cockpit::adapters::kubernetes::lease::{Claimed, ReleaseLease};
use release_cockpit::sandbox::{ImagePolicy, Sandbox, World, write_kubeconfig};

struct Fixture {
    sandbox: Sandbox,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let world = World {
        deployments: Vec::new(),
        images: ImagePolicy::new(Duration::from_millis(10)),
    };
    let sandbox = Sandbox::start(world, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, &sandbox.url(), "release", "alice").unwrap();
    Fixture {
        sandbox,
        kubeconfig,
        _dir: dir,
    }
}

async fn client(kubeconfig: &Path) -> kube::Client {
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(kubeconfig).unwrap(),
        &kube::config::KubeConfigOptions::default(),
    )
    .await
    .unwrap();
    kube::Client::try_from(config).unwrap()
}

fn kubectl(kubeconfig: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("kubectl is required (apt-get install kubernetes-client): {e}"));
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_machine_holds_the_release_and_the_other_takes_over_once_it_lapses() {
    let f = fixture().await;
    let two_seconds = chrono::Duration::seconds(2);
    let release = "minor-2.4.0-20261208";
    let mut alice = ReleaseLease::new(
        client(&f.kubeconfig).await,
        "release",
        release,
        "alice@laptop/42".to_owned(),
        two_seconds,
    );
    let mut bob = ReleaseLease::new(
        client(&f.kubeconfig).await,
        "release",
        release,
        "bob@desk/7".to_owned(),
        two_seconds,
    );

    let Claimed::Holding { holding, took_over } = alice.claim().await.unwrap() else {
        panic!("the first claim holds it");
    };
    assert_eq!((holding.fence, took_over), (0, None));
    match bob.claim().await.unwrap() {
        Claimed::HeldBy { holder, .. } => assert_eq!(holder, "alice@laptop/42"),
        other => panic!("{other:?}"),
    }
    let listed = kubectl(&f.kubeconfig, &["get", "lease", "-n", "release"]);
    assert!(
        listed.contains("release-cockpit.minor-2.4.0-20261208")
            && listed.contains("alice@laptop/42"),
        "{listed}"
    );

    // Alice renews while Bob watches: he never gets it.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(matches!(
            alice.claim().await.unwrap(),
            Claimed::Holding { .. }
        ));
        assert!(matches!(bob.claim().await.unwrap(), Claimed::HeldBy { .. }));
    }

    // Alice goes quiet (killed, or partitioned): after its duration, as
    // Bob's clock saw it, Bob takes over, one fence on.
    let taken = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Claimed::Holding { holding, took_over } = bob.claim().await.unwrap() {
            break (holding, took_over);
        }
    };
    assert_eq!(taken.0.fence, 1);
    assert_eq!(taken.1.as_deref(), Some("alice@laptop/42"));
    assert!(
        !holding.is_valid(chrono::Utc::now()),
        "Alice's own holding ran out before Bob could take it"
    );
    match alice.claim().await.unwrap() {
        Claimed::HeldBy { holder, .. } => assert_eq!(holder, "bob@desk/7", "Alice is fenced"),
        other => panic!("{other:?}"),
    }

    // A clean exit gives it up at once.
    bob.release().await.unwrap();
    match alice.claim().await.unwrap() {
        Claimed::Holding { holding, took_over } => {
            assert_eq!((holding.fence, took_over), (2, None));
        }
        other => panic!("{other:?}"),
    }
    drop(f.sandbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configmaps_are_created_replaced_with_conflicts_watched_and_limited() {
    let f = fixture().await;
    let api: Api<ConfigMap> = Api::namespaced(client(&f.kubeconfig).await, "release");
    let chunk = |name: &str, events: &str| ConfigMap {
        metadata: kube::api::ObjectMeta {
            name: Some(name.into()),
            labels: Some([("release-cockpit.dev/release".to_owned(), "minor".to_owned())].into()),
            ..Default::default()
        },
        data: Some([("events".to_owned(), events.to_owned())].into()),
        ..Default::default()
    };
    let mut watch = api
        .watch(
            &WatchParams::default().labels("release-cockpit.dev/release=minor"),
            "0",
        )
        .await
        .unwrap()
        .boxed();

    let first = api
        .create(&PostParams::default(), &chunk("journal-0", "1\n"))
        .await
        .unwrap();
    let again = api
        .create(&PostParams::default(), &chunk("journal-0", "1\n"))
        .await
        .unwrap_err();
    assert!(
        matches!(&again, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists"),
        "{again}"
    );

    // Two writers from the same version: the second is refused.
    let mut next = first.clone();
    next.data = Some([("events".to_owned(), "1\n2\n".to_owned())].into());
    let second = api
        .replace("journal-0", &PostParams::default(), &next)
        .await
        .unwrap();
    assert_ne!(
        second.metadata.resource_version,
        first.metadata.resource_version
    );
    let stale = api
        .replace("journal-0", &PostParams::default(), &next)
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"),
        "{stale}"
    );

    // What a watch of the chunks sees, in order.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(5), watch.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match event {
            WatchEvent::Added(cm) | WatchEvent::Modified(cm) => {
                seen.push(cm.data.unwrap_or_default()["events"].clone());
            }
            _ => {}
        }
    }
    assert_eq!(seen, ["1\n", "1\n2\n"]);

    // More than a ConfigMap holds is refused, as the API server refuses it.
    let big = "x".repeat(1 << 20);
    let refused = api
        .create(&PostParams::default(), &chunk("journal-1", &big))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, kube::Error::Api(s) if s.code == 422),
        "{refused}"
    );

    let listed = kubectl(&f.kubeconfig, &["get", "configmap", "-n", "release"]);
    assert!(listed.contains("journal-0"), "{listed}");
    assert!(!listed.contains("journal-1"), "{listed}");
    let deleted = kubectl(
        &f.kubeconfig,
        &["delete", "configmap", "journal-0", "-n", "release"],
    );
    assert!(deleted.contains("deleted"), "{deleted}");
    assert!(api.get_opt("journal-0").await.unwrap().is_none());
}

fn journal_line(seq: u64, note: &str) -> String {
    release_cockpit::session::journal::encode(&release_cockpit::domain::events::Recorded {
        seq,
        at: chrono::Utc::now(),
        operator: "alice".into(),
        event: release_cockpit::domain::events::Event::NoteAdded {
            step: "deploy-production".into(),
            text: note.into(),
        },
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mirror_keeps_the_journal_in_ordered_chunks_and_fences_a_writer_that_lost() {
    use release_cockpit::adapters::kubernetes::mirror::{Mirror, MirrorError};
    use release_cockpit::session::mirror::MirrorRead;

    let f = fixture().await;
    let mirror = Mirror::new(
        client(&f.kubeconfig).await,
        "release",
        "minor-2.4.0-20261208",
    );
    let mut alice = mirror.writer(0).await.unwrap();
    // Well over a chunk: lines of ~300 bytes, appended in batches.
    let padding = "p".repeat(150);
    let mut seq = 0;
    for _ in 0..30 {
        let batch: Vec<String> = (0..100)
            .map(|_| {
                seq += 1;
                journal_line(seq, &padding)
            })
            .collect();
        alice.append(&batch).await.unwrap();
    }
    let chunks = mirror.read_all().await.unwrap();
    assert!(chunks.len() >= 2, "{} chunk(s)", chunks.len());
    assert!(chunks.iter().all(|c| c.lines.len() <= 512 * 1024));
    let mut read = MirrorRead::default();
    let taken: Vec<u64> = chunks
        .iter()
        .flat_map(|c| read.take(&c.lines))
        .map(|t| t.recorded.seq)
        .collect();
    assert_eq!(
        taken,
        (1..=seq).collect::<Vec<_>>(),
        "every line, once, in order"
    );

    // Bob took the Lease over (fence 1): he replays the mirror and goes on.
    let mut bob = mirror.writer(1).await.unwrap();
    bob.append(&[journal_line(seq + 1, "bob's")]).await.unwrap();
    // Alice comes back from a partition still thinking she writes.
    let late = alice.append(&[journal_line(seq + 1, "alice's late")]).await;
    assert!(matches!(late, Err(MirrorError::Fenced { .. })), "{late:?}");
    let all: String = mirror
        .read_all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.lines.clone())
        .collect();
    let mut fresh = MirrorRead::default();
    let last = fresh.take(&all).pop().unwrap();
    assert_eq!((last.recorded.seq, last.fence), (seq + 1, 1));
    let listed = kubectl(&f.kubeconfig, &["get", "configmap", "-n", "release"]);
    assert!(
        listed.contains("release-cockpit.minor-2.4.0-20261208.000001"),
        "{listed}"
    );
}

/// Waits until `path` replays `n` records, in order; returns them.
async fn copy_holds(path: &Path, n: usize) -> Vec<u64> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let bytes = std::fs::read(path).unwrap_or_default();
        let seqs: Vec<u64> = release_cockpit::session::journal::replay(&bytes)
            .records
            .iter()
            .map(|r| r.seq)
            .collect();
        if seqs.len() >= n {
            return seqs;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the copy holds {} of {n} lines",
            seqs.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followers_copy_gets_every_line_the_writers_pump_copies_through_an_outage() {
    use std::sync::{Arc, Mutex};

    use release_cockpit::adapters::kubernetes::mirror::Mirror;
    use release_cockpit::runtime::share::{MirrorState, spawn_pump, spawn_replica};
    use release_cockpit::session::mirror::MirrorRead;

    let mut f = fixture().await;
    let id = "minor-2.4.0-20261208";
    let mirror = Mirror::new(client(&f.kubeconfig).await, "release", id);
    let (lines, queue) = tokio::sync::mpsc::unbounded_channel();
    let states: Arc<Mutex<Vec<MirrorState>>> = Arc::default();
    let seen = states.clone();
    let pump = spawn_pump(
        mirror.writer(0).await.unwrap(),
        vec![journal_line(1, "before the pump started")],
        queue,
        move |state| seen.lock().unwrap().push(state),
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("releases").join(format!("{id}.jsonl"));
    let (problems, _problems) = tokio::sync::mpsc::unbounded_channel();
    let replica = spawn_replica(
        mirror.api(),
        mirror.selector(),
        copy.clone(),
        MirrorRead::default(),
        problems,
        Default::default(),
    );
    for seq in 2..=40 {
        lines.send(journal_line(seq, "step")).unwrap();
        if seq % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert_eq!(copy_holds(&copy, 40).await, (1..=40).collect::<Vec<_>>());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600,
        "the copy is private"
    );

    // The API goes away: the pump says how far behind it is, and catches up.
    f.sandbox.stop();
    lines.send(journal_line(41, "during the outage")).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !states
        .lock()
        .unwrap()
        .iter()
        .any(|s| s.behind == 1 && s.problem.is_some())
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            states.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    f.sandbox.resume().await.unwrap();
    assert_eq!(copy_holds(&copy, 41).await.last(), Some(&41));
    assert_eq!(
        states.lock().unwrap().last(),
        Some(&MirrorState::default()),
        "caught up"
    );
    pump.abort();
    replica.abort();
}

fn binary(home: &Path, user: &str, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_release-cockpit"))
        .arg("--config")
        .arg(home.join("cockpit.toml"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("USER", user)
        .env_remove("LOGNAME")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `step` on two machines sharing through the cluster: each holds the
/// Lease for its run and mirrors what it journaled; while someone else
/// holds it, the command is refused with their name; a machine that never
/// had the release copies it from the mirror first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_commands_hold_the_lease_mirror_their_lines_and_are_refused_while_another_writes()
{
    use release_cockpit::adapters::kubernetes::mirror::Mirror;
    use release_cockpit::domain::events::Event;
    use release_cockpit::session::mirror::MirrorRead;

    let f = fixture().await;
    let machine = |name: &str| {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("cockpit.toml"),
            format!(
                "[operator]\nname = \"{name}\"\ntimezone = \"UTC\"\n\n[share]\nkind = \"kubernetes\"\nkubeconfig = \"{}\"\nnamespace = \"release\"\nlease = \"5s\"\n",
                f.kubeconfig.display()
            ),
        )
        .unwrap();
        home
    };
    let ci = machine("ci-bot");
    let at = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d %H:%M UTC")
        .to_string();
    let (code, said) = binary(
        ci.path(),
        "ci-bot",
        &[
            "start",
            "--type",
            "minor",
            "--version",
            "2.4.0",
            "--at",
            &at,
        ],
    );
    assert_eq!(code, 0, "{said}");
    let (code, said) = binary(ci.path(), "ci-bot", &["step", "complete", "announce"]);
    assert_eq!(code, 0, "{said}");
    let id = std::fs::read_dir(ci.path().join("state/release-cockpit/releases"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find_map(|n| n.strip_suffix(".jsonl").map(str::to_owned))
        .unwrap();
    let mirror = Mirror::new(client(&f.kubeconfig).await, "release", &id);
    let mirrored = |chunks: Vec<release_cockpit::adapters::kubernetes::mirror::Chunk>| {
        let text: String = chunks.into_iter().map(|c| c.lines).collect();
        MirrorRead::default().take(&text)
    };
    let lines = mirrored(mirror.read_all().await.unwrap());
    assert!(
        lines.iter().any(
            |t| matches!(&t.recorded.event, Event::StepCompleted { step } if step == "announce")
        ),
        "the step is in the mirror: {lines:?}"
    );
    assert!(
        matches!(lines[0].recorded.event, Event::ReleaseStarted { .. }),
        "and the start before it"
    );

    // Bob's cockpit holds it now: the pipeline is refused, naming him.
    let mut bob = ReleaseLease::new(
        client(&f.kubeconfig).await,
        "release",
        &id,
        "bob@desk/7".to_owned(),
        chrono::Duration::seconds(60),
    );
    assert!(matches!(
        bob.claim().await.unwrap(),
        Claimed::Holding { .. }
    ));
    let (code, said) = binary(
        ci.path(),
        "ci-bot",
        &["step", "skip", "code-quality", "--reason", "green"],
    );
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("written by bob@desk/7"), "{said}");

    // Carol, on a machine that never had the release, once Bob let go.
    bob.release().await.unwrap();
    let carol = machine("carol");
    let (code, said) = binary(
        carol.path(),
        "carol",
        &["step", "approve", "team-approval", "--release", &id],
    );
    assert_eq!(code, 0, "{said}");
    let lines = mirrored(mirror.read_all().await.unwrap());
    let last = lines.last().unwrap();
    assert!(
        matches!(&last.recorded.event, Event::ApprovalGiven { step } if step == "team-approval"),
        "{last:?}"
    );
    assert_eq!(last.recorded.operator, "carol");
    let seqs: Vec<u64> = lines.iter().map(|t| t.recorded.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "one sequence: {seqs:?}"
    );
}

/// A writer cut off from the cluster stops by its own clock, before any
/// other machine may take the release over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_cut_off_from_the_cluster_stops_before_anyone_may_take_over() {
    use release_cockpit::domain::share::LeaseNews;
    use release_cockpit::runtime::share::{ValidUntil, spawn_keeper};

    let mut f = fixture().await;
    let three = chrono::Duration::seconds(3);
    let lease = |me: &str, client: kube::Client| {
        ReleaseLease::new(
            client,
            "release",
            "minor-2.4.0-20261208",
            me.to_owned(),
            three,
        )
    };
    let mut alice = lease("alice@laptop/42", client(&f.kubeconfig).await);
    let Claimed::Holding { holding, .. } = alice.claim().await.unwrap() else {
        panic!("held");
    };
    let valid = ValidUntil::new(holding.valid_until());
    let (news, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let keeper = spawn_keeper(alice, holding, valid.clone(), move |n| {
        let _ = news.send(n);
    });
    // Renewed while the cluster answers.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(valid.holds(chrono::Utc::now()), "renewed in time");
    let mut bob = lease("bob@desk/7", client(&f.kubeconfig).await);
    assert!(matches!(bob.claim().await.unwrap(), Claimed::HeldBy { .. }));

    f.sandbox.stop();
    let cut_at = chrono::Utc::now();
    let lost = tokio::time::timeout(Duration::from_secs(5), heard.recv())
        .await
        .expect("the keeper says so")
        .unwrap();
    assert!(matches!(lost, LeaseNews::Lost { by: None, .. }), "{lost:?}");
    let stopped = chrono::Utc::now();
    assert!(!valid.holds(stopped), "nothing more may be written");
    assert!(
        stopped - cut_at < three,
        "stopped {:?} after the cut, inside the Lease's 3 s",
        (stopped - cut_at).to_std().unwrap()
    );
    keeper.abort();
}
