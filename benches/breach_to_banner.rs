//! Breach to banner: how long after a signal's source starts answering with a
//! breach the cockpit shows the trigger banner, through the real poll tasks,
//! `update` and a 200x50 frame, against the sandbox's services on loopback.
//! Budget: at most one poll interval + 1 s. Two kinds of breach, six trials
//! each (one per demo service): a health endpoint starting to fail, and an
//! error rate jumping to 7% (a scrape source, ratio of two scrapes).
//! Run: cargo bench --bench breach_to_banner

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicU16;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use release_cockpit::app::fixture::sample_model_with_release;
use release_cockpit::app::panes::health::HealthState;
use release_cockpit::app::{Msg, update};
use release_cockpit::config::themes::ThemeSet;
use release_cockpit::domain::health::{Signal, Source, Unit, parse_measure};
use release_cockpit::domain::playbook::HttpCheck;
use release_cockpit::domain::policy::parse_rule;
use release_cockpit::runtime::health::spawn_polls;
use release_cockpit::sandbox::{Regression, Sandbox, World};
use release_cockpit::ui;
use tokio::sync::mpsc;

const INTERVAL_SECS: i64 = 1;
const SERVICES: [(&str, &str); 6] = [
    ("production", "checkout"),
    ("production", "billing"),
    ("production", "web"),
    ("staging", "checkout"),
    ("staging", "billing"),
    ("staging", "web"),
];

#[derive(Clone, Copy)]
enum Breach {
    HealthFails,
    ErrorRate,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let themes = ThemeSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    for (label, breach) in [
        ("health endpoint failing", Breach::HealthFails),
        ("error rate 0.2% -> 7%", Breach::ErrorRate),
    ] {
        let mut samples: Vec<Duration> = runtime.block_on(async {
            let sandbox = Sandbox::start(World::demo(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await
                .unwrap_or_else(|e| panic!("sandbox: {e}"));
            let mut out = Vec::new();
            for (index, (namespace, name)) in SERVICES.into_iter().enumerate() {
                // The breach lands at a different moment of the poll cycle each time.
                let phase = Duration::from_millis(
                    1000 * INTERVAL_SECS as u64 * index as u64 / SERVICES.len() as u64,
                );
                out.push(trial(&sandbox, &themes, namespace, name, breach, phase).await);
            }
            out
        });
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{label}: poll every {INTERVAL_SECS} s, breach to banner median {:.0} ms, worst {:.0} ms over {} trials (budget {} ms)",
            ms(samples[samples.len() / 2]),
            ms(samples[samples.len() - 1]),
            samples.len(),
            INTERVAL_SECS * 1000 + 1000
        );
    }
}

async fn trial(
    sandbox: &Sandbox,
    themes: &ThemeSet,
    namespace: &str,
    name: &str,
    breach: Breach,
    phase: Duration,
) -> Duration {
    let base = format!("{}/services/{namespace}/{name}", sandbox.url());
    let interval = chrono::Duration::seconds(INTERVAL_SECS);
    let signal = match breach {
        Breach::HealthFails => Signal {
            name: "health".into(),
            unit: Unit::Health,
            source: Source::Health(HttpCheck {
                url: format!("{base}/health"),
                expect_status: 200,
                body_contains: None,
                max_latency: chrono::Duration::seconds(1),
            }),
            interval,
            warn: None,
            critical: parse_rule("health failing").ok(),
            baseline_window: chrono::Duration::minutes(30),
        },
        Breach::ErrorRate => Signal {
            name: "errors".into(),
            unit: Unit::Ratio,
            source: Source::Scrape {
                url: format!("{base}/metrics"),
                measure: parse_measure(
                    "ratio(http_requests_total{code=\"5*\"}, http_requests_total)",
                )
                .unwrap_or_else(|e| panic!("{e}")),
            },
            interval,
            warn: None,
            critical: parse_rule("errors > 5%").ok(),
            baseline_window: chrono::Duration::minutes(30),
        },
    };
    let mut model = sample_model_with_release();
    model.health = HealthState::new(vec![signal.clone()], chrono::Duration::hours(1));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| panic!("{e}"));
    let (tx, mut mailbox) = mpsc::unbounded_channel();
    spawn_polls(
        vec![signal],
        chrono::Duration::minutes(5),
        Arc::new(AtomicU16::new(100)),
        &tx,
    );
    drop(tx);
    // Two good readings first, so a scrape source has its rate.
    let mut seen = 0;
    while seen < 2 {
        if let Some(Msg::Signal(update_msg)) = mailbox.recv().await {
            update(&mut model, Msg::Signal(update_msg));
            seen += 1;
        }
    }
    assert!(
        model.health.firing().is_empty(),
        "{namespace}/{name} breached before the trial"
    );
    let image = model_image(sandbox, namespace, name);
    tokio::time::sleep(phase).await;
    let started = Instant::now();
    match breach {
        Breach::HealthFails => sandbox.services().mark_unhealthy(&image),
        Breach::ErrorRate => sandbox.services().regress(
            &image,
            Regression {
                error_ratio: 0.07,
                latency_factor: 1.0,
                after: Duration::ZERO,
                health_fails: false,
            },
        ),
    }
    while let Some(msg) = mailbox.recv().await {
        update(&mut model, msg);
        if !model.health.firing().is_empty() {
            let theme = themes.theme(0);
            terminal
                .draw(|frame| ui::view(frame, &model, theme))
                .unwrap_or_else(|e| panic!("{e}"));
            return started.elapsed();
        }
        if started.elapsed() > Duration::from_secs(30) {
            break;
        }
    }
    panic!("{namespace}/{name}: no banner within 30 s")
}

/// The image the Deployment's pods run now.
fn model_image(sandbox: &Sandbox, namespace: &str, name: &str) -> String {
    sandbox
        .cluster()
        .deployment(namespace, name)
        .and_then(|d| d.spec)
        .and_then(|s| s.template.spec)
        .and_then(|p| p.containers.into_iter().next())
        .and_then(|c| c.image)
        .unwrap_or_else(|| panic!("{namespace}/{name} has no image"))
}
