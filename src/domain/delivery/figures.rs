//! The figures over a window, from each release's facts. A release counts
//! in the window when it reached production in it; a failed change is one
//! rolled back, or followed by a hotfix within `hotfix_window`.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::facts::ReleaseFacts;
use super::targets::{DeliverySettings, Target};

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// `None` when nothing in the window measures it.
    pub value: Option<f64>,
    pub unit: &'static str,
    pub target: Option<Target>,
    /// Whether the value meets the target; `None` without either.
    pub met: Option<bool>,
    /// The releases counted.
    pub releases: Vec<String>,
    /// How it was counted: `3 of 12 releases`, `median of 41 commits`.
    pub basis: String,
}

/// One week (from Monday) of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    pub start: NaiveDate,
    pub deploys: usize,
    pub failures: usize,
    /// The median lead time of the week's releases, in hours.
    pub lead_time: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub deployment_frequency: Figure,
    pub lead_time: Figure,
    pub change_failure_rate: Figure,
    pub time_to_restore: Figure,
    pub release_frequency: Figure,
    pub rollback_rate: Figure,
    pub deployment_duration: Figure,
    /// Production deploys per week, by release type.
    pub frequency_by_type: BTreeMap<String, f64>,
    pub weeks: Vec<Week>,
}

// The values are counts, shares and medians of durations, rounded: never
// NaN, so equal is equal (the model, which holds them, compares whole).
impl Eq for Figure {}
impl Eq for Week {}
impl Eq for Figures {}

