//! The sandbox cluster: a faithful subset of the Kubernetes API served over real
//! HTTP on loopback, with a controller that rolls Deployments forward the way
//! the real one does. It is the demo world, the integration tests' peer and the
//! benchmarks' load; `kubectl` and kube-rs talk to it unchanged.
//!
//! What it serves: discovery, apps/v1 Deployments (get, list, watch, patch) and
//! ReplicaSets (get, list, watch), coordination.k8s.io/v1 Leases and v1
//! ConfigMaps (get, list, watch, create, update, delete, with
//! `resourceVersion` conflicts), the simulated services' Prometheus
//! `/metrics` and `/services/{namespace}/{name}/{metrics,health}`, and a
//! `Status` for everything else.

mod cluster;
mod controller;
mod discovery;
mod faults;
mod http;
mod images;
mod kubeconfig;
mod objects;
mod patch;
mod pods;
mod routes;
mod selectors;
mod server;
mod services;
mod shared;
mod stored;
mod table;
#[cfg(test)]
mod tests;
mod watch;
mod world;

pub use cluster::{Cluster, Kind};
pub use faults::Faults;
pub use images::ImagePolicy;
pub use kubeconfig::write_kubeconfig;
pub use patch::PatchType;
pub use server::Sandbox;
pub use services::{Health, Regression, ServicePolicy, Services, Snapshot};
pub use shared::RequestCounts;
pub use world::{DEMO_REGRESSED, DEMO_REGRESSION, World, WorldDeployment};
