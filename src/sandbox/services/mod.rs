//! Simulated services: every Deployment serves HTTP traffic in proportion to
//! its ready pods, and each image serves it well or badly as the
//! [`ServicePolicy`] says, so the cockpit's health signals have a real peer
//! whose error rate rises after a bad deploy and falls after the rollback.
//!
//! Nothing runs in the background: the counters catch up on each scrape, by
//! the time elapsed since the last one, so an idle sandbox costs nothing and
//! tests drive time with explicit `Instant`s.

pub(super) mod policy;
pub(super) mod render;
mod serving;
#[cfg(test)]
mod tests;
mod traffic;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

pub use policy::{Regression, ServicePolicy};
use serving::ServiceView;

use super::cluster::{Cluster, Key};
use traffic::{Behaviour, REQUESTS_PER_POD, Traffic};

/// CPU and memory in use, as shares of the limit.
const CPU_HEALTHY: f64 = 0.35;
const CPU_REGRESSED: f64 = 0.6;
const MEMORY: f64 = 0.55;

/// One service's figures at a scrape.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub namespace: String,
    pub name: String,
    /// Requests answered 200, 500 and 503.
    pub requests: [u64; 3],
    /// Cumulative, for the histogram's bounds and then `+Inf`.
    pub buckets: [u64; 8],
    pub duration_sum: f64,
    pub cpu: f64,
    pub memory: f64,
    /// The tag most ready pods run (the desired one when none is ready).
    pub version: String,
    pub ready: usize,
    pub health: Health,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Ok,
    Failing(String),
}

/// One service's counters and what it remembers of its images.
#[derive(Debug, Clone)]
struct ServiceState {
    /// Counters are caught up to here.
    last: Instant,
    traffic: Traffic,
    /// When each image first had a ready pod here: regressions count from it.
    first_ready: HashMap<String, Instant>,
}

#[derive(Debug)]
struct State {
    policy: ServicePolicy,
    /// Where a service first seen counts from: its pods' own ready times
    /// bound it anyway, so counting from the start loses nothing.
    started: Instant,
    services: BTreeMap<Key, ServiceState>,
}

/// The sandbox's services; shared by the HTTP handlers.
#[derive(Debug)]
pub struct Services {
    state: Mutex<State>,
}

