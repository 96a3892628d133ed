//! `release-cockpit metrics`: the delivery figures from every journal, as
//! text or one JSON object.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::domain::delivery::{Figure, Figures, ReleaseFacts};
use crate::session::{ReleaseStore, open_release_read_only};

/// Every release's facts, and the ids of journals that could not be read.
pub fn facts(store: &ReleaseStore) -> (Vec<ReleaseFacts>, Vec<String>) {
    let changes = crate::cli::history::calendar_changes(store);
    let mut facts = Vec::new();
    let mut unreadable = Vec::new();
    for id in store.list() {
        match open_release_read_only(store, &id) {
            Ok(read) => {
                let release = &read.checklist.release;
                let postponed = changes.postponed_to(&release.name, release.t0);
                facts.push(ReleaseFacts::of(&read.checklist, postponed));
            }
            Err(error) => unreadable.push(format!("{id}: {error}")),
        }
    }
    (facts, unreadable)
}

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

/// `1.25/week`, `27h`, `18m`, `14%`.
pub fn shown(value: f64, unit: &str) -> String {
    match unit {
        "per week" => format!("{value}/week"),
        "percent" => format!("{value}%"),
        "hours" if value >= 48.0 => format!("{:.1}d", value / 24.0),
        "hours" if value < 1.0 => format!("{:.0}m", value * 60.0),
        "hours" => format!("{value:.1}h"),
        "minutes" if value >= 120.0 => format!("{:.1}h", value / 60.0),
        "minutes" => format!("{value:.0}m"),
        _ => format!("{value} {unit}"),
    }
}
