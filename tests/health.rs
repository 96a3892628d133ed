#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Health signals against real peers: the sandbox's simulated services (their
//! `/metrics` and `/health`), Debian's Prometheus scraping them, and the kube
//! adapter deploying and rolling back through the sandbox's API. Each signal
//! is read with `SignalReader` and folded into a `HealthState`, as the Health
//! pane does, so a test sees what the operator would: the value, the note, a
//! staleness reason, and whether the rollback trigger fires.

mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use chrono::Utc;
use release_cockpit::adapters::kubernetes::{self, Deploy, KubeTarget, UndoOutcome};
use release_cockpit::app::panes::health::{HealthState, SignalState};
use release_cockpit::domain::health::{Signal, SignalUpdate, Source, Unit, parse_measure};
use release_cockpit::domain::playbook::HttpCheck;
use release_cockpit::domain::policy::{TriggerState, parse_rule};
use release_cockpit::runtime::signal_reader::SignalReader;
use release_cockpit::sandbox::{Regression, Sandbox, World, write_kubeconfig};
use support::prometheus::{PrometheusPeer, free_port};

const CHECKOUT: &str = "registry.example.com/shop/checkout";
/// The pane's width passed to every read: a poll may fetch at most twice
/// this many points. Narrow on purpose, so that the budget bites within the
/// seconds of data a test's Prometheus has: one point per second (the
/// interval) would be over it, one per 10 s (a minute over 6 columns) is not.
const COLUMNS: u16 = 6;
/// The error ratio of checkout in production, over Prometheus' last 5 s.
const ERROR_RATIO: &str = r#"sum(rate(http_requests_total{namespace="production",service="checkout",code=~"5.."}[5s])) / sum(rate(http_requests_total{namespace="production",service="checkout"}[5s]))"#;

fn chart() -> chrono::Duration {
    chrono::Duration::minutes(1)
}

