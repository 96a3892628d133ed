//! How each image serves, as the world (or a test) configures it: healthy
//! unless it is regressed or marked unhealthy.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::traffic::Behaviour;

/// A bad release that serves at first and degrades later, as a leak or a
/// cold cache would: the delay is what lets a canary look fine for a while.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Regression {
    /// The share of requests that fail once it has set in (500s and 503s).
    pub error_ratio: f64,
    /// Latencies are this many times the healthy ones.
    pub latency_factor: f64,
    /// From when the image first had a ready pod in a Deployment.
    pub after: Duration,
    /// Whether `/health` fails too once it has set in.
    pub health_fails: bool,
}

impl Regression {
    pub(super) fn behaviour(&self) -> Behaviour {
        Behaviour::regressed(self.error_ratio, self.latency_factor)
    }
}

/// Per image: regressions and images whose health check fails.
#[derive(Debug, Clone, Default)]
pub struct ServicePolicy {
    regressions: HashMap<String, Regression>,
    unhealthy: HashSet<String>,
}

impl ServicePolicy {
    /// Pods of `image` serve as `regression` says once it has set in.
    pub fn regress(&mut self, image: &str, regression: Regression) {
        self.regressions.insert(image.to_owned(), regression);
    }

    /// `image` fails its health check whenever it serves.
    pub fn mark_unhealthy(&mut self, image: &str) {
        self.unhealthy.insert(image.to_owned());
    }

    /// `image` is healthy again, as if fixed in place.
    pub fn heal(&mut self, image: &str) {
        self.regressions.remove(image);
        self.unhealthy.remove(image);
    }

    pub fn regression(&self, image: &str) -> Option<&Regression> {
        self.regressions.get(image)
    }

    pub fn is_unhealthy(&self, image: &str) -> bool {
        self.unhealthy.contains(image)
    }
}
