//! The three patch types a client may send for a Deployment. Strategic merge is
//! implemented for the lists a Deployment has (containers by name, env by name,
//! ports by containerPort, ...) and the `$patch`, `$setElementOrder` and
//! `$retainKeys` directives kubectl sends.

use serde_json::{Map, Value};

use super::objects::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Strategic,
    Merge,
    Json,
}

impl PatchType {
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        match content_type.split(';').next().map(str::trim) {
            Some("application/strategic-merge-patch+json") => Some(Self::Strategic),
            Some("application/merge-patch+json") => Some(Self::Merge),
            Some("application/json-patch+json") => Some(Self::Json),
            _ => None,
        }
    }
}

pub fn apply(target: &mut Value, kind: PatchType, body: &[u8]) -> Result<(), ApiError> {
    let patch: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    match kind {
        PatchType::Merge => {
            json_patch::merge(target, &patch);
            Ok(())
        }
        PatchType::Json => {
            let ops: json_patch::Patch = serde_json::from_value(patch)
                .map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
            json_patch::patch(target, &ops)
                .map_err(|e| ApiError::new(422, "Invalid", format!("the JSON patch failed: {e}")))
        }
        PatchType::Strategic => {
            strategic_merge(target, &patch);
            Ok(())
        }
    }
}

/// The field a list of objects is merged on, keyed by the list's field name.
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "ports" => Some("containerPort"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "tolerations" => Some("key"),
        "conditions" => Some("type"),
        _ => None,
    }
}

fn is_directive(key: &str) -> bool {
    key == "$retainKeys"
        || key.starts_with("$setElementOrder/")
        || key.starts_with("$deleteFromPrimitiveList/")
}

fn strategic_merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if patch.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replaced = patch.clone();
        replaced.remove("$patch");
        *target = Value::Object(replaced);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target) = target else {
        return;
    };
    for (key, value) in patch {
        if is_directive(key) || key == "$patch" {
            continue;
        }
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Array(items) => match (merge_key(key), target.get_mut(key)) {
                (Some(mk), Some(Value::Array(existing))) => merge_list(existing, items, mk),
                _ => {
                    target.insert(key.clone(), Value::Array(without_deletes(items)));
                }
            },
            Value::Object(_) => {
                strategic_merge(target.entry(key.clone()).or_insert(Value::Null), value)
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn without_deletes(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter(|item| item.get("$patch").and_then(Value::as_str) != Some("delete"))
        .cloned()
        .collect()
}

fn merge_list(existing: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let id = item.get(key);
        let position = id.and_then(|id| existing.iter().position(|e| e.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (position, delete) {
            (Some(at), true) => {
                existing.remove(at);
            }
            (Some(at), false) => strategic_merge(&mut existing[at], item),
            (None, false) => {
                let mut fresh = Value::Null;
                strategic_merge(&mut fresh, item);
                existing.push(fresh);
            }
            (None, true) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": "app:1", "env": [{"name": "A", "value": "1"}]},
            {"name": "sidecar", "image": "proxy:1"}
        ]}}}})
    }

    #[test]
    fn strategic_merge_sets_one_containers_image_by_name() {
        let mut d = deployment();
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
            "containers": [{"name": "app", "image": "app:2"}]}}}});
        apply(&mut d, PatchType::Strategic, patch.to_string().as_bytes()).unwrap();
        let containers = &d["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers[0]["image"], "app:2");
        assert_eq!(containers[0]["env"][0]["value"], "1");
        assert_eq!(containers[1]["image"], "proxy:1");
    }

    #[test]
    fn strategic_merge_deletes_and_removes() {
        let mut d = deployment();
        let patch = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "sidecar", "$patch": "delete"}, {"name": "new", "image": "n:1"}]}}}});
        apply(&mut d, PatchType::Strategic, patch.to_string().as_bytes()).unwrap();
        let names: Vec<_> = d["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["app", "new"]);
        let merge = json!({"spec": {"template": null}});
        apply(&mut d, PatchType::Merge, merge.to_string().as_bytes()).unwrap();
        assert!(d["spec"].get("template").is_none());
    }

    #[test]
    fn json_patch_replaces_and_reports_a_bad_path() {
        let mut d = deployment();
        let ops = json!([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "app:3"}]);
        apply(&mut d, PatchType::Json, ops.to_string().as_bytes()).unwrap();
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"][0]["image"],
            "app:3"
        );
        let bad = json!([{"op": "replace", "path": "/nope/x", "value": 1}]);
        let err = apply(&mut d, PatchType::Json, bad.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.code, 422);
    }
}
