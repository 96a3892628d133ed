//! Snapshots as the Prometheus text exposition format, version 0.0.4: each
//! family's `# HELP` and `# TYPE` once, then its samples for every service
//! together, as the format requires.

use std::fmt::Write;

use super::Snapshot;
use super::traffic::{BOUNDS, CODES};

pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition of these services, with the same families whether there
/// is one service or many.
pub fn exposition(snapshots: &[Snapshot]) -> String {
    let mut out = String::with_capacity(256 + snapshots.len() * 2048);
    family(
        &mut out,
        "http_requests_total",
        "counter",
        "HTTP requests served, by status code.",
    );
    for s in snapshots {
        for (code, count) in CODES.iter().zip(s.requests) {
            let labels = format!("{},code=\"{code}\"", base(s));
            line(&mut out, "http_requests_total", &labels, count);
        }
    }
    family(
        &mut out,
        "http_request_duration_seconds",
        "histogram",
        "How long HTTP requests took to answer.",
    );
    for s in snapshots {
        let bounds = BOUNDS.iter().map(f64::to_string).chain(["+Inf".to_owned()]);
        for (le, count) in bounds.zip(s.buckets) {
            let labels = format!("{},le=\"{le}\"", base(s));
            line(
                &mut out,
                "http_request_duration_seconds_bucket",
                &labels,
                count,
            );
        }
        line(
            &mut out,
            "http_request_duration_seconds_sum",
            &base(s),
            s.duration_sum,
        );
        line(
            &mut out,
            "http_request_duration_seconds_count",
            &base(s),
            s.buckets[7],
        );
    }
    gauge(
        &mut out,
        snapshots,
        "process_cpu_usage_ratio",
        "CPU in use as a share of the pods' limit.",
        |s| s.cpu,
    );
    gauge(
        &mut out,
        snapshots,
        "process_memory_usage_ratio",
        "Memory in use as a share of the pods' limit.",
        |s| s.memory,
    );
    gauge(
        &mut out,
        snapshots,
        "service_up",
        "1 when the service passes its health check.",
        |s| {
            if s.health == super::Health::Ok {
                1.0
            } else {
                0.0
            }
        },
    );
    family(
        &mut out,
        "service_info",
        "gauge",
        "The version most ready pods run.",
    );
    for s in snapshots {
        let labels = format!("{},version=\"{}\"", base(s), escape(&s.version));
        line(&mut out, "service_info", &labels, 1);
    }
    out
}

fn gauge(
    out: &mut String,
    snapshots: &[Snapshot],
    name: &str,
    help: &str,
    value: impl Fn(&Snapshot) -> f64,
) {
    family(out, name, "gauge", help);
    for s in snapshots {
        line(out, name, &base(s), value(s));
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn line(out: &mut String, name: &str, labels: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{name}{{{labels}}} {value}");
}

/// The labels every series of a service has.
fn base(s: &Snapshot) -> String {
    format!(
        "namespace=\"{}\",service=\"{}\"",
        escape(&s.namespace),
        escape(&s.name)
    )
}

/// Label values escape backslash, quote and newline.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
