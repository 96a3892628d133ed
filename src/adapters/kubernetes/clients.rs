//! One client per target, built the first time a watch, a deploy or a
//! rollback asks for it, and shared after that: a client holds its
//! connection pool and its credentials, so a deploy of ten Deployments reads
//! the kubeconfig once, not ten times. A client that could not be built is
//! not remembered: the next caller tries again.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use kube::Client;
use tokio::sync::OnceCell;

use super::client::connect;
use super::target::KubeTarget;
use crate::domain::rollout::ConnectError;

/// A client and the namespace its target means.
pub type Connected = (Client, String);
/// A client being built.
pub type Connecting = Pin<Box<dyn Future<Output = Result<Connected, ConnectError>> + Send>>;
type Factory = dyn Fn(KubeTarget) -> Connecting + Send + Sync;

/// The clients of every target, by target name (names are unique in the
/// configuration). Cheap to clone: clones share the clients.
#[derive(Clone)]
pub struct Clients {
    factory: Arc<Factory>,
    built: Arc<Mutex<HashMap<String, Arc<OnceCell<Connected>>>>>,
}

impl Default for Clients {
    /// Clients as kubectl would build them ([`connect`]).
    fn default() -> Self {
        Self::with_factory(|target| Box::pin(async move { connect(&target).await }))
    }
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Clients")
            .field("targets", &built.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Clients {
    /// Clients built by `factory` (tests count what it builds).
    pub fn with_factory(
        factory: impl Fn(KubeTarget) -> Connecting + Send + Sync + 'static,
    ) -> Self {
        Self {
            factory: Arc::new(factory),
            built: Arc::default(),
        }
    }

    /// The target's client, built now if no caller has built it yet. Callers
    /// that ask at the same time wait for the one build.
    pub async fn get(&self, target: &KubeTarget) -> Result<Connected, ConnectError> {
        let cell = self
            .built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(target.name.clone())
            .or_default()
            .clone();
        cell.get_or_try_init(|| (self.factory)(target.clone()))
            .await
            .cloned()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    pub(crate) fn target(name: &str) -> KubeTarget {
        KubeTarget {
            name: name.to_owned(),
            kubeconfig: None,
            context: None,
            namespace: Some("production".to_owned()),
            deployment: None,
            selector: None,
            container: None,
            image: None,
            environment: None,
            liveness: Default::default(),
        }
    }

    /// A client for a server nobody runs, and how many were built.
    pub(crate) fn counted() -> (Clients, Arc<AtomicUsize>) {
        let built = Arc::new(AtomicUsize::new(0));
        let count = built.clone();
        let clients = Clients::with_factory(move |target| {
            count.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                let config = kube::Config::new("http://127.0.0.1:9".parse().map_err(|_| {
                    ConnectError::Client {
                        target: target.name.clone(),
                        cause: "bad url".into(),
                    }
                })?);
                let client = Client::try_from(config).map_err(|e| ConnectError::Client {
                    target: target.name.clone(),
                    cause: e.to_string(),
                })?;
                Ok((client, "production".to_owned()))
            })
        });
        (clients, built)
    }

    #[tokio::test]
    async fn one_client_is_built_per_target_however_many_ask_at_once() {
        let (clients, built) = counted();
        let (eu, us) = (target("eu"), target("us"));
        let asks = futures::future::join_all([
            clients.get(&eu),
            clients.get(&eu),
            clients.get(&us),
            clients.get(&eu),
        ])
        .await;
        assert!(asks.iter().all(Result::is_ok));
        assert_eq!(built.load(Ordering::SeqCst), 2);
        let (_, namespace) = clients.clone().get(&eu).await.unwrap();
        assert_eq!(namespace, "production");
        assert_eq!(built.load(Ordering::SeqCst), 2, "clones share the clients");
    }

    #[tokio::test]
    async fn a_client_that_could_not_be_built_is_tried_again() {
        let attempts = Arc::new(AtomicUsize::new(0));
        let count = attempts.clone();
        let clients = Clients::with_factory(move |target| {
            count.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                Err(ConnectError::Kubeconfig {
                    target: target.name,
                    cause: "no current context".into(),
                })
            })
        });
        for _ in 0..2 {
            let Err(error) = clients.get(&target("eu")).await else {
                panic!("nothing was built");
            };
            assert_eq!(
                error.to_string(),
                "target eu: kubeconfig: no current context"
            );
        }
        assert_eq!(attempts.load(Ordering::SeqCst), 2);
    }
}
