//! One request in, one response out: discovery, get, list (paged), watch and
//! patch, each checked against the faults first; the simulated services'
//! endpoints are answered in [`services`].

mod services;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::cluster::Kind;
use super::discovery;
use super::objects::ApiError;
use super::patch::PatchType;
use super::routes::{Route, query, route};
use super::selectors::{FieldSelector, LabelSelector};
use super::shared::Shared;
use super::watch::{self, Filter, WatchRequest};

pub type Body = UnsyncBoxBody<Bytes, Infallible>;

/// The longest a request body may be: the API server's 3 MiB, so that a
/// ConfigMap over its own 1 MiB gets the API's 422, not a transport error.
const MAX_BODY: usize = 3 << 20;

pub async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    shared.counts.total.fetch_add(1, Ordering::Relaxed);
    let response = match respond(&shared, request).await {
        Ok(response) => response,
        Err(error) => json_response(
            StatusCode::from_u16(error.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &error.status_json(),
        ),
    };
    Ok(response)
}

fn user_of(request: &Request<Incoming>) -> String {
    request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map_or_else(|| "system:anonymous".to_owned(), str::to_owned)
}

async fn respond(
    shared: &Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, ApiError> {
    let q = query(request.uri().query());
    let user = user_of(&request);
    let as_table = super::table::wanted(
        request
            .headers()
            .get(hyper::header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let method = request.method().clone();
    match (method.clone(), route(request.uri().path())) {
        (Method::GET, Route::Version) => Ok(json_ok(&discovery::version())),
        (Method::GET, Route::Health) => Ok(text(StatusCode::OK, "ok")),
        (Method::GET, Route::CoreVersions) => {
            Ok(json_ok(&discovery::api_versions(&shared.authority())))
        }
        (Method::GET, Route::Groups) => Ok(json_ok(&discovery::api_groups())),
        (Method::GET, Route::CoreResources) => Ok(json_ok(&discovery::core_resources())),
        (Method::GET, Route::AppsResources) => Ok(json_ok(&discovery::apps_resources())),
        (Method::GET, Route::CoordinationResources) => {
            Ok(json_ok(&discovery::coordination_resources()))
        }
        (
            Method::POST,
            Route::Collection {
                kind,
                namespace: Some(namespace),
            },
        ) if kind.is_stored_only() => {
            shared
                .faults
                .check(&user, "create", kind.resource(), Some(&namespace), None)?;
            let body = read_body(request).await?;
            let dry_run = q.get("dryRun").is_some_and(|v| v == "All");
            let json = shared.cluster.create(kind, &namespace, &body, dry_run)?;
            Ok(raw_json(StatusCode::CREATED, json))
        }
        (
            Method::PUT,
            Route::Object {
                kind,
                namespace,
                name,
            },
        ) if kind.is_stored_only() => {
            shared.faults.check(
                &user,
                "update",
                kind.resource(),
                Some(&namespace),
                Some(&name),
            )?;
            let body = read_body(request).await?;
            if shared.faults.take_conflict() {
                return Err(ApiError::conflict(kind.resource(), &name));
            }
            let json = shared.cluster.replace(kind, &namespace, &name, &body)?;
            Ok(raw_json(StatusCode::OK, json))
        }
        (
            Method::DELETE,
            Route::Object {
                kind,
                namespace,
                name,
            },
        ) if kind.is_stored_only() => {
            shared.faults.check(
                &user,
                "delete",
                kind.resource(),
                Some(&namespace),
                Some(&name),
            )?;
            let json = shared.cluster.delete(kind, &namespace, &name)?;
            Ok(raw_json(StatusCode::OK, json))
        }
        (Method::GET, Route::Service(endpoint)) => Ok(services::respond(shared, endpoint).await),
        (Method::GET, Route::Namespaces) => Ok(json_ok(&namespaces(shared))),
        (Method::GET, Route::Pods { .. }) => Ok(json_ok(&json!({
            "kind": "PodList", "apiVersion": "v1",
            "metadata": {"resourceVersion": shared.cluster.resource_version().to_string()},
            "items": []
        }))),
        (Method::GET, Route::Collection { kind, namespace }) => {
            let watching = matches!(q.get("watch").map(String::as_str), Some("true" | "1"));
            let verb = if watching { "watch" } else { "list" };
            shared
                .faults
                .check(&user, verb, kind.resource(), namespace.as_deref(), None)?;
            let filter = Filter {
                namespace,
                labels: LabelSelector::parse(q.get("labelSelector").map_or("", String::as_str))?,
                fields: FieldSelector::parse(q.get("fieldSelector").map_or("", String::as_str))?,
            };
            if watching {
                shared.counts.watches.fetch_add(1, Ordering::Relaxed);
                Ok(watch_response(shared, kind, filter, &q)?)
            } else {
                // A LIST is counted once, however many pages it takes; a
                // one-item LIST is a probe (a watch asking whether the server
                // answers and where its versions are), not a listing.
                let first_page = q.get("continue").is_none_or(String::is_empty);
                if first_page && q.get("limit").is_some_and(|l| l == "1") {
                    shared.counts.probes.fetch_add(1, Ordering::Relaxed);
                } else {
                    if first_page {
                        shared.counts.lists.fetch_add(1, Ordering::Relaxed);
                    }
                    shared.counts.list_pages.fetch_add(1, Ordering::Relaxed);
                }
                if as_table {
                    let (rv, items) = shared.cluster.list(kind, |ns, name, labels| {
                        filter.matches_object(ns, name, labels)
                    });
                    return Ok(json_ok(&super::table::table(kind, &items, rv)));
                }
                list(shared, kind, &filter, &q)
            }
        }
        (
            Method::GET,
            Route::Object {
                kind,
                namespace,
                name,
            },
        ) => {
            shared
                .faults
                .check(&user, "get", kind.resource(), Some(&namespace), Some(&name))?;
            shared.counts.gets.fetch_add(1, Ordering::Relaxed);
            let json = shared.cluster.get(kind, &namespace, &name)?;
            if as_table {
                let rv = shared.cluster.resource_version();
                return Ok(json_ok(&super::table::table(kind, &[json], rv)));
            }
            Ok(raw_json(StatusCode::OK, json))
        }
        (
            Method::PATCH,
            Route::Object {
                kind,
                namespace,
                name,
            },
        ) => {
            shared.faults.check(
                &user,
                "patch",
                kind.resource(),
                Some(&namespace),
                Some(&name),
            )?;
            shared.counts.patches.fetch_add(1, Ordering::Relaxed);
            if kind != Kind::Deployment {
                return Err(ApiError::new(
                    405,
                    "MethodNotAllowed",
                    "the sandbox patches only deployments",
                ));
            }
            let content_type = request
                .headers()
                .get(hyper::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let patch_type = PatchType::from_content_type(&content_type).ok_or_else(|| {
                ApiError::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {content_type:?})"))
            })?;
            let body = read_body(request).await?;
            if shared.faults.take_conflict() {
                return Err(ApiError::conflict("deployments", &name));
            }
            let dry_run = q.get("dryRun").is_some_and(|v| v == "All");
            let json = shared
                .cluster
                .patch_deployment(&namespace, &name, patch_type, &body, dry_run)?;
            Ok(raw_json(StatusCode::OK, json))
        }
        (_, Route::Unknown) => Err(ApiError::new(
            404,
            "NotFound",
            format!(
                "the server could not find the requested resource ({method} {})",
                request.uri().path()
            ),
        )),
        (method, _) => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            format!("{method} is not supported here by the sandbox"),
        )),
    }
}

async fn read_body(request: Request<Incoming>) -> Result<Bytes, ApiError> {
    let collected = http_body_util::Limited::new(request.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| ApiError::bad_request(format!("could not read the request body: {e}")))?;
    Ok(collected.to_bytes())
}

fn list(
    shared: &Shared,
    kind: Kind,
    filter: &Filter,
    q: &std::collections::HashMap<String, String>,
) -> Result<Response<Body>, ApiError> {
    let (rv, items) = shared.cluster.list(kind, |ns, name, labels| {
        filter.matches_object(ns, name, labels)
    });
    // A continue token is the version the list was taken at and an offset.
    let (list_rv, offset) = match q.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => token
            .split_once(':')
            .and_then(|(r, o)| Some((r.parse::<u64>().ok()?, o.parse::<usize>().ok()?)))
            .ok_or_else(|| ApiError::bad_request("invalid continue token"))?,
        None => (rv, 0),
    };
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let end = offset.saturating_add(limit).min(items.len());
    let page = items.get(offset..end).unwrap_or_default();
    let mut metadata = json!({"resourceVersion": list_rv.to_string()});
    if end < items.len() {
        metadata["continue"] = json!(format!("{list_rv}:{end}"));
        metadata["remainingItemCount"] = json!(items.len() - end);
    }
    // Assembled by hand: the items are already JSON.
    let mut out = Vec::with_capacity(page.iter().map(Bytes::len).sum::<usize>() + 128);
    out.extend_from_slice(
        format!(
            "{{\"kind\":\"{}List\",\"apiVersion\":\"{}\",\"metadata\":{metadata},\"items\":[",
            kind.kind(),
            kind.api_version()
        )
        .as_bytes(),
    );
    for (i, item) in page.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.extend_from_slice(b"]}");
    Ok(raw_json(StatusCode::OK, Bytes::from(out)))
}

