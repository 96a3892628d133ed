//! The sandbox's lifecycle: seed the world, serve HTTP on loopback, run the
//! controller, and stop and come back on demand.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::cluster::Cluster;
use super::faults::Faults;
use super::images::ImagePolicy;
use super::objects::CHANGE_CAUSE;
use super::patch::PatchType;
use super::services::Services;
use super::shared::{RequestCounts, Shared};
use super::world::{World, WorldDeployment};

pub struct Sandbox {
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    /// The accept task `stop` aborted, awaited before binding again: until it
    /// is dropped its listener still holds the port.
    stopped: Option<JoinHandle<()>>,
    controller: JoinHandle<()>,
}

impl Sandbox {
    /// Seeds `world` and serves it on `addr` (port 0 picks a free one).
    pub async fn start(world: World, addr: SocketAddr) -> io::Result<Self> {
        let cluster = Arc::new(Cluster::new(world.images.clone()));
        seed(&cluster, &world);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let services = Services::new(world.images.services().clone(), Instant::now());
        let shared = Arc::new(Shared {
            cluster,
            services,
            faults: Faults::default(),
            counts: RequestCounts::default(),
            bookmark_every: Duration::from_secs(5),
            shutdown: watch::channel(false).0,
            addr,
        });
        let controller = tokio::spawn(run_controller(shared.clone()));
        let accept = Some(tokio::spawn(serve(shared.clone(), listener)));
        Ok(Self {
            shared,
            accept,
            stopped: None,
            controller,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.shared.cluster
    }

    /// The simulated services: change how an image serves while running.
    pub fn services(&self) -> &Services {
        &self.shared.services
    }

    /// Where Prometheus (or the cockpit) scrapes every service.
    pub fn metrics_url(&self) -> String {
        format!("{}/metrics", self.url())
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    pub fn counts(&self) -> &RequestCounts {
        &self.shared.counts
    }

    /// The HTTP side goes away (open connections are cut); the cluster and
    /// its controller go on, as when an API server restarts.
    pub fn stop(&mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(accept) = self.accept.take() {
            accept.abort();
            self.stopped = Some(accept);
        }
    }

    /// Serves again on the same address.
    pub async fn resume(&mut self) -> io::Result<()> {
        if self.accept.is_some() {
            return Ok(());
        }
        if let Some(stopped) = self.stopped.take() {
            let _ = stopped.await;
        }
        let listener = TcpListener::bind(self.shared.addr).await?;
        self.shared.shutdown.send_replace(false);
        self.accept = Some(tokio::spawn(serve(self.shared.clone(), listener)));
        Ok(())
    }

    /// Waits until the controller has nothing in motion (for tests and scripts).
    pub async fn settle(&self, timeout: Duration) -> bool {
        let until = Instant::now() + timeout;
        while Instant::now() < until {
            if !self.shared.cluster.reconcile(Instant::now()) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
        self.controller.abort();
    }
}

async fn serve(shared: Arc<Shared>, listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        let mut shutdown = shared.shutdown.subscribe();
        tokio::spawn(async move {
            let service = service_fn(move |request| super::http::handle(shared.clone(), request));
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            // Shutdown first: a request that reached a kept-alive connection
            // after `stop` is never served (a random pick could serve it).
            tokio::select! {
                biased;
                _ = shutdown.wait_for(|stopped| *stopped) => {}
                _ = connection => {}
            }
        });
    }
}

/// Runs the controller while something is in motion, and sleeps otherwise.
async fn run_controller(shared: Arc<Shared>) {
    const TICK: Duration = Duration::from_millis(100);
    loop {
        let busy = shared.cluster.reconcile(Instant::now());
        if busy {
            tokio::time::sleep(TICK).await;
        } else {
            shared.cluster.changed().await;
        }
    }
}

/// Creates the world's Deployments and rolls each through its image history
/// at once, so that it starts with settled revisions.
pub(super) fn seed(cluster: &Cluster, world: &World) {
    let real = std::mem::replace(&mut cluster.lock().images, ImagePolicy::new(Duration::ZERO));
    for spec in &world.deployments {
        let Some((first, rest)) = spec.images.split_first() else {
            continue;
        };
        let (namespace, name) = cluster.create_deployment(deployment(spec, first));
        settle_now(cluster);
        for image in rest {
            let patch = json!({
                "metadata": {"annotations": {CHANGE_CAUSE: format!("release {}", tag_of(image))}},
                "spec": {"template": {"spec": {"containers": [{"name": spec.container, "image": image}]}}}
            });
            let _ = cluster.patch_deployment(
                &namespace,
                &name,
                PatchType::Strategic,
                patch.to_string().as_bytes(),
                false,
            );
            settle_now(cluster);
        }
        if spec.paused {
            let patch = json!({"spec": {"paused": true}}).to_string();
            let _ = cluster.patch_deployment(
                &namespace,
                &name,
                PatchType::Merge,
                patch.as_bytes(),
                false,
            );
            settle_now(cluster);
        }
    }
    cluster.lock().images = real;
}

fn settle_now(cluster: &Cluster) {
    for _ in 0..64 {
        if !cluster.reconcile(Instant::now()) {
            return;
        }
    }
}

fn tag_of(image: &str) -> &str {
    image.rsplit_once(':').map_or(image, |(_, tag)| tag)
}

fn deployment(spec: &WorldDeployment, image: &str) -> Deployment {
    let labels = spec.labels.clone();
    Deployment {
        metadata: ObjectMeta {
            name: Some(spec.name.clone()),
            namespace: Some(spec.namespace.clone()),
            labels: Some(labels.clone()),
            annotations: Some(
                [(
                    CHANGE_CAUSE.to_owned(),
                    format!("release {}", tag_of(image)),
                )]
                .into(),
            ),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(spec.replicas),
            progress_deadline_seconds: Some(spec.progress_deadline_seconds),
            revision_history_limit: Some(10),
            selector: LabelSelector {
                match_labels: Some([("app".to_owned(), spec.name.clone())].into()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: spec.container.clone(),
                        image: Some(image.to_owned()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}
