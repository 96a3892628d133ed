//! Which containers a target is, read whole from the engine: listed by name
//! or compose labels, then each inspected.

use std::collections::HashMap;

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, ContainerSummary};
use bollard::query_parameters::ListContainersOptions;

use super::Selector;
use super::connect::describe;
use super::labels::{COMPOSE_PROJECT, COMPOSE_SERVICE};

/// The names a deploy gives the container it replaced and one that never
/// became healthy: never part of the target themselves.
pub const PREVIOUS_SUFFIX: &str = "-previous";
pub const FAILED_SUFFIX: &str = "-failed";

/// The engine-side filter that narrows the list; [`is_member`] decides.
fn filters(selector: &Selector) -> HashMap<String, Vec<String>> {
    match selector {
        Selector::Container(name) => HashMap::from([("name".to_owned(), vec![name.clone()])]),
        Selector::Compose { project, service } => HashMap::from([(
            "label".to_owned(),
            vec![
                format!("{COMPOSE_PROJECT}={project}"),
                format!("{COMPOSE_SERVICE}={service}"),
            ],
        )]),
    }
}

/// Whether a container of this name (no leading `/`) and labels belongs to
/// the target: the engine's name filter matches parts of names too.
pub fn is_member(selector: &Selector, name: &str, labels: &HashMap<String, String>) -> bool {
    match selector {
        Selector::Container(wanted) => name == wanted,
        Selector::Compose { project, service } => {
            labels.get(COMPOSE_PROJECT) == Some(project)
                && labels.get(COMPOSE_SERVICE) == Some(service)
                && !name.ends_with(PREVIOUS_SUFFIX)
                && !name.ends_with(FAILED_SUFFIX)
        }
    }
}

fn summary_name(summary: &ContainerSummary) -> String {
    summary
        .names
        .as_ref()
        .and_then(|n| n.first())
        .map(|n| n.trim_start_matches('/').to_owned())
        .unwrap_or_default()
}

/// The target's containers as the list has them (cheap: one request), by
/// name. What they say (state, status text, image) tells whether anything
/// moved since the last full read.
pub async fn list(docker: &Docker, selector: &Selector) -> Result<Vec<ContainerSummary>, String> {
    let options = ListContainersOptions {
        all: true,
        filters: Some(filters(selector)),
        ..Default::default()
    };
    let mut found: Vec<ContainerSummary> = docker
        .list_containers(Some(options))
        .await
        .map_err(|e| describe(&e))?
        .into_iter()
        .filter(|s| {
            is_member(
                selector,
                &summary_name(s),
                &s.labels.clone().unwrap_or_default(),
            )
        })
        .collect();
    found.sort_by_key(summary_name);
    Ok(found)
}

/// What a list says of each container, to compare two lists by.
pub fn fingerprint(summaries: &[ContainerSummary]) -> Vec<(String, String, String)> {
    summaries
        .iter()
        .map(|s| {
            (
                s.id.clone().unwrap_or_default(),
                s.status.clone().unwrap_or_default(),
                s.image.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Every container of the target, inspected, by name. A container removed
/// between the list and its inspection is left out.
pub async fn read(
    docker: &Docker,
    selector: &Selector,
) -> Result<(Vec<ContainerSummary>, Vec<ContainerInspectResponse>), String> {
    let summaries = list(docker, selector).await?;
    let mut containers = Vec::with_capacity(summaries.len());
    for summary in &summaries {
        let Some(id) = &summary.id else { continue };
        match docker.inspect_container(id, None).await {
            Ok(container) => containers.push(container),
            Err(e) if super::connect::is_not_found(&e) => {}
            Err(e) => return Err(describe(&e)),
        }
    }
    Ok((summaries, containers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_matches_whole_and_a_service_leaves_out_the_kept_containers() {
        let by_name = Selector::Container("web".into());
        assert!(is_member(&by_name, "web", &HashMap::new()));
        assert!(!is_member(&by_name, "web-previous", &HashMap::new()));
        assert!(!is_member(&by_name, "webapp", &HashMap::new()));
        let service = Selector::Compose {
            project: "shop".into(),
            service: "web".into(),
        };
        let labels = HashMap::from([
            (COMPOSE_PROJECT.to_owned(), "shop".to_owned()),
            (COMPOSE_SERVICE.to_owned(), "web".to_owned()),
        ]);
        assert!(is_member(&service, "shop-web-1", &labels));
        assert!(!is_member(&service, "shop-web-1-previous", &labels));
        assert!(!is_member(&service, "shop-web-1", &HashMap::new()));
    }
}
