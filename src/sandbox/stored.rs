//! The objects the sandbox only keeps, as the API server keeps them: Leases
//! and ConfigMaps are created (`POST`, 409 when the name is taken), replaced
//! (`PUT`, 409 when the `resourceVersion` sent is not the current one: the
//! optimistic concurrency leader election and mirrors rely on) and deleted,
//! each change a new `resourceVersion` that lists and watches see.

use bytes::Bytes;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::ConfigMap;
use serde_json::Value;

use super::cluster::{Cluster, Key, Kind, Stored, labels_of};
use super::objects::{ApiError, now_time};

/// The most a ConfigMap may hold, as the API server counts it (its data and
/// binary data together).
pub const CONFIGMAP_LIMIT: usize = 1 << 20;

impl Cluster {
    /// `POST` to a namespace's collection.
    pub fn create(
        &self,
        kind: Kind,
        namespace: &str,
        body: &[u8],
        dry_run: bool,
    ) -> Result<Bytes, ApiError> {
        let mut object = decode(kind, body)?;
        let name = name_in(&object)
            .ok_or_else(|| {
                ApiError::invalid(
                    kind.resource(),
                    "",
                    "metadata.name: Required value: name or generateName is required",
                )
            })?
            .to_owned();
        same_namespace(&object, namespace)?;
        if object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .is_some_and(|rv| !rv.is_empty())
        {
            return Err(ApiError::invalid(
                kind.resource(),
                &name,
                "metadata.resourceVersion: Invalid value: must be empty on create",
            ));
        }
        validate(kind, &name, &object)?;
        let key = (namespace.to_owned(), name.clone());
        let mut state = self.lock();
        if state
            .stored
            .get(&kind)
            .is_some_and(|objects| objects.contains_key(&key))
        {
            return Err(ApiError::already_exists(kind.resource(), &name));
        }
        let uid = Cluster::next_uid(&mut state);
        let meta = &mut object["metadata"];
        meta["namespace"] = Value::from(namespace);
        meta["uid"] = Value::from(uid);
        meta["creationTimestamp"] = serde_json::to_value(now_time()).unwrap_or_default();
        if dry_run {
            return Ok(Bytes::from(object.to_string()));
        }
        Ok(store(&mut state, kind, key, object, "ADDED"))
    }

    /// `PUT` of one object: the whole of it replaced, refused with 409 when
    /// its `resourceVersion` is not the stored one (none sent: unconditional,
    /// as these kinds allow).
    pub fn replace(
        &self,
        kind: Kind,
        namespace: &str,
        name: &str,
        body: &[u8],
    ) -> Result<Bytes, ApiError> {
        let mut object = decode(kind, body)?;
        if name_in(&object) != Some(name) {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                name_in(&object).unwrap_or_default()
            )));
        }
        same_namespace(&object, namespace)?;
        validate(kind, name, &object)?;
        let key = (namespace.to_owned(), name.to_owned());
        let mut state = self.lock();
        let current = state
            .stored
            .get(&kind)
            .and_then(|objects| objects.get(&key))
            .map(|s| s.object.clone())
            .ok_or_else(|| ApiError::not_found(kind.resource(), name))?;
        let sent = object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .filter(|rv| !rv.is_empty());
        let stored_rv = current
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str);
        if sent.is_some() && sent != stored_rv {
            return Err(ApiError::conflict(kind.resource(), name));
        }
        // What the server owns stays the server's.
        for field in ["namespace", "uid", "creationTimestamp", "resourceVersion"] {
            object["metadata"][field] = current["metadata"][field].clone();
        }
        if object == current {
            return Ok(Bytes::from(current.to_string()));
        }
        Ok(store(&mut state, kind, key, object, "MODIFIED"))
    }

    /// `DELETE` of one object: gone, and watches told so.
    pub fn delete(&self, kind: Kind, namespace: &str, name: &str) -> Result<Bytes, ApiError> {
        let key = (namespace.to_owned(), name.to_owned());
        let mut state = self.lock();
        let mut object = state
            .stored
            .get_mut(&kind)
            .and_then(|objects| objects.remove(&key))
            .map(|s| s.object)
            .ok_or_else(|| ApiError::not_found(kind.resource(), name))?;
        state.rv += 1;
        object["metadata"]["resourceVersion"] = Value::from(state.rv.to_string());
        let json = Bytes::from(object.to_string());
        let labels = labels_of(&object).unwrap_or_default();
        state.record(kind, &key, labels, "DELETED", json.clone());
        Ok(json)
    }
}

