//! The demo's Kubernetes: the sandbox cluster served in-process, and the demo
//! targets pointed at it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::adapters::kubernetes::KubeTarget;
use crate::sandbox::{Sandbox, World, write_kubeconfig};

/// Starts the demo world and gives every target without a kubeconfig the
/// sandbox's. The sandbox serves as long as the returned value lives.
pub async fn start(
    targets: &mut [KubeTarget],
    kubeconfig: PathBuf,
    operator: &str,
) -> Result<Sandbox, String> {
    let sandbox = Sandbox::start(World::demo(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
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
    tracing::info!(url = %sandbox.url(), kubeconfig = %kubeconfig.display(), "demo sandbox cluster serving");
    Ok(sandbox)
}
