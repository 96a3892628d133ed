//! What the sandbox starts with: namespaces, Deployments and how their images
//! behave. The demo world is a few services in two namespaces with some history.

use std::collections::BTreeMap;
use std::time::Duration;

use super::images::ImagePolicy;
use super::services::Regression;

/// One Deployment of the starting world, with the images it went through
/// (oldest first) so that it has revision history.
#[derive(Debug, Clone)]
pub struct WorldDeployment {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub replicas: i32,
    pub container: String,
    pub images: Vec<String>,
    pub progress_deadline_seconds: i32,
    pub paused: bool,
}

impl WorldDeployment {
    pub fn new(namespace: &str, name: &str, image_history: &[&str]) -> Self {
        Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            labels: BTreeMap::from([("app".to_owned(), name.to_owned())]),
            replicas: 3,
            container: name.to_owned(),
            images: image_history.iter().map(|s| (*s).to_owned()).collect(),
            progress_deadline_seconds: 600,
            paused: false,
        }
    }

    #[must_use]
    pub fn replicas(mut self, n: i32) -> Self {
        self.replicas = n;
        self
    }

    #[must_use]
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_owned(), value.to_owned());
        self
    }

    #[must_use]
    pub fn progress_deadline(mut self, seconds: i32) -> Self {
        self.progress_deadline_seconds = seconds;
        self
    }

    #[must_use]
    pub fn paused(mut self) -> Self {
        self.paused = true;
        self
    }
}

/// The demo's bad release and how it goes bad.
pub const DEMO_REGRESSED: &str = "registry.example.com/shop/checkout:2.4.0";
pub const DEMO_REGRESSION: Regression = Regression {
    error_ratio: 0.07,
    latency_factor: 3.0,
    after: Duration::from_secs(60),
    health_fails: false,
};

#[derive(Debug, Clone, Default)]
pub struct World {
    pub deployments: Vec<WorldDeployment>,
    pub images: ImagePolicy,
}

impl World {
    /// `checkout`, `billing` and `web` in `staging` and `production`, each a
    /// few releases old; staging already runs the release candidate. The
    /// next checkout, 2.4.0, is a bad release: a minute after its first pod
    /// is ready, 7% of its requests fail and it answers three times slower.
    pub fn demo() -> Self {
        Self::demo_at_speed(1)
    }

    /// The demo with its clock `speed` times faster: pods get ready and the
    /// bad release goes bad that much sooner (`release-cockpit demo --speed`).
    pub fn demo_at_speed(speed: u32) -> Self {
        let speed = speed.max(1);
        let mut deployments = Vec::new();
        for (name, replicas) in [("checkout", 3), ("billing", 2), ("web", 4)] {
            let image = |tag: &str| format!("registry.example.com/shop/{name}:{tag}");
            let history = [image("2.2.0"), image("2.3.0"), image("2.3.1")];
            let refs: Vec<&str> = history.iter().map(String::as_str).collect();
            let production = WorldDeployment::new("production", name, &refs)
                .replicas(replicas)
                .label("tier", "shop");
            let staging_history = [image("2.3.1"), image("2.4.0-rc.1")];
            let refs: Vec<&str> = staging_history.iter().map(String::as_str).collect();
            let staging = WorldDeployment::new("staging", name, &refs)
                .replicas(1)
                .label("tier", "shop");
            deployments.push(staging);
            deployments.push(production);
        }
        let mut images = ImagePolicy::new(Duration::from_secs(3) / speed);
        images.regress(
            DEMO_REGRESSED,
            Regression {
                after: DEMO_REGRESSION.after / speed,
                ..DEMO_REGRESSION
            },
        );
        Self {
            deployments,
            images,
        }
    }

    /// `count` Deployments in the namespace `bench`, for the benchmarks.
    pub fn many(count: usize) -> Self {
        let deployments = (0..count)
            .map(|i| {
                let name = format!("svc-{i:04}");
                let image = format!("registry.example.com/bench/{name}:1.0.{}", i % 7);
                WorldDeployment::new("bench", &name, &[image.as_str()])
                    .replicas(2)
                    .label("bench", "yes")
            })
            .collect();
        Self {
            deployments,
            images: ImagePolicy::new(Duration::from_millis(500)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_images_never_get_ready_and_the_slowest_container_wins() {
        let mut policy =
            ImagePolicy::new(Duration::from_secs(1)).with_delay("slow:1", Duration::from_secs(9));
        policy.mark_bad("broken:1");
        assert_eq!(
            policy.ready_after(["a:1", "slow:1"]),
            Some(Duration::from_secs(9))
        );
        assert_eq!(policy.ready_after(["a:1", "broken:1"]), None);
        assert_eq!(policy.ready_after(["app:2.0.0-bad"]), None);
    }
}