/// The demo world, with checkout 2.4.0 going bad a second after its first
/// pod is ready (the demo waits a minute).
async fn sandbox() -> Sandbox {
    let sandbox = Sandbox::start(World::demo(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    sandbox.services().regress(
        &format!("{CHECKOUT}:2.4.0"),
        Regression {
            error_ratio: 0.07,
            latency_factor: 3.0,
            after: Duration::from_secs(1),
            health_fails: false,
        },
    );
    sandbox
}

/// A kube client for the sandbox, through a kubeconfig as kubectl would use.
async fn kube_client(sandbox: &Sandbox, dir: &tempfile::TempDir) -> kube::Client {
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, &sandbox.url(), "production", "alice").unwrap();
    let target = KubeTarget {
        name: "shop".into(),
        kubeconfig: Some(kubeconfig),
        context: None,
        namespace: None,
        deployment: Some("checkout".into()),
        selector: None,
        container: None,
        image: None,
        environment: None,
        liveness: kubernetes::Liveness::default(),
    };
    kubernetes::connect(&target).await.unwrap().0
}

/// Sets production checkout's image, as the cockpit's deploy does.
async fn deploy(client: &kube::Client, tag: &str) {
    let image = format!("{CHECKOUT}:{tag}");
    kubernetes::set_image(
        client.clone(),
        &Deploy {
            namespace: "production".into(),
            name: "checkout".into(),
            container: None,
            change_cause: format!("release-cockpit: {image} by alice"),
            image,
            dry_run: false,
        },
    )
    .await
    .unwrap();
}

fn signal(name: &str, unit: Unit, source: Source, critical: Option<&str>) -> Signal {
    Signal {
        name: name.to_owned(),
        unit,
        source,
        interval: chrono::Duration::seconds(1),
        warn: None,
        critical: critical.map(|rule| parse_rule(rule).unwrap()),
        baseline_window: chrono::Duration::minutes(30),
    }
}

fn prometheus(name: &str, url: &str, query: &str, critical: Option<&str>) -> Signal {
    let source = Source::Prometheus {
        url: url.to_owned(),
        query: query.to_owned(),
    };
    signal(name, Unit::Ratio, source, critical)
}

fn scrape(name: &str, url: String, measure: &str, critical: Option<&str>) -> Signal {
    let source = Source::Scrape {
        url,
        measure: parse_measure(measure).unwrap(),
    };
    signal(name, Unit::Ratio, source, critical)
}

fn health(name: &str, url: String, critical: Option<&str>) -> Signal {
    let check = HttpCheck {
        url,
        expect_status: 200,
        body_contains: None,
        max_latency: chrono::Duration::seconds(2),
    };
    signal(name, Unit::Health, Source::Health(check), critical)
}

/// One signal read by a real reader and folded into a Health view, with what
/// it read lately for failure messages.
struct Watch {
    reader: SignalReader,
    view: HealthState,
    started: Instant,
    log: Vec<String>,
}

impl Watch {
    fn new(signal: Signal) -> Self {
        Self {
            view: HealthState::new(vec![signal.clone()], chart()),
            reader: SignalReader::new(signal),
            started: Instant::now(),
            log: Vec::new(),
        }
    }

    /// Reads once and folds the result in, as the pane's poll does.
    async fn read(&mut self) -> SignalUpdate {
        let update = self.reader.read(COLUMNS, chart()).await;
        self.view.apply(update.clone(), |_| None, Utc::now());
        let s = self.signal();
        let what = match &update {
            SignalUpdate::Reading { reading, .. } => format!(
                "{} ({}; {} points)",
                reading
                    .value
                    .map_or_else(|| "no value".to_owned(), |v| s.signal.unit.format(v)),
                reading.note.as_deref().unwrap_or("-"),
                reading.points_fetched
            ),
            SignalUpdate::Failed { error, .. } => format!("failed: {error}"),
        };
        let state = s.critical.as_ref().map(|t| t.state);
        self.log.push(format!(
            "{:>5.1}s {what}; trigger {state:?}",
            self.started.elapsed().as_secs_f64()
        ));
        update
    }

    /// Reads once a second until `done` holds for the view and the update,
    /// and returns that update; panics after `within` with the last readings.
    async fn until(
        &mut self,
        what: &str,
        within: Duration,
        done: impl Fn(&SignalState, &SignalUpdate) -> bool,
    ) -> SignalUpdate {
        let deadline = Instant::now() + within;
        loop {
            let began = Instant::now();
            let update = self.read().await;
            if done(self.signal(), &update) {
                return update;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {within:?}; the last readings:\n{}",
                self.recent()
            );
            tokio::time::sleep(Duration::from_secs(1).saturating_sub(began.elapsed())).await;
        }
    }

    fn signal(&self) -> &SignalState {
        &self.view.signals[0]
    }

    fn state(&self) -> Option<TriggerState> {
        self.signal().critical.as_ref().map(|t| t.state)
    }

    fn recent(&self) -> String {
        self.log[self.log.len().saturating_sub(15)..].join("\n")
    }
}

fn value(update: &SignalUpdate) -> Option<f64> {
    match update {
        SignalUpdate::Reading { reading, .. } => reading.value,
        SignalUpdate::Failed { .. } => None,
    }
}

fn below(limit: f64) -> impl Fn(&SignalState, &SignalUpdate) -> bool {
    move |_, update| value(update).is_some_and(|v| v < limit)
}

fn error_of(update: &SignalUpdate) -> &str {
    match update {
        SignalUpdate::Failed { error, .. } => error,
        SignalUpdate::Reading { reading, .. } => panic!("expected a failure, read {reading:?}"),
    }
}

fn reading_of(update: &SignalUpdate) -> &release_cockpit::domain::health::SignalReading {
    match update {
        SignalUpdate::Reading { reading, .. } => reading,
        SignalUpdate::Failed { error, .. } => panic!("expected a reading, failed: {error}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promql_error_rate_fires_after_a_bad_deploy_and_falls_after_the_rollback() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let client = kube_client(&sandbox, &dir).await;
    let target = sandbox.addr().to_string();
    let peer = PrometheusPeer::start(&[&target], "/metrics", "1s");
    peer.wait_for_scrape("sandbox").await;
    let rule = "checkout_errors > 5% for 3s";
    let mut watch = Watch::new(prometheus(
        "checkout_errors",
        &peer.url,
        ERROR_RATIO,
        Some(rule),
    ));

    // Healthy first: rate() needs a second scrape before it has a value.
    watch
        .until(
            "a healthy error rate from Prometheus",
            Duration::from_secs(10),
            below(0.01),
        )
        .await;
    assert!(watch.view.firing().is_empty(), "{}", watch.recent());
    assert_eq!(watch.state(), Some(TriggerState::Ok));

    deploy(&client, "2.4.0").await;
    let fired = watch
        .until(
            "the trigger firing after 2.4.0",
            Duration::from_secs(40),
            |s, _| s.level() == 2,
        )
        .await;
    let firing = watch.view.firing();
    assert_eq!(firing.len(), 1, "{firing:?}");
    assert_eq!(firing[0].rule, "checkout_errors > 5% for 3s");
    assert_eq!(firing[0].signal, "checkout_errors");
    assert!(firing[0].value > 0.05, "{firing:?}");
    let reading = reading_of(&fired);
    assert!(reading.value.unwrap() > 0.05, "{reading:?}");
    assert!(
        reading.points_fetched > 0,
        "the chart's range query brought nothing: {reading:?}"
    );
    assert!(
        reading.points_fetched <= 2 * usize::from(COLUMNS),
        "{} points for {COLUMNS} columns",
        reading.points_fetched
    );
    let history = reading.history.as_ref().unwrap();
    assert!(history.iter().any(|(_, v)| *v > 0.05), "{history:?}");
    assert!(history.iter().any(|(_, v)| *v < 0.01), "{history:?}");

    let outcome = kubernetes::undo(client, "production", "checkout", None, false)
        .await
        .unwrap();
    assert!(
        matches!(outcome, UndoOutcome::RolledBack { .. }),
        "{outcome:?}"
    );
    watch
        .until(
            "the error rate back under 1% after the rollback",
            Duration::from_secs(40),
            below(0.01),
        )
        .await;
    // Back within limits, but a fired rule clears only after a calm minute.
    assert!(
        matches!(watch.state(), Some(TriggerState::Clearing { .. })),
        "{}",
        watch.recent()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scraped_error_rate_fires_after_a_bad_deploy() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let client = kube_client(&sandbox, &dir).await;
    let url = format!("{}/services/production/checkout/metrics", sandbox.url());
    let mut watch = Watch::new(scrape(
        "checkout_errors",
        url,
        r#"ratio(http_requests_total{code="5*"}, http_requests_total)"#,
        Some("checkout_errors > 5% for 3s"),
    ));

    // A ratio needs two scrapes: the first one only says so.
    let first = watch.read().await;
    let first = reading_of(&first);
    assert_eq!(first.value, None);
    assert_eq!(first.note.as_deref(), Some("waiting for a second scrape"));
    // 0.2% of 60 requests a second fail: a few seconds between scrapes keep
    // a single 500 under 1%.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let healthy = watch.read().await;
    let value = reading_of(&healthy).value.unwrap();
    assert!(value < 0.01, "{}", watch.recent());
    assert!(watch.view.firing().is_empty());

    deploy(&client, "2.4.0").await;
    watch
        .until(
            "the trigger firing after 2.4.0",
            Duration::from_secs(40),
            |s, _| s.level() == 2,
        )
        .await;
    let firing = watch.view.firing();
    assert_eq!(firing.len(), 1, "{firing:?}");
    assert_eq!(firing[0].rule, "checkout_errors > 5% for 3s");
    assert!(firing[0].value > 0.05, "{firing:?}");
    assert!(watch.signal().value.unwrap() > 0.05, "{}", watch.recent());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_prometheus_is_a_reason_and_the_last_value_goes_stale() {
    // Nothing listens on this port: the answer is immediate, not a hang.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let mut reader = SignalReader::new(prometheus("errors", &closed, "vector(0.02)", None));
    let started = Instant::now();
    let update = reader.read(COLUMNS, chart()).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    let error = error_of(&update);
    assert!(error.contains("cannot be reached"), "{error}");
    assert!(error.contains(&closed), "names the server: {error}");

    // A view with a good value from a real Prometheus keeps it when that
    // Prometheus goes away, marked stale with the reason.
    let peer = PrometheusPeer::start(&[], "/metrics", "1s");
    let mut watch = Watch::new(prometheus(
        "errors",
        &peer.url,
        "vector(0.02)",
        Some("errors > 5% for 3s"),
    ));
    watch
        .until(
            "a value from Prometheus",
            Duration::from_secs(10),
            |_, u| value(u) == Some(0.02),
        )
        .await;
    assert_eq!(watch.signal().stale, None);
    // `vector()` has a value at every step of the chart's minute: one point
    // per column and the end, as `choose_step` promises.
    let fetched = watch.signal().points_fetched;
    assert!(
        (usize::from(COLUMNS)..=usize::from(COLUMNS) + 1).contains(&fetched),
        "{fetched} points for {COLUMNS} columns"
    );
    let received = watch.signal().received;
    drop(peer);
    let update = watch.read().await;
    let error = error_of(&update).to_owned();
    assert!(error.contains("cannot be reached"), "{error}");
    let s = watch.signal();
    assert_eq!(s.value, Some(0.02), "the last good value stays");
    assert_eq!(s.received, received);
    let stale = s.stale.as_ref().expect("marked stale");
    assert_eq!(stale.error, error);
    // Still down: stale since the first failure.
    let since = stale.since;
    watch.read().await;
    assert_eq!(watch.signal().stale.as_ref().unwrap().since, since);
    assert!(watch.view.firing().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_nan_infinity_and_empty_results_read_as_what_they_are() {
    let peer = PrometheusPeer::start(&[], "/metrics", "1s");
    peer.wait_for_scrape("prometheus").await;
    let read = |query: &str, critical: Option<&str>| {
        Watch::new(prometheus("q", &peer.url, query, critical))
    };

    let mut bad = read("sum(rate(", None);
    let update = bad.read().await;
    let error = error_of(&update);
    assert!(
        error.contains("bad query") && error.contains("bad_data"),
        "{error}"
    );
    assert!(bad.signal().stale.is_some());

    // NaN is a value the rule cannot judge: it neither fires nor clears.
    let mut nan = read("vector(0)/0", Some("q > 5%"));
    let update = nan.read().await;
    let reading = reading_of(&update);
    assert!(reading.value.unwrap().is_nan(), "{reading:?}");
    assert!(
        reading.note.as_deref().unwrap().contains("NaN"),
        "{reading:?}"
    );
    assert!(nan.view.firing().is_empty());
    assert_eq!(nan.state(), Some(TriggerState::Ok));
    assert_eq!(nan.signal().stale, None);

    let mut inf = read("1/0", None);
    let update = inf.read().await;
    assert_eq!(value(&update), Some(f64::INFINITY), "{update:?}");
    assert_eq!(Unit::Ratio.format(inf.signal().value.unwrap()), "+Inf");

    let mut empty = read("nonexistent_metric", Some("q > 5%"));
    let update = empty.read().await;
    let reading = reading_of(&update);
    assert_eq!(reading.value, None);
    assert!(
        reading.note.as_deref().unwrap().contains("no series"),
        "{reading:?}"
    );
    assert_eq!(empty.signal().value, None);
    assert_eq!(empty.signal().stale, None, "an answer, not a failure");
    assert_eq!(empty.state(), Some(TriggerState::Ok));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_or_failing_metrics_endpoint_is_a_reason_within_the_timeout() {
    let sandbox = sandbox().await;
    let url = format!("{}/services/production/checkout/metrics", sandbox.url());
    let mut watch = Watch::new(scrape(
        "cpu",
        url.clone(),
        "gauge(process_cpu_usage_ratio)",
        None,
    ));
    assert!(value(&watch.read().await).is_some(), "{}", watch.recent());

    // An interval of 1 s bounds each request to 1 s.
    sandbox.faults().metrics_delay(Duration::from_secs(3));
    let started = Instant::now();
    let update = watch.read().await;
    let took = started.elapsed();
    let error = error_of(&update);
    assert!(took < Duration::from_secs(2), "took {took:?}: {error}");
    assert!(error.contains(&url), "{error}");
    assert!(error.contains("no answer within 1 s"), "{error}");
    assert!(watch.signal().stale.is_some());
    assert!(watch.signal().value.is_some(), "the last value stays");

    // A health check is bounded by its own latency limit (2 s here), and a
    // slow answer is the check failing: a value of 0 with the reason.
    let mut check = Watch::new(health(
        "checkout_health",
        format!("{}/services/production/checkout/health", sandbox.url()),
        None,
    ));
    let started = Instant::now();
    let update = check.read().await;
    let took = started.elapsed();
    let reading = reading_of(&update);
    assert_eq!(reading.value, Some(0.0), "{reading:?}");
    assert_eq!(reading.note.as_deref(), Some("no answer within 2s"));
    assert!(took < Duration::from_secs(3), "took {took:?}");

    sandbox.faults().metrics_delay(Duration::ZERO);
    sandbox.faults().metrics_fail(Some(500));
    let update = watch.read().await;
    let error = error_of(&update);
    assert!(error.contains("HTTP 500"), "{error}");

    sandbox.faults().metrics_fail(None);
    let update = watch.read().await;
    assert!(value(&update).is_some(), "{update:?}");
    assert_eq!(watch.signal().stale, None, "fresh again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_health_check_goes_down_with_the_server_and_fires_after_its_hold() {
    let mut sandbox = sandbox().await;
    let url = format!("{}/services/production/checkout/health", sandbox.url());
    let mut watch = Watch::new(health(
        "checkout_health",
        url,
        Some("checkout_health failing for 2s"),
    ));
    let update = watch.read().await;
    let reading = reading_of(&update);
    assert_eq!(reading.value, Some(1.0), "{reading:?}");
    assert!(
        reading.note.as_deref().unwrap().starts_with("HTTP 200"),
        "{reading:?}"
    );
    assert_eq!(Unit::Health.format(watch.signal().value.unwrap()), "up");

    sandbox.stop();
    refused(sandbox.addr()).await;
    // Down is a value (0) with the reason as its note, not a failure.
    let down = watch
        .until("the check down", Duration::from_secs(5), |_, u| {
            value(u) == Some(0.0)
        })
        .await;
    let down = reading_of(&down).clone();
    let note = down.note.clone().unwrap();
    // The note names the check, that it failed, and why.
    assert!(note.contains("failed"), "{note}");
    assert!(
        note.contains("refused"),
        "the root cause, not reqwest's outer error: {note}"
    );
    assert!(
        note.contains("/services/production/checkout/health"),
        "{note}"
    );
    assert_eq!(watch.signal().stale, None);
    assert!(watch.view.firing().is_empty(), "not yet: the hold is 2 s");
    let fired = watch
        .until("the rule firing", Duration::from_secs(6), |s, _| {
            s.level() == 2
        })
        .await;
    let held = fired_at(&fired) - down.at;
    assert!(
        held >= chrono::Duration::seconds(2),
        "fired after {held} down"
    );
    let firing = watch.view.firing();
    assert_eq!(firing.len(), 1);
    assert_eq!(firing[0].rule, "checkout_health failing for 2s");
    assert_eq!(firing[0].value, 0.0);
}

/// Waits until connecting to `addr` is refused: `stop` aborts the accept
/// task, and until that task is dropped its listener still takes connections.
async fn refused(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{addr} still accepts connections"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn fired_at(update: &SignalUpdate) -> chrono::DateTime<Utc> {
    reading_of(update).at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gauge_reads_the_demo_checkouts_cpu() {
    let sandbox = sandbox().await;
    let url = format!("{}/services/production/checkout/metrics", sandbox.url());
    let mut watch = Watch::new(scrape(
        "checkout_cpu",
        url,
        "gauge(process_cpu_usage_ratio)",
        Some("checkout_cpu > 80%"),
    ));
    // A gauge needs one scrape only.
    let update = watch.read().await;
    let cpu = reading_of(&update).value.unwrap();
    assert!((cpu - 0.35).abs() < 1e-9, "{cpu}");
    assert_eq!(Unit::Ratio.format(cpu), "35.0%");
    assert!(watch.view.firing().is_empty());
}
