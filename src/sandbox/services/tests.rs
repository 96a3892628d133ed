//! The services read as the cockpit reads them: scrapes parsed with the
//! domain's exposition reader, and rates and quantiles between two scrapes.
//! Time is in the test's hands: the controller and the scrapes get the same
//! explicit `Instant`s.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use crate::domain::metrics::exposition::{Exposition, MetricKind, parse};
use crate::domain::metrics::series::{increase, quantile_between, ratio};

use super::super::patch::PatchType;
use super::super::server::seed;
use super::super::{Cluster, ImagePolicy, Sandbox, World, WorldDeployment};
use super::{Health, Regression, Services};

const SECOND: Duration = Duration::from_secs(1);
const REGRESSED: &str = "web:2";
const WEB: [(&str, &str); 2] = [("namespace", "prod"), ("service", "web")];

struct Fixture {
    cluster: Cluster,
    services: Services,
    t0: Instant,
    /// Every scrape taken, to check that counters never go down.
    scrapes: Vec<Exposition>,
}

impl Fixture {
    fn new(deployments: Vec<WorldDeployment>, regression: Regression) -> Self {
        let mut images = ImagePolicy::new(SECOND);
        images.regress(REGRESSED, regression);
        let world = World {
            deployments,
            images,
        };
        let cluster = Cluster::new(world.images.clone());
        seed(&cluster, &world);
        let t0 = Instant::now();
        let services = Services::new(world.images.services().clone(), t0);
        Self {
            cluster,
            services,
            t0,
            scrapes: Vec::new(),
        }
    }

    fn web(replicas: i32) -> Self {
        let web = WorldDeployment::new("prod", "web", &["web:1"]).replicas(replicas);
        Self::new(vec![web], regression(false))
    }

    fn at(&self, seconds: u64) -> Instant {
        self.t0 + Duration::from_secs(seconds)
    }

    fn scrape(&mut self, seconds: u64) -> Exposition {
        let now = self.at(seconds);
        let text = self.services.exposition(&self.cluster, now);
        let parsed = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        self.scrapes.push(parsed.clone());
        parsed
    }

    fn health(&self, name: &str, seconds: u64) -> Health {
        self.services
            .scrape_one(&self.cluster, "prod", name, self.at(seconds))
            .unwrap()
            .health
    }

    /// Patches the Deployment at `seconds` and runs the controller, a
    /// quarter second at a time, until it has nothing more to do for it
    /// (another Deployment may never settle).
    fn patch(&self, name: &str, patch: &str, seconds: u64) {
        self.cluster
            .patch_deployment("prod", name, PatchType::Strategic, patch.as_bytes(), false)
            .unwrap();
        let mut now = self.at(seconds);
        for _ in 0..200 {
            if !self.cluster.reconcile(now) || self.complete(name) {
                return;
            }
            now += Duration::from_millis(250);
        }
        panic!("the rollout of {name} never ended");
    }

    fn complete(&self, name: &str) -> bool {
        let d = self.cluster.deployment("prod", name).unwrap();
        let desired = d.spec.and_then(|s| s.replicas).unwrap_or(1);
        let status = d.status.unwrap_or_default();
        status.observed_generation == d.metadata.generation
            && [
                status.replicas,
                status.updated_replicas,
                status.available_replicas,
            ]
            .iter()
            .all(|n| n.unwrap_or(0) == desired)
    }

    fn set_image(&self, image: &str, seconds: u64) {
        let patch = format!(
            r#"{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"web","image":"{image}"}}]}}}}}}}}"#
        );
        self.patch("web", &patch, seconds);
    }

    /// No counter, bucket or sum ever went down from one scrape to the next.
    fn assert_monotonic(&self) {
        for pair in self.scrapes.windows(2) {
            for now in &pair[1].samples {
                let counter = now.name.ends_with("_total")
                    || now.name.starts_with("http_request_duration_seconds");
                let before = pair[0]
                    .samples
                    .iter()
                    .find(|b| b.name == now.name && b.labels == now.labels);
                if let (true, Some(before)) = (counter, before) {
                    assert!(now.value >= before.value, "{} went down", now.name);
                }
            }
        }
    }
}

fn regression(health_fails: bool) -> Regression {
    Regression {
        error_ratio: 0.07,
        latency_factor: 3.0,
        after: 60 * SECOND,
        health_fails,
    }
}

fn error_ratio(before: &Exposition, now: &Exposition) -> f64 {
    let code = |c: &'static str| {
        let labels = [WEB[0], WEB[1], ("code", c)];
        increase(before, now, "http_requests_total", &labels)
    };
    let all = increase(before, now, "http_requests_total", &WEB);
    ratio(code("500") + code("503"), all).unwrap()
}

