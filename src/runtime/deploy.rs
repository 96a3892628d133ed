//! Carries out a confirmed deploy: `set image` on each Deployment, with its
//! target's one shared client, each call bounded in time.

use crate::adapters::kubernetes::{self, Clients, Deploy, KubeTarget};
use crate::domain::rollout::{ActionError, DeployItem, DeployPlan};

/// Returns whether every Deployment took the change, and one line for each.
pub async fn run(
    clients: &Clients,
    targets: &[KubeTarget],
    plan: &DeployPlan,
    cause: &str,
) -> (bool, Vec<String>) {
    let mut results = Vec::new();
    let mut ok = true;
    for item in &plan.items {
        match deploy(clients, targets, plan, item, cause).await {
            Ok(()) => results.push(format!(
                "{}/{} {}",
                item.namespace,
                item.name,
                if plan.dry_run {
                    "accepted (dry run)"
                } else {
                    "patched"
                }
            )),
            Err(error) => {
                ok = false;
                results.push(line(item, &error));
            }
        }
    }
    (ok, results)
}

async fn deploy(
    clients: &Clients,
    targets: &[KubeTarget],
    plan: &DeployPlan,
    item: &DeployItem,
    cause: &str,
) -> Result<(), ActionError> {
    let target = targets
        .iter()
        .find(|t| t.name == item.target)
        .ok_or_else(|| ActionError::UnknownTarget {
            target: item.target.clone(),
        })?;
    let (client, _) = clients.get(target).await?;
    let request = Deploy {
        namespace: item.namespace.clone(),
        name: item.name.clone(),
        container: Some(item.container.clone()),
        image: item.to.clone(),
        change_cause: cause.to_owned(),
        dry_run: plan.dry_run,
    };
    kubernetes::set_image(client, &request).await.map(|_| ())
}

/// The journal's line for a Deployment the deploy did not change; every
/// other error names its Deployment already.
fn line(item: &DeployItem, error: &ActionError) -> String {
    match error {
        ActionError::UnknownTarget { .. } => {
            format!("{}/{}: {error}", item.namespace, item.name)
        }
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::adapters::kubernetes::clients::tests::{counted, target};

    fn item(target: &str, name: &str) -> DeployItem {
        DeployItem {
            target: target.into(),
            environment: "production".into(),
            namespace: "production".into(),
            name: name.into(),
            container: "app".into(),
            from: "app:1".into(),
            to: "app:2".into(),
        }
    }

    #[tokio::test]
    async fn a_deploy_builds_one_client_per_target_not_one_per_deployment() {
        let (clients, built) = counted();
        let plan = DeployPlan {
            version: "2".into(),
            release_id: "r".into(),
            items: vec![
                item("eu", "checkout"),
                item("eu", "cart"),
                item("us", "checkout"),
                item("gone", "checkout"),
            ],
            dry_run: false,
            step: None,
            held_back: Vec::new(),
        };
        let (ok, results) = run(&clients, &[target("eu"), target("us")], &plan, "test").await;
        assert!(!ok, "nobody serves the API: {results:?}");
        assert_eq!(built.load(Ordering::SeqCst), 2, "{results:?}");
        assert_eq!(
            results[3],
            "production/checkout: target `gone` is not configured"
        );
    }
}