/// Stores `object` at the next version and tells the watches.
fn store(
    state: &mut super::cluster::State,
    kind: Kind,
    key: Key,
    mut object: Value,
    event: &'static str,
) -> Bytes {
    state.rv += 1;
    object["metadata"]["resourceVersion"] = Value::from(state.rv.to_string());
    let json = Bytes::from(object.to_string());
    let labels = labels_of(&object).unwrap_or_default();
    state.record(kind, &key, labels, event, json.clone());
    state.stored.entry(kind).or_default().insert(
        key,
        Stored {
            object,
            json: json.clone(),
        },
    );
    json
}

/// The body as an object of `kind`: JSON, its `kind` and `apiVersion` (when
/// sent) the collection's, its fields of the right types.
fn decode(kind: Kind, body: &[u8]) -> Result<Value, ApiError> {
    let mut object: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the request body is not JSON: {e}")))?;
    if !object.is_object() {
        return Err(ApiError::bad_request("the request body is not an object"));
    }
    for (field, wanted) in [("kind", kind.kind()), ("apiVersion", kind.api_version())] {
        match object.get(field).and_then(Value::as_str) {
            None => object[field] = Value::from(wanted),
            Some(sent) if sent == wanted => {}
            Some(sent) => {
                return Err(ApiError::bad_request(format!(
                    "{field} {sent:?} is not {wanted:?}, which this collection holds"
                )));
            }
        }
    }
    let typed = match kind {
        Kind::Lease => serde_json::from_value::<Lease>(object.clone()).map(|_| ()),
        Kind::ConfigMap => serde_json::from_value::<ConfigMap>(object.clone()).map(|_| ()),
        Kind::Deployment | Kind::ReplicaSet => Ok(()),
    };
    typed.map_err(|e| {
        ApiError::bad_request(format!("the request body is not a {}: {e}", kind.kind()))
    })?;
    if object.get("metadata").is_none_or(Value::is_null) {
        object["metadata"] = Value::Object(serde_json::Map::new());
    }
    Ok(object)
}

fn name_in(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
}

fn same_namespace(object: &Value, namespace: &str) -> Result<(), ApiError> {
    match object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        Some(sent) if !sent.is_empty() && sent != namespace => Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        )),
        _ => Ok(()),
    }
}

/// What the API server's validation refuses of these kinds.
fn validate(kind: Kind, name: &str, object: &Value) -> Result<(), ApiError> {
    match kind {
        Kind::ConfigMap => {
            let size: usize = ["data", "binaryData"]
                .iter()
                .filter_map(|field| object.get(*field).and_then(Value::as_object))
                .flat_map(|map| map.iter())
                .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
                .sum();
            if size > CONFIGMAP_LIMIT {
                return Err(ApiError::invalid(
                    kind.resource(),
                    name,
                    &format!("[]: Too long: must have at most {CONFIGMAP_LIMIT} bytes"),
                ));
            }
        }
        Kind::Lease => {
            let spec = object.get("spec");
            let number = |field: &str| spec.and_then(|s| s.get(field)).and_then(Value::as_i64);
            if number("leaseDurationSeconds").is_some_and(|d| d <= 0) {
                return Err(ApiError::invalid(
                    kind.resource(),
                    name,
                    "spec.leaseDurationSeconds: Invalid value: must be greater than 0",
                ));
            }
            if number("leaseTransitions").is_some_and(|t| t < 0) {
                return Err(ApiError::invalid(
                    kind.resource(),
                    name,
                    "spec.leaseTransitions: Invalid value: must be greater than or equal to 0",
                ));
            }
        }
        Kind::Deployment | Kind::ReplicaSet => {}
    }
    Ok(())
}
