//! From a request's path and query to what it asks for.

use std::collections::HashMap;

use super::cluster::Kind;

/// What a request to the services asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `/metrics`: every service.
    Metrics,
    /// `/services/{namespace}/{name}/metrics`.
    ServiceMetrics { namespace: String, name: String },
    /// `/services/{namespace}/{name}/health`.
    ServiceHealth { namespace: String, name: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Version,
    Health,
    CoreVersions,
    Groups,
    CoreResources,
    AppsResources,
    CoordinationResources,
    Namespaces,
    Pods {
        namespace: String,
    },
    /// A collection: list or watch.
    Collection {
        kind: Kind,
        namespace: Option<String>,
    },
    Object {
        kind: Kind,
        namespace: String,
        name: String,
    },
    /// The simulated services' metrics and health.
    Service(Endpoint),
    Unknown,
}

pub fn route(path: &str) -> Route {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let kind = |resource: &str| match resource {
        "deployments" => Some(Kind::Deployment),
        "replicasets" => Some(Kind::ReplicaSet),
        _ => None,
    };
    let collection = |kind: Kind, namespace: Option<&str>| Route::Collection {
        kind,
        namespace: namespace.map(str::to_owned),
    };
    let object = |kind: Kind, namespace: &str, name: &str| Route::Object {
        kind,
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    const LEASES: &str = "coordination.k8s.io";
    match parts.as_slice() {
        ["api", "v1", "configmaps"] => collection(Kind::ConfigMap, None),
        ["api", "v1", "namespaces", ns, "configmaps"] => collection(Kind::ConfigMap, Some(ns)),
        ["api", "v1", "namespaces", ns, "configmaps", name] => object(Kind::ConfigMap, ns, name),
        ["apis", LEASES, "v1"] => Route::CoordinationResources,
        ["apis", LEASES, "v1", "leases"] => collection(Kind::Lease, None),
        ["apis", LEASES, "v1", "namespaces", ns, "leases"] => collection(Kind::Lease, Some(ns)),
        ["apis", LEASES, "v1", "namespaces", ns, "leases", name] => object(Kind::Lease, ns, name),
        ["version"] => Route::Version,
        ["healthz" | "readyz" | "livez"] => Route::Health,
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["api", "v1"] => Route::CoreResources,
        ["apis", "apps", "v1"] => Route::AppsResources,
        ["api", "v1", "namespaces"] => Route::Namespaces,
        ["api", "v1", "namespaces", ns, "pods"] => Route::Pods {
            namespace: (*ns).to_owned(),
        },
        ["apis", "apps", "v1", resource] => match kind(resource) {
            Some(kind) => Route::Collection {
                kind,
                namespace: None,
            },
            None => Route::Unknown,
        },
        ["apis", "apps", "v1", "namespaces", ns, resource] => match kind(resource) {
            Some(kind) => Route::Collection {
                kind,
                namespace: Some((*ns).to_owned()),
            },
            None => Route::Unknown,
        },
        ["apis", "apps", "v1", "namespaces", ns, resource, name] => match kind(resource) {
            Some(kind) => Route::Object {
                kind,
                namespace: (*ns).to_owned(),
                name: (*name).to_owned(),
            },
            None => Route::Unknown,
        },
        ["metrics"] => Route::Service(Endpoint::Metrics),
        ["services", ns, name, "metrics"] => Route::Service(Endpoint::ServiceMetrics {
            namespace: (*ns).to_owned(),
            name: (*name).to_owned(),
        }),
        ["services", ns, name, "health"] => Route::Service(Endpoint::ServiceHealth {
            namespace: (*ns).to_owned(),
            name: (*name).to_owned(),
        }),
        _ => Route::Unknown,
    }
}

/// The query string as a map, percent-decoded.
pub fn query(raw: Option<&str>) -> HashMap<String, String> {
    raw.unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_routes() {
        assert_eq!(
            route("/apis/apps/v1/namespaces/prod/deployments/web"),
            Route::Object {
                kind: Kind::Deployment,
                namespace: "prod".into(),
                name: "web".into()
            }
        );
        assert_eq!(
            route("/apis/apps/v1/replicasets"),
            Route::Collection {
                kind: Kind::ReplicaSet,
                namespace: None
            }
        );
        assert_eq!(route("/apis/batch/v1/jobs"), Route::Unknown);
        assert_eq!(
            route("/apis/coordination.k8s.io/v1/namespaces/release/leases/minor-2.4.0"),
            Route::Object {
                kind: Kind::Lease,
                namespace: "release".into(),
                name: "minor-2.4.0".into()
            }
        );
        assert_eq!(
            route("/api/v1/namespaces/release/configmaps"),
            Route::Collection {
                kind: Kind::ConfigMap,
                namespace: Some("release".into())
            }
        );
        assert_eq!(route("/metrics"), Route::Service(Endpoint::Metrics));
        assert_eq!(
            route("/services/production/checkout/health"),
            Route::Service(Endpoint::ServiceHealth {
                namespace: "production".into(),
                name: "checkout".into()
            })
        );
        assert_eq!(route("/services/production/health"), Route::Unknown);
    }

    #[test]
    fn queries_are_percent_decoded() {
        let q = query(Some(
            "labelSelector=app%3Dweb%2Ctier+in+%28a%29&watch=1&x=%zz",
        ));
        assert_eq!(q["labelSelector"], "app=web,tier in (a)");
        assert_eq!(q["watch"], "1");
        assert_eq!(q["x"], "%zz");
    }
}
