//! A client as kubectl would build it: kubeconfig from the target, else
//! `KUBECONFIG`, else `~/.kube/config`; the named context or the current one.

use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use super::target::KubeTarget;
use crate::domain::rollout::ConnectError;

/// The client and the namespace the target means.
pub async fn connect(target: &KubeTarget) -> Result<(Client, String), ConnectError> {
    let options = KubeConfigOptions {
        context: target.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = match &target.kubeconfig {
        Some(path) => {
            let kubeconfig =
                Kubeconfig::read_from(path).map_err(|e| ConnectError::ReadKubeconfig {
                    target: target.name.clone(),
                    path: path.clone(),
                    cause: e.to_string(),
                })?;
            Config::from_custom_kubeconfig(kubeconfig, &options).await
        }
        None => Config::from_kubeconfig(&options).await,
    }
    .map_err(|e| ConnectError::Kubeconfig {
        target: target.name.clone(),
        cause: e.to_string(),
    })?;
    config.connect_timeout = Some(Duration::from_secs(5));
    // Long enough for a watch to wait for its next event.
    config.read_timeout = Some(Duration::from_secs(330));
    let namespace = target
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let client = Client::try_from(config).map_err(|e| ConnectError::Client {
        target: target.name.clone(),
        cause: e.to_string(),
    })?;
    Ok((client, namespace))
}
