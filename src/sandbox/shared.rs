//! What every request handler of the sandbox shares: the cluster, the
//! simulated services, the faults to inject and the request counts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use super::cluster::Cluster;
use super::faults::Faults;
use super::services::Services;

/// Requests served, by verb: the benchmarks check that watching never lists
/// again, and the probes show what a silent watch costs.
#[derive(Debug, Default)]
pub struct RequestCounts {
    pub total: AtomicU64,
    pub lists: AtomicU64,
    pub list_pages: AtomicU64,
    /// One-item LISTs: a watch's liveness and version probes.
    pub probes: AtomicU64,
    pub watches: AtomicU64,
    pub gets: AtomicU64,
    pub patches: AtomicU64,
}

impl RequestCounts {
    pub fn lists(&self) -> u64 {
        self.lists.load(Ordering::Relaxed)
    }
    pub fn list_pages(&self) -> u64 {
        self.list_pages.load(Ordering::Relaxed)
    }
    pub fn probes(&self) -> u64 {
        self.probes.load(Ordering::Relaxed)
    }
    pub fn watches(&self) -> u64 {
        self.watches.load(Ordering::Relaxed)
    }
    pub fn patches(&self) -> u64 {
        self.patches.load(Ordering::Relaxed)
    }
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}

pub struct Shared {
    pub cluster: Arc<Cluster>,
    /// The Deployments' simulated traffic, behind `/metrics` and `/services/`.
    pub services: Services,
    pub faults: Faults,
    pub counts: RequestCounts,
    pub bookmark_every: Duration,
    pub shutdown: watch::Sender<bool>,
    pub addr: SocketAddr,
}

impl Shared {
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }
}
