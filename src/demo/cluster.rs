//! The demo's Kubernetes: the sandbox cluster served in-process, and the demo
//! targets pointed at it.

use std::fs::{File, TryLockError};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use chrono::Duration;

use crate::adapters::kubernetes::KubeTarget;
use crate::config::Settings;
use crate::domain::health::{Signal, Source};
use crate::sandbox::{Sandbox, World, write_kubeconfig};

/// The host the demo config's signals name; it stands for the sandbox's
/// address, which is only known once it serves.
pub const SANDBOX_HOST: &str = "http://sandbox";

/// Beside the demo's journals: who serves the demo world, and where.
pub const CLAIM_FILE: &str = "demo-world.lock";

/// The demo world this process reads: the sandbox it serves, or the one a
/// cockpit on the same demo store already serves (so that a follower and
/// `status` see the writer's world, not a fresh one of their own).
pub struct DemoWorld {
    _sandbox: Option<Sandbox>,
    /// Held while this process serves the world; the OS lets go at exit.
    _claim: Option<File>,
    pub url: String,
    /// `true` when another process serves it.
    pub shared: bool,
}

enum Claim {
    Mine(File),
    Theirs(String),
}

/// Takes the claim on serving the demo world, or finds who serves it. The
/// claim is an advisory lock on `path` whose holder writes its URL there.
async fn claim(path: &Path) -> Result<Claim, DemoWorldError> {
    let problem = |error| DemoWorldError::Claim {
        path: path.to_path_buf(),
        error,
    };
    if let Some(dir) = path.parent() {
        crate::config::paths::create_private_dir_all(dir).map_err(problem)?;
    }
    for _ in 0..40 {
        let mut file = crate::config::paths::private_file()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(problem)?;
        match file.try_lock() {
            Ok(()) => {
                // A dead holder's address must not be read as this one's.
                file.set_len(0).map_err(problem)?;
                return Ok(Claim::Mine(file));
            }
            Err(TryLockError::WouldBlock) => {
                let mut url = String::new();
                file.read_to_string(&mut url).map_err(problem)?;
                let url = url.trim();
                if url.starts_with("http://") {
                    return Ok(Claim::Theirs(url.to_owned()));
                }
                // The holder has not written its address yet.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(TryLockError::Error(error)) => return Err(problem(error)),
        }
    }
    Err(DemoWorldError::Unannounced(path.to_path_buf()))
}

/// Why the demo world is not served here nor joined.
#[derive(Debug)]
pub enum DemoWorldError {
    Claim {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Its holder never wrote where it serves.
    Unannounced(PathBuf),
    Sandbox(std::io::Error),
    Kubeconfig {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for DemoWorldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Claim { path, error } => {
                write!(f, "demo world claim {}: {error}", path.display())
            }
            Self::Unannounced(path) => write!(
                f,
                "{} is held by a process that never said where its demo world serves",
                path.display()
            ),
            Self::Sandbox(error) => {
                write!(f, "the demo's sandbox cluster could not start: {error}")
            }
            Self::Kubeconfig { path, error } => write!(
                f,
                "cannot write the demo kubeconfig {}: {error}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for DemoWorldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Claim { error, .. } | Self::Sandbox(error) | Self::Kubeconfig { error, .. } => {
                Some(error)
            }
            Self::Unannounced(_) => None,
        }
    }
}

/// Starts the demo world (or joins the one already served from the same
/// demo store, as `claim_path` says), gives every target without a
/// kubeconfig one for it, and points the signals at its services. An own
/// sandbox serves as long as the returned value lives. `serve_others` is
/// false for a process that lives only seconds (`status`): it serves a world
/// of its own when none is served, and no cockpit joins it.
pub async fn start(
    targets: &mut [KubeTarget],
    signals: &mut [Signal],
    kubeconfig: PathBuf,
    operator: &str,
    speed: u32,
    claim_path: &Path,
    serve_others: bool,
) -> Result<DemoWorld, DemoWorldError> {
    let claim_problem = |error| DemoWorldError::Claim {
        path: claim_path.to_path_buf(),
        error,
    };
    let claimed = match claim(claim_path).await? {
        Claim::Mine(file) if !serve_others => {
            file.unlock().map_err(claim_problem)?;
            None
        }
        Claim::Mine(file) => Some(Claim::Mine(file)),
        theirs => Some(theirs),
    };
    let world = match claimed {
        None => {
            let sandbox = Sandbox::start(
                World::demo_at_speed(speed),
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            )
            .await
            .map_err(DemoWorldError::Sandbox)?;
            DemoWorld {
                url: sandbox.url(),
                _sandbox: Some(sandbox),
                _claim: None,
                shared: false,
            }
        }
        Some(Claim::Theirs(url)) => {
            tracing::info!(%url, "joining the demo world another cockpit serves");
            DemoWorld {
                _sandbox: None,
                _claim: None,
                url,
                shared: true,
            }
        }
        Some(Claim::Mine(mut file)) => {
            let sandbox = Sandbox::start(
                World::demo_at_speed(speed),
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            )
            .await
            .map_err(DemoWorldError::Sandbox)?;
            let url = sandbox.url();
            file.write_all(format!("{url}\n").as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(claim_problem)?;
            DemoWorld {
                _sandbox: Some(sandbox),
                _claim: Some(file),
                url,
                shared: false,
            }
        }
    };
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
    write_kubeconfig(&kubeconfig, &world.url, "production", &user).map_err(|error| {
        DemoWorldError::Kubeconfig {
            path: kubeconfig.clone(),
            error,
        }
    })?;
    for target in targets.iter_mut().filter(|t| t.kubeconfig.is_none()) {
        target.kubeconfig = Some(kubeconfig.clone());
    }
    for signal in signals.iter_mut() {
        let url = match &mut signal.source {
            Source::Scrape { url, .. } | Source::Prometheus { url, .. } => url,
            Source::Health(check) => &mut check.url,
            Source::Docker(_) => continue,
        };
        if let Some(path) = url.strip_prefix(SANDBOX_HOST) {
            *url = format!("{}{path}", world.url);
        }
    }
    tracing::info!(url = %world.url, shared = world.shared, kubeconfig = %kubeconfig.display(), "demo sandbox cluster");
    Ok(world)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_world_not_served_says_which_file_or_part() {
        let lines = [
            (
                DemoWorldError::Unannounced("/s/demo-world.lock".into()),
                "/s/demo-world.lock is held by a process that never said where its demo world serves",
            ),
            (
                DemoWorldError::Sandbox(std::io::Error::from(std::io::ErrorKind::AddrInUse)),
                "the demo's sandbox cluster could not start: address in use",
            ),
            (
                DemoWorldError::Kubeconfig {
                    path: "/s/demo/kubeconfig".into(),
                    error: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                },
                "cannot write the demo kubeconfig /s/demo/kubeconfig: permission denied",
            ),
        ];
        for (error, line) in lines {
            assert_eq!(error.to_string(), line);
        }
    }
}
