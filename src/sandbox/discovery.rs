//! The discovery documents clients read before anything else.

use serde_json::{Value, json};

pub fn version() -> Value {
    json!({
        "major": "1", "minor": "33", "gitVersion": "v1.33.0-release-cockpit-sandbox",
        "gitCommit": "", "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "", "compiler": "rust", "platform": "linux/amd64"
    })
}

pub fn api_versions(server: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server}]
    })
}

pub fn api_groups() -> Value {
    json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [{
            "name": "apps",
            "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
            "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}
        }, {
            "name": "coordination.k8s.io",
            "versions": [{"groupVersion": "coordination.k8s.io/v1", "version": "v1"}],
            "preferredVersion": {"groupVersion": "coordination.k8s.io/v1", "version": "v1"}
        }]
    })
}

pub fn core_resources() -> Value {
    json!({
        "kind": "APIResourceList",
        "groupVersion": "v1",
        "resources": [
            {"name": "namespaces", "singularName": "namespace", "namespaced": false,
             "kind": "Namespace", "verbs": ["get", "list"], "shortNames": ["ns"]},
            {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
             "verbs": ["list"], "shortNames": ["po"], "categories": ["all"]},
            {"name": "configmaps", "singularName": "configmap", "namespaced": true,
             "kind": "ConfigMap", "verbs": STORED_VERBS, "shortNames": ["cm"]}
        ]
    })
}

/// What the sandbox does with the objects it only keeps.
const STORED_VERBS: [&str; 6] = ["get", "list", "watch", "create", "update", "delete"];

pub fn coordination_resources() -> Value {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "coordination.k8s.io/v1",
        "resources": [
            {"name": "leases", "singularName": "lease", "namespaced": true,
             "kind": "Lease", "verbs": STORED_VERBS}
        ]
    })
}

pub fn apps_resources() -> Value {
    let verbs = json!(["get", "list", "watch", "patch"]);
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "apps/v1",
        "resources": [
            {"name": "deployments", "singularName": "deployment", "namespaced": true,
             "kind": "Deployment", "verbs": verbs, "shortNames": ["deploy"], "categories": ["all"]},
            {"name": "replicasets", "singularName": "replicaset", "namespaced": true,
             "kind": "ReplicaSet", "verbs": ["get", "list", "watch"], "shortNames": ["rs"],
             "categories": ["all"]}
        ]
    })
}