fn watch_response(
    shared: &Arc<Shared>,
    kind: Kind,
    filter: Filter,
    q: &std::collections::HashMap<String, String>,
) -> Result<Response<Body>, ApiError> {
    let since = match q.get("resourceVersion").map(String::as_str) {
        None | Some("" | "0") => None,
        Some(rv) => Some(
            rv.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version {rv:?}")))?,
        ),
    };
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(Duration::from_secs(1800), Duration::from_secs);
    let request = WatchRequest {
        kind,
        filter,
        since,
        timeout,
        bookmarks: q.get("allowWatchBookmarks").is_some_and(|v| v == "true"),
        initial_events: q.get("sendInitialEvents").is_some_and(|v| v == "true"),
    };
    let mut lines = watch::start(shared.clone(), request);
    let stream = futures::stream::poll_fn(move |cx| {
        lines.poll_recv(cx).map(|l| l.map(|b| Ok(Frame::data(b))))
    });
    let body = StreamBody::new(stream).boxed_unsync();
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(body)
        .unwrap_or_else(|_| Response::new(empty())))
}

fn namespaces(shared: &Shared) -> Value {
    let rv = shared.cluster.resource_version();
    let names = shared.cluster.namespaces();
    let items: Vec<Value> = names
        .iter()
        .map(|n| json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": n}, "status": {"phase": "Active"}}))
        .collect();
    json!({"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": rv.to_string()}, "items": items})
}

fn empty() -> Body {
    Full::new(Bytes::new()).boxed_unsync()
}

fn raw_json(status: StatusCode, json: Bytes) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(json).boxed_unsync())
        .unwrap_or_else(|_| Response::new(empty()))
}

fn json_ok(value: &Value) -> Response<Body> {
    json_response(StatusCode::OK, value)
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    raw_json(status, Bytes::from(value.to_string()))
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "text/plain")
        .body(Full::new(Bytes::from_static(body.as_bytes())).boxed_unsync())
        .unwrap_or_else(|_| Response::new(empty()))
}