fn p99(before: &Exposition, now: &Exposition) -> f64 {
    quantile_between(before, now, "http_request_duration_seconds", 0.99, &WEB).unwrap()
}

#[test]
fn a_healthy_image_serves_twenty_requests_a_second_per_pod_and_fails_one_in_five_hundred() {
    let mut f = Fixture::web(3);
    let first = f.scrape(0);
    for code in ["200", "500", "503"] {
        let labels = [WEB[0], WEB[1], ("code", code)];
        let series: Vec<_> = first.select("http_requests_total", &labels).collect();
        assert_eq!(series.len(), 1, "code {code} is there from the start");
    }
    let later = f.scrape(60);
    let requests = increase(&first, &later, "http_requests_total", &WEB);
    assert!((requests - 3.0 * 20.0 * 60.0).abs() <= 2.0, "{requests}");
    let errors = error_ratio(&first, &later);
    assert!((errors - 0.002).abs() < 0.0005, "{errors}");
    let count = increase(&first, &later, "http_request_duration_seconds_count", &WEB);
    assert!((count - requests).abs() <= 1.0, "{count} observations");
    let p99 = p99(&first, &later);
    assert!((p99 - 0.25).abs() < 0.01, "{p99}");
}

#[test]
fn a_regression_sets_in_after_its_delay_and_a_rollback_takes_it_away() {
    let mut f = Fixture::web(3);
    f.set_image(REGRESSED, 0);
    // Its pods are ready within a few seconds; the regression waits a minute.
    let early = f.scrape(10);
    let still_fine = f.scrape(50);
    let before_onset = error_ratio(&early, &still_fine);
    assert!((before_onset - 0.002).abs() < 0.001, "{before_onset}");
    let healthy_p99 = p99(&early, &still_fine);

    let onset = f.scrape(70);
    let bad = f.scrape(130);
    let regressed = error_ratio(&onset, &bad);
    assert!((regressed - 0.07).abs() < 0.003, "{regressed}");
    let slower = p99(&onset, &bad) / healthy_p99;
    assert!((slower - 3.0).abs() < 0.3, "p99 x{slower}");
    let cpu: Vec<f64> = bad
        .select("process_cpu_usage_ratio", &WEB)
        .map(|s| s.value)
        .collect();
    assert_eq!(cpu, [0.6]);

    f.set_image("web:1", 130);
    let settled = f.scrape(150);
    let recovered = f.scrape(210);
    let after_rollback = error_ratio(&settled, &recovered);
    assert!((after_rollback - 0.002).abs() < 0.001, "{after_rollback}");
    let version = recovered.select("service_info", &WEB).next().unwrap();
    assert_eq!(version.labels["version"], "1");
    f.assert_monotonic();
}

