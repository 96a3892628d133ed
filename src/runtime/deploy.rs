//! Carries out a confirmed deploy: `set image` on each Deployment, one client
//! per target, each call bounded in time.

use crate::adapters::kubernetes::{self, Deploy, KubeTarget};
use crate::domain::rollout::DeployPlan;

/// Returns whether every Deployment took the change, and one line for each.
pub async fn run(targets: &[KubeTarget], plan: &DeployPlan, cause: &str) -> (bool, Vec<String>) {
    let mut results = Vec::new();
    let mut ok = true;
    for item in &plan.items {
        let Some(target) = targets.iter().find(|t| t.name == item.target) else {
            ok = false;
            results.push(format!(
                "{}/{}: target `{}` is not configured",
                item.namespace, item.name, item.target
            ));
            continue;
        };
        let outcome = match kubernetes::connect(target).await {
            Ok((client, _)) => {
                let request = Deploy {
                    namespace: item.namespace.clone(),
                    name: item.name.clone(),
                    container: Some(item.container.clone()),
                    image: item.to.clone(),
                    change_cause: cause.to_owned(),
                    dry_run: plan.dry_run,
                };
                kubernetes::set_image(client, &request).await
            }
            Err(error) => Err(error),
        };
        match outcome {
            Ok(_) => results.push(format!(
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
                results.push(error);
            }
        }
    }
    (ok, results)
}
