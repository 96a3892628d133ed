//! How the sandbox's images behave: how long a pod of each takes to become
//! ready, which never do, and how each serves traffic once ready.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

// From the policy module itself: `services` as a whole depends on the cluster,
// which depends on this.
use super::services::policy::{Regression, ServicePolicy};

/// How long a pod of each image takes to become ready, which never do, and
/// how each serves traffic once ready.
#[derive(Debug, Clone)]
pub struct ImagePolicy {
    default_delay: Duration,
    delays: HashMap<String, Duration>,
    bad: HashSet<String>,
    /// Kept here rather than as a field of `World`, so that worlds written
    /// out field by field stay valid.
    services: ServicePolicy,
}

impl Default for ImagePolicy {
    fn default() -> Self {
        Self::new(Duration::from_secs(2))
    }
}

impl ImagePolicy {
    pub fn new(default_delay: Duration) -> Self {
        Self {
            default_delay,
            delays: HashMap::new(),
            bad: HashSet::new(),
            services: ServicePolicy::default(),
        }
    }

    #[must_use]
    pub fn with_delay(mut self, image: &str, delay: Duration) -> Self {
        self.delays.insert(image.to_owned(), delay);
        self
    }

    /// Pods of this image never become ready. Tags ending in `-bad` are bad too.
    pub fn mark_bad(&mut self, image: &str) {
        self.bad.insert(image.to_owned());
    }

    /// Pods of this image serve badly once `regression` has set in.
    pub fn regress(&mut self, image: &str, regression: Regression) {
        self.services.regress(image, regression);
    }

    /// Pods of this image fail their health check while they serve.
    pub fn mark_unhealthy(&mut self, image: &str) {
        self.services.mark_unhealthy(image);
    }

    /// How the images serve: what the sandbox's services start from.
    pub fn services(&self) -> &ServicePolicy {
        &self.services
    }

    /// `None` when a pod running these images never becomes ready.
    pub fn ready_after<'a>(&self, images: impl IntoIterator<Item = &'a str>) -> Option<Duration> {
        let mut longest = Duration::ZERO;
        for image in images {
            if self.bad.contains(image) || image.ends_with("-bad") {
                return None;
            }
            longest = longest.max(*self.delays.get(image).unwrap_or(&self.default_delay));
        }
        Some(longest)
    }
}