#[test]
fn traffic_mid_rollout_is_split_by_ready_pods() {
    let mut f = Fixture::web(4);
    f.services.regress(
        REGRESSED,
        Regression {
            after: Duration::ZERO,
            ..regression(false)
        },
    );
    // Paused after the first steps, with old and new pods both serving.
    f.cluster
        .patch_deployment(
            "prod",
            "web",
            PatchType::Strategic,
            br#"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:2"}]}}}}"#,
            false,
        )
        .unwrap();
    f.cluster.reconcile(f.at(0));
    f.cluster.reconcile(f.at(2));
    f.patch("web", r#"{"spec":{"paused":true}}"#, 2);
    let views = f.cluster.serving(f.at(5), None);
    let pods: Vec<usize> = views[0].sets.iter().map(|s| s.ready_since.len()).collect();
    assert!(pods.len() == 2 && pods.iter().all(|n| *n > 0), "{pods:?}");
    let (old, new) = (pods[0] as f64, pods[1] as f64);
    let before = f.scrape(5);
    let after = f.scrape(65);
    let expected = (old * 0.002 + new * 0.07) / (old + new);
    let errors = error_ratio(&before, &after);
    assert!((errors - expected).abs() < 0.003, "{errors} for {pods:?}");
    f.assert_monotonic();
}

#[test]
fn health_fails_without_a_ready_pod_and_when_the_image_says_so() {
    let web = WorldDeployment::new("prod", "web", &["web:1"]).replicas(2);
    let broken = WorldDeployment::new("prod", "broken", &["broken:1-bad"]);
    let mut f = Fixture::new(vec![web, broken], regression(true));
    assert_eq!(f.health("web", 1), Health::Ok);
    assert_eq!(
        f.health("broken", 1),
        Health::Failing("no pod is ready".into())
    );
    let snapshot = f
        .services
        .scrape_one(&f.cluster, "prod", "broken", f.at(1))
        .unwrap();
    assert_eq!((snapshot.version.as_str(), snapshot.ready), ("1-bad", 0));
    assert!(
        f.services
            .scrape_one(&f.cluster, "prod", "nothing", f.at(1))
            .is_none()
    );

    f.set_image(REGRESSED, 2);
    assert_eq!(f.health("web", 30), Health::Ok, "not yet");
    assert_eq!(
        f.health("web", 70),
        Health::Failing("web:2 fails its health check".into())
    );
    f.services.heal(REGRESSED);
    assert_eq!(f.health("web", 71), Health::Ok);
    f.services.mark_unhealthy(REGRESSED);
    assert_eq!(
        f.health("web", 72),
        Health::Failing("web:2 is marked unhealthy".into())
    );

    f.patch("web", r#"{"spec":{"replicas":0}}"#, 80);
    assert_eq!(
        f.health("web", 90),
        Health::Failing("no pod is ready".into())
    );
    let text = f.scrape(90);
    let up: Vec<f64> = text.select("service_up", &WEB).map(|s| s.value).collect();
    assert_eq!(up, [0.0]);
}

#[test]
fn the_exposition_types_every_family_and_labels_every_series() {
    let mut f = Fixture::web(3);
    let e = f.scrape(30);
    let kinds = [
        ("http_requests_total", MetricKind::Counter),
        ("http_request_duration_seconds", MetricKind::Histogram),
        ("process_cpu_usage_ratio", MetricKind::Gauge),
        ("process_memory_usage_ratio", MetricKind::Gauge),
        ("service_up", MetricKind::Gauge),
        ("service_info", MetricKind::Gauge),
    ];
    for (name, kind) in kinds {
        assert_eq!(e.kinds.get(name), Some(&kind), "{name}");
    }
    assert!(e.samples.iter().all(|s| s.labels["namespace"] == "prod"));
    let bounds: Vec<&str> = e
        .select("http_request_duration_seconds_bucket", &WEB)
        .map(|s| s.labels["le"].as_str())
        .collect();
    assert_eq!(
        bounds,
        ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
    );
    let value = |name: &str| e.select(name, &WEB).next().unwrap().value;
    assert_eq!(value("service_up"), 1.0);
    assert_eq!(value("process_cpu_usage_ratio"), 0.35);
    assert_eq!(value("process_memory_usage_ratio"), 0.55);
    // An earlier instant than the last scrape adds nothing.
    let again = f.scrape(20);
    assert_eq!(increase(&e, &again, "http_requests_total", &WEB), 0.0);
}

async fn get(url: &str) -> (u16, String, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn the_demo_serves_metrics_and_health_over_http_with_faults() {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut sandbox = Sandbox::start(World::demo(), addr).await.unwrap();
    let url = sandbox.url();

    let (status, content_type, body) = get(&sandbox.metrics_url()).await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let e = parse(&body).unwrap();
    let checkout = [("namespace", "production"), ("service", "checkout")];
    assert_eq!(e.select("http_requests_total", &checkout).count(), 3);
    let info = e.select("service_info", &checkout).next().unwrap();
    assert_eq!(info.labels["version"], "2.3.1");
    let staging = [("namespace", "staging"), ("service", "web")];
    assert_eq!(e.select("service_up", &staging).count(), 1);

    let health = format!("{url}/services/production/checkout/health");
    let (status, _, body) = get(&health).await;
    assert_eq!(status, 200);
    assert_eq!(body, r#"{"ready":3,"status":"ok","version":"2.3.1"}"#);
    let one = get(&format!("{url}/services/production/checkout/metrics")).await;
    let one = parse(&one.2).unwrap();
    assert!(
        one.samples
            .iter()
            .all(|s| s.labels["service"] == "checkout")
    );
    assert_eq!(
        get(&format!("{url}/services/production/nope/health"))
            .await
            .0,
        404
    );

    // Changed at run time: billing's current release fails its health at once.
    sandbox.services().regress(
        "registry.example.com/shop/billing:2.3.1",
        Regression {
            after: Duration::ZERO,
            ..regression(true)
        },
    );
    let (status, _, body) = get(&format!("{url}/services/production/billing/health")).await;
    assert_eq!(status, 503);
    assert!(body.contains(r#""status":"failing""#), "{body}");

    sandbox.faults().metrics_fail(Some(500));
    assert_eq!(get(&health).await.0, 500);
    sandbox.faults().metrics_fail(None);
    sandbox.faults().metrics_delay(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(&health).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    sandbox.faults().metrics_delay(Duration::ZERO);

    sandbox.stop();
    assert!(reqwest::get(&health).await.is_err(), "stopped with the API");
    sandbox.resume().await.unwrap();
    assert_eq!(get(&health).await.0, 200);
}