pub fn figures(
    facts: &[ReleaseFacts],
    settings: &DeliverySettings,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Figures {
    let inside = |at: DateTime<Utc>| at >= since && at < until;
    // In the order they went out, whatever order the journals were read in.
    let mut facts: Vec<&ReleaseFacts> = facts.iter().collect();
    facts.sort_by_key(|f| (f.deployed, f.id.clone()));
    let deployed: Vec<&ReleaseFacts> = facts
        .iter()
        .copied()
        .filter(|f| f.deployed.is_some_and(inside))
        .collect();
    let weeks =
        (until - since).num_seconds().max(1) as f64 / Duration::weeks(1).num_seconds() as f64;
    let ids = |list: &[&ReleaseFacts]| list.iter().map(|f| f.id.clone()).collect::<Vec<_>>();

    let failed: Vec<&ReleaseFacts> = deployed
        .iter()
        .copied()
        .filter(|f| {
            f.rolled_back.is_some() || fixed_soon_after(f, &facts, settings.hotfix_window, until)
        })
        .collect();
    let rolled_back: Vec<&ReleaseFacts> = deployed
        .iter()
        .copied()
        .filter(|f| f.rolled_back.is_some())
        .collect();
    let released: Vec<&ReleaseFacts> = facts
        .iter()
        .copied()
        .filter(|f| matches!(f.outcome, crate::domain::checklist::Outcome::Released { at } if inside(at)))
        .collect();
    let with_commits: Vec<&ReleaseFacts> = deployed
        .iter()
        .copied()
        .filter(|f| !f.lead_times.is_empty())
        .collect();
    let leads: Vec<f64> = with_commits
        .iter()
        .flat_map(|f| f.lead_times.iter().map(|d| hours(*d)))
        .collect();
    let restored: Vec<&ReleaseFacts> = facts
        .iter()
        .copied()
        .filter(|f| f.rolled_back.is_some_and(inside) && f.time_to_restore.is_some())
        .collect();
    let restores: Vec<f64> = restored
        .iter()
        .filter_map(|f| f.time_to_restore.map(minutes))
        .collect();
    let timed: Vec<&ReleaseFacts> = deployed
        .iter()
        .copied()
        .filter(|f| !f.deploy_durations.is_empty())
        .collect();
    let durations: Vec<f64> = timed
        .iter()
        .flat_map(|f| f.deploy_durations.iter().map(|d| minutes(*d)))
        .collect();
    let share =
        |part: usize, whole: usize| (whole > 0).then(|| round(100.0 * part as f64 / whole as f64));
    let of = |part: usize, whole: usize, what: &str| format!("{part} of {whole} {what}");

    let mut frequency_by_type = BTreeMap::new();
    for f in &deployed {
        *frequency_by_type.entry(f.kind.to_string()).or_insert(0.0) += 1.0 / weeks;
    }
    for value in frequency_by_type.values_mut() {
        *value = round(*value);
    }

    Figures {
        since,
        until,
        deployment_frequency: figure(
            Some(round(deployed.len() as f64 / weeks)),
            "per week",
            settings.deployment_frequency.clone(),
            ids(&deployed),
            format!("{} in production over {:.1} weeks", deployed.len(), weeks),
        ),
        lead_time: figure(
            median(&leads),
            "hours",
            settings.lead_time.clone(),
            ids(&with_commits),
            format!("median of {} commits", leads.len()),
        ),
        change_failure_rate: figure(
            share(failed.len(), deployed.len()),
            "percent",
            settings.change_failure_rate.clone(),
            ids(&failed),
            of(
                failed.len(),
                deployed.len(),
                "in production rolled back or hotfixed",
            ),
        ),
        time_to_restore: figure(
            median(&restores),
            "minutes",
            settings.time_to_restore.clone(),
            ids(&restored),
            format!("median of {} verified rollbacks", restores.len()),
        ),
        release_frequency: figure(
            Some(round(released.len() as f64 / weeks)),
            "per week",
            None,
            ids(&released),
            format!("{} released", released.len()),
        ),
        rollback_rate: figure(
            share(rolled_back.len(), deployed.len()),
            "percent",
            None,
            ids(&rolled_back),
            of(
                rolled_back.len(),
                deployed.len(),
                "in production rolled back",
            ),
        ),
        deployment_duration: figure(
            median(&durations),
            "minutes",
            None,
            ids(&timed),
            format!(
                "median of {} deploys, request to rollouts complete",
                durations.len()
            ),
        ),
        frequency_by_type,
        weeks: weekly(&deployed, &failed, since, until),
    }
}

/// A hotfix (or emergency) reached production within
/// `window` after this release, before any other release did.
fn fixed_soon_after(
    release: &ReleaseFacts,
    all: &[&ReleaseFacts],
    window: Duration,
    until: DateTime<Utc>,
) -> bool {
    let Some(at) = release.deployed else {
        return false;
    };
    all.iter()
        .filter(|f| f.is_fix() && f.id != release.id)
        .any(|fix| {
            fix.deployed.is_some_and(|fixed| {
                fixed > at
                && fixed < until
                && fixed - at <= window
                // The release it fixes is the last one out before it.
                && !all.iter().any(|other| {
                    other.id != release.id
                        && other.id != fix.id
                        && !other.is_fix()
                        && other.deployed.is_some_and(|o| o > at && o < fixed)
                })
            })
        })
}

fn weekly(
    deployed: &[&ReleaseFacts],
    failed: &[&ReleaseFacts],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<Week> {
    let monday = |at: DateTime<Utc>| {
        let day = at.date_naive();
        day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
    };
    let mut weeks = Vec::new();
    let mut start = monday(since);
    let last = monday(
        until
            .checked_sub_signed(Duration::seconds(1))
            .unwrap_or(until),
    );
    while start <= last && weeks.len() < 600 {
        let in_week = |f: &&&ReleaseFacts| f.deployed.is_some_and(|at| monday(at) == start);
        let these: Vec<&&ReleaseFacts> = deployed.iter().filter(in_week).collect();
        let leads: Vec<f64> = these
            .iter()
            .flat_map(|f| f.lead_times.iter().map(|d| hours(*d)))
            .collect();
        weeks.push(Week {
            start,
            deploys: these.len(),
            failures: failed.iter().filter(in_week).count(),
            lead_time: median(&leads),
        });
        match start.checked_add_signed(Duration::weeks(1)) {
            Some(next) => start = next,
            None => break,
        }
    }
    weeks
}

/// A value in its unit as a person reads it: `1.25/week`, `27h`, `18m`, `14%`.
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

fn figure(
    value: Option<f64>,
    unit: &'static str,
    target: Option<Target>,
    releases: Vec<String>,
    basis: String,
) -> Figure {
    let met = match (&target, value) {
        (Some(target), Some(value)) => Some(target.met_by(value)),
        _ => None,
    };
    Figure {
        value,
        unit,
        target,
        met,
        releases,
        basis,
    }
}

/// The middle value (the lower of the two middle ones), rounded.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .map(round)
}

fn hours(d: Duration) -> f64 {
    d.num_seconds() as f64 / 3600.0
}

fn minutes(d: Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
