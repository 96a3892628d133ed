//! 1,000 Deployments in the sandbox cluster, watched by the real adapter over
//! HTTP: time to the first data frame (connect, LIST, first snapshot, model
//! update, 200x50 frame), LISTs after a rollout (must stay at the initial
//! two), and the frame build's p99 with that data.
//! Run: cargo bench --bench sandbox_watch

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use release_cockpit::adapters::kubernetes::{self, Deploy, KubeTarget};
use release_cockpit::app::fixture::sample_model_with_release;
use release_cockpit::app::panes::rollout::{RolloutState, TargetSpec};
use release_cockpit::app::{Key, Msg, update};
use release_cockpit::config::themes::ThemeSet;
use release_cockpit::domain::rollout::{RolloutPhase, RolloutUpdate};
use release_cockpit::sandbox::{Sandbox, World, write_kubeconfig};
use release_cockpit::ui;
use tokio::sync::mpsc;

const DEPLOYMENTS: usize = 1_000;
const RUNS: usize = 5;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let themes = ThemeSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut first_frames = Vec::new();
    for run in 0..RUNS {
        let (first, lists, frame_p99) = runtime.block_on(one_run(&themes, run == 0));
        println!(
            "run {run}: first data frame {:.1} ms, LISTs {lists} (paged, all initial), frame p99 {:.3} ms",
            first.as_secs_f64() * 1e3,
            frame_p99.as_secs_f64() * 1e3
        );
        first_frames.push(first);
    }
    let median = percentile(&mut first_frames, 0.5);
    let worst = percentile(&mut first_frames, 1.0);
    println!(
        "first data frame with {DEPLOYMENTS} deployments: median {:.1} ms, worst {:.1} ms (budget 1000 ms)",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}

async fn one_run(themes: &ThemeSet, roll: bool) -> (Duration, u64, Duration) {
    let sandbox = Sandbox::start(
        World::many(DEPLOYMENTS),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .unwrap_or_else(|e| panic!("sandbox: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, &sandbox.url(), "bench", "bench")
        .unwrap_or_else(|e| panic!("{e}"));
    let target = KubeTarget {
        name: "bench".into(),
        kubeconfig: Some(kubeconfig),
        context: None,
        namespace: None,
        deployment: None,
        selector: Some("bench=yes".into()),
        container: None,
        image: None,
        environment: None,
        liveness: kubernetes::Liveness::default(),
    };
    let mut model = sample_model_with_release();
    model.rollout = RolloutState::new([TargetSpec::named("bench")]);
    for key in ['3', 'z'] {
        update(&mut model, Msg::Key(Key::char(key)));
    }
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| match e {});
    let theme = themes.theme(0);

    let started = Instant::now();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watch_target = target.clone();
    tokio::spawn(kubernetes::watch_target(watch_target, move |u| {
        tx.send(u).is_ok()
    }));
    let first = match rx.recv().await {
        Some(update @ RolloutUpdate::Snapshot { .. }) => update,
        Some(RolloutUpdate::Stale { error, .. }) => panic!("stale: {error}"),
        None => panic!("the watch ended"),
    };
    update(&mut model, Msg::Rollout(first));
    terminal
        .draw(|frame| ui::view(frame, &model, theme))
        .unwrap_or_else(|e| match e {});
    let first_frame = started.elapsed();
    assert_eq!(model.rollout.len(), DEPLOYMENTS);
    let initial_lists = sandbox.counts().lists();

    if roll {
        // Roll ten Deployments and follow them to complete through the watch.
        let (client, _) = kubernetes::connect(&target)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for i in 0..10 {
            let deploy = Deploy {
                namespace: "bench".into(),
                name: format!("svc-{i:04}"),
                container: None,
                image: format!("registry.example.com/bench/svc-{i:04}:2.0.0"),
                change_cause: "bench".into(),
                dry_run: false,
            };
            kubernetes::set_image(client.clone(), &deploy)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let Ok(Some(update)) = tokio::time::timeout_at(deadline.into(), rx.recv()).await else {
                panic!("the rollouts did not complete within 30 s");
            };
            if let RolloutUpdate::Snapshot {
                units: deployments, ..
            } = &update
            {
                let done = deployments
                    .iter()
                    .filter(|d| d.image.ends_with(":2.0.0") && d.phase == RolloutPhase::Complete)
                    .count();
                if done == 10 {
                    update_model(&mut model, update);
                    break;
                }
            }
        }
    }
    let lists = sandbox.counts().lists();
    assert_eq!(
        initial_lists, 2,
        "one LIST of Deployments and one of ReplicaSets"
    );
    assert_eq!(lists, initial_lists, "no LIST after the initial ones");

    let mut samples = Vec::with_capacity(500);
    for _ in 0..500 {
        let at = Instant::now();
        terminal.clear().unwrap_or_else(|e| match e {});
        terminal
            .draw(|frame| ui::view(frame, &model, theme))
            .unwrap_or_else(|e| match e {});
        samples.push(at.elapsed());
    }
    (first_frame, lists, percentile(&mut samples, 0.99))
}

fn update_model(model: &mut release_cockpit::app::Model, report: RolloutUpdate) {
    update(model, Msg::Rollout(report));
}
