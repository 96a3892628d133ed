#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Docker CPU and memory signals against the real engine: containers made
//! from a busybox image imported for the test, read by `SignalReader` and
//! folded into a `HealthState` as the Health pane does. Without an engine
//! these tests fail, saying so.

mod support;

use chrono::Utc;
use release_cockpit::app::panes::health::{HealthState, SignalState};
use release_cockpit::domain::health::{
    ContainerMeasure, ContainerStats, Containers, Signal, SignalUpdate, Source, Unit,
};
use release_cockpit::domain::policy::{TriggerState, parse_rule};
use release_cockpit::runtime::signal_reader::SignalReader;
use support::docker::{Kit, cpu_to_myself, docker};

/// Two busy loops, so the container wants two CPUs: on a host shared with
/// other work it still gets well over half of one.
const BUSY: &str = "while :; do :; done & while :; do :; done";

fn signal(containers: Containers, measure: ContainerMeasure, host: Option<&str>) -> Signal {
    let name = format!("docker_{}", measure.name());
    Signal {
        critical: Some(parse_rule(&format!("{name} > 50% for 2s")).unwrap()),
        name,
        unit: Unit::Ratio,
        source: Source::Docker(ContainerStats {
            host: host.map(str::to_owned),
            containers,
            measure,
        }),
        interval: chrono::Duration::seconds(1),
        warn: None,
        baseline_window: chrono::Duration::minutes(30),
    }
}

/// A reader and the Health pane's view of its one signal.
struct Watch {
    reader: SignalReader,
    view: HealthState,
}

impl Watch {
    fn new(signal: Signal) -> Self {
        Self {
            view: HealthState::new(vec![signal.clone()], chrono::Duration::minutes(1)),
            reader: SignalReader::new(signal),
        }
    }

    async fn read(&mut self) -> SignalUpdate {
        let update = self.reader.read(80, chrono::Duration::minutes(1)).await;
        self.view.apply(update.clone(), |_| None, Utc::now());
        update
    }

    fn state(&self) -> &SignalState {
        &self.view.signals[0]
    }
}

fn reading(update: &SignalUpdate) -> (f64, String) {
    match update {
        SignalUpdate::Reading { reading, .. } => (
            reading.value.expect("a value"),
            reading.note.clone().unwrap_or_default(),
        ),
        SignalUpdate::Failed { error, .. } => panic!("no reading: {error}"),
    }
}

fn failure(update: &SignalUpdate) -> String {
    match update {
        SignalUpdate::Failed { error, .. } => error.clone(),
        SignalUpdate::Reading { reading, .. } => panic!("a reading, not a failure: {reading:?}"),
    }
}

#[tokio::test]
async fn a_busy_container_reads_over_half_a_cpu_and_its_trigger_fires() {
    let _cores = cpu_to_myself();
    let engine = Kit::new();
    let busy = engine.start("busy", &[], Some(BUSY));
    let idle = engine.start("idle", &["-m", "64m"], None);

    let mut cpu = Watch::new(signal(
        Containers::Named(busy.clone()),
        ContainerMeasure::Cpu,
        None,
    ));
    let started = std::time::Instant::now();
    let (value, note) = reading(&cpu.read().await);
    assert!(
        value > 0.5,
        "a busy loop reads {} ({note})",
        Unit::Ratio.format(value)
    );
    assert!(
        note.starts_with(&format!("{busy}: ")) && note.contains(" CPUs"),
        "{note}"
    );
    // Each read takes the engine's sampling second: three reads hold the
    // breach for more than the rule's two seconds.
    for _ in 0..3 {
        reading(&cpu.read().await);
    }
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(3),
        "a CPU reading waits for the engine's second sample"
    );
    let state = cpu.state().critical.as_ref().map(|t| t.state);
    assert!(
        matches!(state, Some(TriggerState::Firing { .. })),
        "`> 50% for 2s` fires on a busy container: {state:?}"
    );

    let mut idle_cpu = Watch::new(signal(
        Containers::Named(idle.clone()),
        ContainerMeasure::Cpu,
        None,
    ));
    let (value, note) = reading(&idle_cpu.read().await);
    assert!(value < 0.1, "sleep reads {value} ({note})");

    let mut memory = Watch::new(signal(
        Containers::Named(idle.clone()),
        ContainerMeasure::Memory,
        None,
    ));
    let (value, note) = reading(&memory.read().await);
    assert!(value > 0.0 && value < 0.5, "{value} ({note})");
    assert!(
        note.ends_with(" of 64 MiB"),
        "the container's limit: {note}"
    );
    assert_eq!(memory.state().stale, None);
}

#[tokio::test]
async fn a_compose_service_reads_as_its_busiest_replica() {
    let _cores = cpu_to_myself();
    let engine = Kit::new();
    let project = engine.prefix.clone();
    let labels = |service: &str| {
        vec![
            "--label".to_owned(),
            format!("com.docker.compose.project={project}"),
            "--label".to_owned(),
            format!("com.docker.compose.service={service}"),
        ]
    };
    let api = labels("api");
    let api: Vec<&str> = api.iter().map(String::as_str).collect();
    engine.start("api-1", &api, None);
    let busy = engine.start("api-2", &api, Some(BUSY));
    let other = labels("worker");
    let other: Vec<&str> = other.iter().map(String::as_str).collect();
    engine.start("worker-1", &other, Some(BUSY));

    let mut cpu = Watch::new(signal(
        Containers::Compose {
            project: project.clone(),
            service: "api".into(),
        },
        ContainerMeasure::Cpu,
        None,
    ));
    let (value, note) = reading(&cpu.read().await);
    assert!(value > 0.5, "{value} ({note})");
    assert!(
        note.starts_with(&format!("the highest of 2 containers: {busy}, ")),
        "the busy replica, the worker not counted: {note}"
    );

    let mut nobody = Watch::new(signal(
        Containers::Compose {
            project,
            service: "web".into(),
        },
        ContainerMeasure::Memory,
        None,
    ));
    let error = failure(&nobody.read().await);
    assert!(
        error.starts_with("no running container of compose service web"),
        "{error}"
    );
}

#[tokio::test]
async fn a_gone_container_or_engine_leaves_the_signal_stale_with_the_reason() {
    let engine = Kit::new();
    let web = engine.start("web", &["-m", "64m"], None);
    let mut memory = Watch::new(signal(
        Containers::Named(web.clone()),
        ContainerMeasure::Memory,
        None,
    ));
    let (before, _) = reading(&memory.read().await);

    docker(&["stop", "-t", "0", &web]);
    let error = failure(&memory.read().await);
    assert_eq!(error, format!("container {web} is not running"));
    let state = memory.state();
    assert_eq!(state.value, Some(before), "the last good value stays");
    assert_eq!(
        state.stale.as_ref().map(|s| s.error.as_str()),
        Some(error.as_str())
    );

    docker(&["rm", &web]);
    let error = failure(&memory.read().await);
    assert_eq!(error, format!("no container named {web}"));
    assert!(memory.state().stale.is_some());

    let mut nowhere = Watch::new(signal(
        Containers::Named(web),
        ContainerMeasure::Cpu,
        Some("unix:///nonexistent/docker.sock"),
    ));
    let error = failure(&nowhere.read().await);
    assert!(
        error.starts_with("docker engine at unix:///nonexistent/docker.sock: "),
        "{error}"
    );
    assert_eq!(nowhere.state().value, None, "never a made-up value");
    assert!(nowhere.state().stale.is_some());
}