impl Services {
    pub fn new(policy: ServicePolicy, started: Instant) -> Self {
        Self {
            state: Mutex::new(State {
                policy,
                started,
                services: BTreeMap::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The counters are consistent between two updates, even after a panic.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// From now on, `image` serves as `regression` says once it has set in.
    pub fn regress(&self, image: &str, regression: Regression) {
        self.state().policy.regress(image, regression);
    }

    /// From now on, `image` fails its health check while it serves.
    pub fn mark_unhealthy(&self, image: &str) {
        self.state().policy.mark_unhealthy(image);
    }

    /// From now on, `image` serves well again.
    pub fn heal(&self, image: &str) {
        self.state().policy.heal(image);
    }

    /// Catches every service up to `now` and returns them in key order.
    /// An instant before the last scrape adds nothing.
    pub fn scrape(&self, cluster: &Cluster, now: Instant) -> Vec<Snapshot> {
        self.advance(cluster.serving(now, None), now)
    }

    /// Every service caught up to `now`, as the text `/metrics` serves.
    pub fn exposition(&self, cluster: &Cluster, now: Instant) -> String {
        render::exposition(&self.scrape(cluster, now))
    }

    /// The same for one service; `None` when there is no such Deployment.
    pub fn scrape_one(
        &self,
        cluster: &Cluster,
        namespace: &str,
        name: &str,
        now: Instant,
    ) -> Option<Snapshot> {
        let key = (namespace.to_owned(), name.to_owned());
        self.advance(cluster.serving(now, Some(&key)), now)
            .into_iter()
            .next()
    }

    fn advance(&self, views: Vec<ServiceView>, now: Instant) -> Vec<Snapshot> {
        let mut guard = self.state();
        let state = &mut *guard;
        views
            .into_iter()
            .map(|view| {
                let service =
                    state
                        .services
                        .entry(view.key.clone())
                        .or_insert_with(|| ServiceState {
                            last: state.started,
                            traffic: Traffic::default(),
                            first_ready: HashMap::new(),
                        });
                service.advance(&state.policy, &view, now);
                service.snapshot(&state.policy, view, now)
            })
            .collect()
    }
}

/// The first image of a set that is regressed, with the regression.
fn regression_of<'a>(
    policy: &'a ServicePolicy,
    images: &'a [String],
) -> Option<(&'a str, &'a Regression)> {
    images
        .iter()
        .find_map(|image| policy.regression(image).map(|r| (image.as_str(), r)))
}

impl ServiceState {
    /// When the regression of a set's images sets in, if it is regressed.
    fn onset(&self, policy: &ServicePolicy, images: &[String]) -> Option<(Instant, Regression)> {
        let (image, regression) = regression_of(policy, images)?;
        let first = self.first_ready.get(image)?;
        Some((*first + regression.after, *regression))
    }

    /// Adds the traffic each ready pod served since the last scrape.
    fn advance(&mut self, policy: &ServicePolicy, view: &ServiceView, now: Instant) {
        for set in &view.sets {
            if let Some(earliest) = set.ready_since.iter().min() {
                for image in &set.images {
                    let first = self.first_ready.entry(image.clone()).or_insert(*earliest);
                    *first = (*first).min(*earliest);
                }
            }
        }
        let from = self.last;
        if now <= from {
            return;
        }
        for set in &view.sets {
            let onset = self.onset(policy, &set.images);
            let (mut healthy, mut regressed) = (0.0, 0.0);
            for ready in &set.ready_since {
                let start = from.max(*ready);
                if start >= now {
                    continue;
                }
                let turn = onset.map_or(now, |(at, _)| at.clamp(start, now));
                healthy += (turn - start).as_secs_f64();
                regressed += (now - turn).as_secs_f64();
            }
            self.traffic
                .serve(healthy * REQUESTS_PER_POD, Behaviour::HEALTHY);
            if let Some((_, regression)) = onset {
                self.traffic
                    .serve(regressed * REQUESTS_PER_POD, regression.behaviour());
            }
        }
        self.last = now;
    }

    fn snapshot(&self, policy: &ServicePolicy, view: ServiceView, now: Instant) -> Snapshot {
        let ready: usize = view.sets.iter().map(|s| s.ready_since.len()).sum();
        let mut regressed_pods = 0;
        let mut failing = None;
        for set in &view.sets {
            let active = self.onset(policy, &set.images).filter(|(at, _)| *at <= now);
            if active.is_some() {
                regressed_pods += set.ready_since.len();
            }
            let unhealthy = set.images.iter().find(|i| policy.is_unhealthy(i));
            if let Some(image) = unhealthy {
                failing.get_or_insert_with(|| format!("{image} is marked unhealthy"));
            } else if active.is_some_and(|(_, r)| r.health_fails) {
                let image = regression_of(policy, &set.images).map_or("", |(i, _)| i);
                failing.get_or_insert_with(|| format!("{image} fails its health check"));
            }
        }
        let health = if ready == 0 {
            Health::Failing("no pod is ready".to_owned())
        } else {
            failing.map_or(Health::Ok, Health::Failing)
        };
        let (namespace, name) = view.key.clone();
        Snapshot {
            namespace,
            name,
            requests: self.traffic.requests(),
            buckets: self.traffic.cumulative_buckets(),
            duration_sum: self.traffic.sum(),
            cpu: if ready == 0 {
                0.0
            } else {
                let regressed = regressed_pods as f64 / ready as f64;
                CPU_HEALTHY + (CPU_REGRESSED - CPU_HEALTHY) * regressed
            },
            memory: if ready == 0 { 0.0 } else { MEMORY },
            version: version(&view),
            ready,
            health,
        }
    }
}

/// The tag of the image most ready pods run; on a tie the newer revision's
/// (`max_by_key` keeps the last of equals, and the sets are oldest first),
/// and with nothing ready the one the Deployment asks for.
fn version(view: &ServiceView) -> String {
    let image = view
        .sets
        .iter()
        .max_by_key(|s| s.ready_since.len())
        .and_then(|s| s.images.first())
        .or_else(|| view.desired.first());
    image.map_or_else(String::new, |i| tag_of(i).to_owned())
}

fn tag_of(image: &str) -> &str {
    // A registry port has a colon too, but never after the last slash.
    match image.rsplit_once(':') {
        Some((_, tag)) if !tag.contains('/') => tag,
        _ => "latest",
    }
}
