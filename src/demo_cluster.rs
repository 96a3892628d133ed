//! The demo's Kubernetes: the sandbox cluster served in-process, and the demo
//! targets pointed at it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use chrono::Duration;

use crate::adapters::kubernetes::KubeTarget;
use crate::config::Settings;
use crate::domain::health::{Signal, Source};
use crate::sandbox::{Sandbox, World, write_kubeconfig};

/// The host the demo config's signals name; it stands for the sandbox's
/// address, which is only known once it serves.
pub const SANDBOX_HOST: &str = "http://sandbox";

/// Starts the demo world, gives every target without a kubeconfig the
/// sandbox's, and points the signals at its services. The sandbox serves as
/// long as the returned value lives.
pub async fn start(
    targets: &mut [KubeTarget],
    signals: &mut [Signal],
    kubeconfig: PathBuf,
    operator: &str,
    speed: u32,
) -> Result<Sandbox, String> {
    let sandbox = Sandbox::start(
        World::demo_at_speed(speed),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .map_err(|e| format!("the demo's sandbox cluster could not start: {e}"))?;
    let user: String = operator
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    write_kubeconfig(&kubeconfig, &sandbox.url(), "production", &user).map_err(|e| {
        format!(
            "cannot write the demo kubeconfig {}: {e}",
            kubeconfig.display()
        )
    })?;
    for target in targets.iter_mut().filter(|t| t.kubeconfig.is_none()) {
        target.kubeconfig = Some(kubeconfig.clone());
    }
    for signal in signals.iter_mut() {
        let url = match &mut signal.source {
            Source::Scrape { url, .. } | Source::Prometheus { url, .. } => url,
            Source::Health(check) => &mut check.url,
        };
        if let Some(path) = url.strip_prefix(SANDBOX_HOST) {
            *url = format!("{}{path}", sandbox.url());
        }
    }
    tracing::info!(url = %sandbox.url(), kubeconfig = %kubeconfig.display(), "demo sandbox cluster serving");
    Ok(sandbox)
}

/// `demo --speed N`: the demo's durations N times shorter, so that a release
/// day's trigger, rollback and verification play out in a minute or two.
/// Polls stay at least a second apart.
pub fn speed_up(settings: &mut Settings, speed: u32) {
    if speed <= 1 {
        return;
    }
    let faster = |d: Duration| d / i32::try_from(speed).unwrap_or(i32::MAX);
    for signal in &mut settings.signals {
        signal.interval = faster(signal.interval).max(Duration::seconds(1));
        signal.baseline_window = faster(signal.baseline_window);
        for rule in [&mut signal.warn, &mut signal.critical]
            .into_iter()
            .flatten()
        {
            rule.hold = faster(rule.hold);
        }
    }
    settings.rollback.verify = faster(settings.rollback.verify).max(Duration::seconds(5));
    settings.rollback.auto_countdown =
        faster(settings.rollback.auto_countdown).max(Duration::seconds(5));
}
