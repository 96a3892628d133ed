//! Carries out a confirmed deploy, item by item, each with its target's
//! adapter (see `targets.rs`), each bounded in time.

use super::targets::{Acting, TargetSet};
use crate::domain::rollout::{ActionError, DeployItem, DeployPlan};

/// Returns whether every item took the change, and one line for each.
pub async fn run(
    targets: &TargetSet,
    plan: &DeployPlan,
    cause: &str,
    acting: &Acting,
) -> (bool, Vec<String>) {
    let mut results = Vec::new();
    let mut ok = true;
    // A compose service's replicas go one after another, and stop at the
    // first that fails, as a rolling update does.
    let mut halted: Vec<&str> = Vec::new();
    for item in &plan.items {
        if halted.contains(&item.target.as_str()) {
            results.push(
                ActionError::Halted {
                    target: item.target.clone(),
                    name: format!("{}/{}", item.namespace, item.name),
                }
                .to_string(),
            );
            continue;
        }
        match targets.deploy(item, plan.dry_run, cause, acting).await {
            Ok(line) => results.push(line),
            Err(error) => {
                ok = false;
                if item.kind == crate::domain::rollout::UnitKind::Container {
                    halted.push(&item.target);
                }
                results.push(line(item, &error));
            }
        }
    }
    (ok, results)
}

/// The journal's line for a unit the deploy did not change; every other
/// error names its unit already.
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
    use crate::config::Targets;
    use crate::domain::rollout::UnitKind;

    fn item(target: &str, name: &str) -> DeployItem {
        DeployItem {
            target: target.into(),
            kind: UnitKind::Deployment,
            environment: "production".into(),
            namespace: "production".into(),
            name: name.into(),
            container: "app".into(),
            from: "app:1".into(),
            to: "app:2".into(),
            commands: Vec::new(),
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
        let targets = TargetSet::new(
            Targets {
                kubernetes: vec![target("eu"), target("us")],
                command: Vec::new(),
                docker: Vec::new(),
            },
            clients,
            std::env::temp_dir(),
        );
        let (mailbox, _inbox) = tokio::sync::mpsc::unbounded_channel();
        let acting = Acting {
            release: "r".into(),
            operator: "alice".into(),
            mailbox,
        };
        let (ok, results) = run(&targets, &plan, "test", &acting).await;
        assert!(!ok, "nobody serves the API: {results:?}");
        assert_eq!(built.load(Ordering::SeqCst), 2, "{results:?}");
        assert_eq!(
            results[3],
            "production/checkout: target `gone` is not configured"
        );
    }
}
