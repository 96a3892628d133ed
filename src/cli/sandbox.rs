//! `release-cockpit sandbox`: the demo world's Kubernetes API on loopback, for
//! `kubectl`, scripts and a second cockpit, until Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::cli::SandboxArgs;
use crate::config::paths::Paths;
use crate::sandbox::{Sandbox, World, write_kubeconfig};

/// Serves on `runtime` until told to stop; returns the exit code.
pub fn run(args: &SandboxArgs, paths: Option<&Paths>, runtime: &tokio::runtime::Runtime) -> i32 {
    runtime.block_on(serve(args, paths))
}

pub fn default_kubeconfig(paths: Option<&Paths>) -> PathBuf {
    paths
        .map_or_else(
            || std::env::temp_dir().join("release-cockpit"),
            |p| p.state_dir.clone(),
        )
        .join("sandbox")
        .join("kubeconfig")
}

async fn serve(args: &SandboxArgs, paths: Option<&Paths>) -> i32 {
    let world = args.deployments.map_or_else(World::demo, World::many);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let sandbox = match Sandbox::start(world, addr).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: cannot serve the sandbox on {addr}: {error}");
            return 1;
        }
    };
    let kubeconfig = args
        .kubeconfig
        .clone()
        .unwrap_or_else(|| default_kubeconfig(paths));
    let user = std::env::var("USER").unwrap_or_else(|_| "operator".to_owned());
    if let Err(error) = write_kubeconfig(&kubeconfig, &sandbox.url(), "production", &user) {
        eprintln!("error: cannot write {}: {error}", kubeconfig.display());
        return 1;
    }
    // Whoever reads stdout may stop reading (`| head -1`): the sandbox serves on.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "sandbox cluster serving {}", sandbox.url());
    let _ = writeln!(out, "kubeconfig: {}", kubeconfig.display());
    let _ = writeln!(
        out,
        "metrics: {} (one service: {}/services/NAMESPACE/NAME/metrics and .../health)",
        sandbox.metrics_url(),
        sandbox.url()
    );
    let _ = writeln!(
        out,
        "try: KUBECONFIG={} kubectl get deployments -A",
        kubeconfig.display()
    );
    let _ = writeln!(out, "Ctrl-C stops it.");
    let _ = out.flush();
    wait_for_termination().await;
    0
}

async fn wait_for_termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
