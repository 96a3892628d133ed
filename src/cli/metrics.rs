//! `release-cockpit metrics`: the delivery figures from every journal, as
//! text or one JSON object.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::domain::delivery::{Figure, Figures, shown};

/// The figures, each with its target and what it counted.
pub fn text(figures: &Figures) -> String {
    let mut out = format!(
        "Delivery from {} to {} ({})\n\n",
        figures.since.format("%Y-%m-%d"),
        figures.until.format("%Y-%m-%d"),
        figures.deployment_frequency.basis
    );
    for (name, figure) in rows(figures) {
        let value = figure
            .value
            .map_or_else(|| "-".to_owned(), |v| shown(v, figure.unit));
        let target = figure
            .target
            .as_ref()
            .map_or_else(String::new, |t| format!("target {}", t.describe()));
        let met = match figure.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        let _ = writeln!(
            out,
            "  {name:<24} {value:<16} {target:<18} {met:<7} {}",
            figure.basis
        );
    }
    if !figures.frequency_by_type.is_empty() {
        let by_type: Vec<String> = figures
            .frequency_by_type
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let _ = writeln!(out, "\nPer week, by type: {}", by_type.join(", "));
    }
    let _ = writeln!(out, "\nWeek of       deploys  failed  lead time");
    for week in &figures.weeks {
        let _ = writeln!(
            out,
            "  {}   {:>5}  {:>6}  {}",
            week.start,
            week.deploys,
            week.failures,
            week.lead_time
                .map_or_else(|| "-".to_owned(), |h| shown(h, "hours"))
        );
    }
    out
}

pub fn json(figures: &Figures, unreadable: &[String]) -> Value {
    let mut out = json!({
        "since": figures.since.to_rfc3339(),
        "until": figures.until.to_rfc3339(),
    });
    for (name, figure) in rows(figures) {
        out[name.replace(' ', "_").replace("_for_changes", "")] = figure_json(figure);
    }
    out["deployment_frequency_by_type"] = json!(figures.frequency_by_type);
    out["weeks"] = figures
        .weeks
        .iter()
        .map(|w| {
            json!({
                "start": w.start.to_string(),
                "deploys": w.deploys,
                "failures": w.failures,
                "lead_time_hours": w.lead_time,
            })
        })
        .collect();
    out["unreadable"] = json!(unreadable);
    out
}

fn rows(figures: &Figures) -> [(&'static str, &Figure); 7] {
    [
        ("deployment frequency", &figures.deployment_frequency),
        ("lead time for changes", &figures.lead_time),
        ("change failure rate", &figures.change_failure_rate),
        ("time to restore", &figures.time_to_restore),
        ("release frequency", &figures.release_frequency),
        ("rollback rate", &figures.rollback_rate),
        ("deployment duration", &figures.deployment_duration),
    ]
}

fn figure_json(figure: &Figure) -> Value {
    json!({
        "value": figure.value,
        "unit": figure.unit,
        "target": figure.target.as_ref().map(|t| t.describe()),
        "met": figure.met,
        "releases": figure.releases,
        "basis": figure.basis,
    })
}
