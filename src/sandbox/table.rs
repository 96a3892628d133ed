//! The `Table` form kubectl asks for (`Accept: ...;as=Table;g=meta.k8s.io`),
//! so that `kubectl get deployments` prints READY, UP-TO-DATE and AVAILABLE
//! as against a real API server.

use std::time::SystemTime;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use serde_json::{Value, json};

use super::cluster::Kind;

/// Whether the client wants a Table rather than the objects.
pub fn wanted(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| a.contains("as=Table"))
}

fn column(name: &str, kind: &str, priority: u8) -> Value {
    json!({"name": name, "type": kind, "format": if name == "Name" { "name" } else { "" },
           "description": "", "priority": priority})
}

fn age(created: Option<i64>) -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let seconds = created.map_or(0, |c| (now - c).max(0));
    match seconds {
        0..120 => format!("{seconds}s"),
        120..7200 => format!("{}m", seconds / 60),
        7200..172_800 => format!("{}h", seconds / 3600),
        _ => format!("{}d", seconds / 86_400),
    }
}

fn row(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    cells: Vec<Value>,
) -> Value {
    json!({
        "cells": cells,
        "object": {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": meta,
        }
    })
}

fn images(spec: Option<&k8s_openapi::api::core::v1::PodSpec>) -> (String, String) {
    let containers = spec.map(|p| p.containers.as_slice()).unwrap_or_default();
    let names = containers
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join(",");
    let images = containers
        .iter()
        .filter_map(|c| c.image.clone())
        .collect::<Vec<_>>()
        .join(",");
    (names, images)
}

/// A Table of these objects (each the stored JSON).
pub fn table(kind: Kind, items: &[bytes::Bytes], resource_version: u64) -> Value {
    let (columns, rows): (Vec<Value>, Vec<Value>) = match kind {
        Kind::Deployment => (
            vec![
                column("Name", "string", 0),
                column("Ready", "string", 0),
                column("Up-to-date", "integer", 0),
                column("Available", "integer", 0),
                column("Age", "string", 0),
                column("Containers", "string", 1),
                column("Images", "string", 1),
            ],
            items
                .iter()
                .filter_map(|json| serde_json::from_slice::<Deployment>(json).ok())
                .map(|d| {
                    let status = d.status.clone().unwrap_or_default();
                    let spec = d.spec.clone().unwrap_or_default();
                    let (names, images) = images(spec.template.spec.as_ref());
                    let created = d
                        .metadata
                        .creation_timestamp
                        .as_ref()
                        .map(|t| t.0.as_second());
                    row(
                        &d.metadata,
                        vec![
                            json!(d.metadata.name),
                            json!(format!(
                                "{}/{}",
                                status.ready_replicas.unwrap_or(0),
                                spec.replicas.unwrap_or(1)
                            )),
                            json!(status.updated_replicas.unwrap_or(0)),
                            json!(status.available_replicas.unwrap_or(0)),
                            json!(age(created)),
                            json!(names),
                            json!(images),
                        ],
                    )
                })
                .collect(),
        ),
        Kind::ReplicaSet => (
            vec![
                column("Name", "string", 0),
                column("Desired", "integer", 0),
                column("Current", "integer", 0),
                column("Ready", "integer", 0),
                column("Age", "string", 0),
                column("Containers", "string", 1),
                column("Images", "string", 1),
            ],
            items
                .iter()
                .filter_map(|json| serde_json::from_slice::<ReplicaSet>(json).ok())
                .map(|rs| {
                    let status = rs.status.clone().unwrap_or_default();
                    let spec = rs.spec.clone().unwrap_or_default();
                    let (names, images) =
                        images(spec.template.as_ref().and_then(|t| t.spec.as_ref()));
                    let created = rs
                        .metadata
                        .creation_timestamp
                        .as_ref()
                        .map(|t| t.0.as_second());
                    row(
                        &rs.metadata,
                        vec![
                            json!(rs.metadata.name),
                            json!(spec.replicas.unwrap_or(0)),
                            json!(status.replicas),
                            json!(status.ready_replicas.unwrap_or(0)),
                            json!(age(created)),
                            json!(names),
                            json!(images),
                        ],
                    )
                })
                .collect(),
        ),
        Kind::Lease | Kind::ConfigMap => stored_table(kind, items),
    };
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version.to_string()},
        "columnDefinitions": columns,
        "rows": rows,
    })
}

/// `kubectl get lease` prints NAME, HOLDER and AGE; `kubectl get configmap`
/// NAME, DATA and AGE.
fn stored_table(kind: Kind, items: &[bytes::Bytes]) -> (Vec<Value>, Vec<Value>) {
    let columns = vec![
        column("Name", "string", 0),
        match kind {
            Kind::Lease => column("Holder", "string", 0),
            _ => column("Data", "integer", 0),
        },
        column("Age", "string", 0),
    ];
    let rows = items
        .iter()
        .filter_map(|json| serde_json::from_slice::<Value>(json).ok())
        .map(|object| {
            let meta: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta =
                serde_json::from_value(object["metadata"].clone()).unwrap_or_default();
            let created = meta.creation_timestamp.as_ref().map(|t| t.0.as_second());
            let middle = match kind {
                Kind::Lease => json!(
                    object
                        .pointer("/spec/holderIdentity")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                ),
                _ => json!(
                    ["data", "binaryData"]
                        .iter()
                        .filter_map(|f| object.get(*f).and_then(Value::as_object))
                        .map(serde_json::Map::len)
                        .sum::<usize>()
                ),
            };
            row(&meta, vec![json!(meta.name), middle, json!(age(created))])
        })
        .collect();
    (columns, rows)
}
