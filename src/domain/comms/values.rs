//! What a message's variables are for a release at a moment: its names and
//! times (in the operator's zone, in UTC and in its own), its window, its
//! components, the features and fixes its notes hold, and where release
//! day is (the first open step, how far along, when the phase should end).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::domain::checklist::Checklist;
use crate::domain::display_time;
use crate::domain::offset::format_duration;
use crate::domain::versioning::reading::ComponentReading;

/// What the checklist does not know.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// The operator's zone.
    pub zone: Option<Tz>,
    /// The train's window.
    pub window: Option<Duration>,
    /// What the repositories say of the release (for features and fixes).
    pub readings: Option<&'a [ComponentReading]>,
}

/// Each variable's value; one without a value is missing.
pub fn values(
    checklist: &Checklist,
    now: DateTime<Utc>,
    context: &Context<'_>,
) -> BTreeMap<&'static str, String> {
    let release = &checklist.release;
    let zone = context.zone.unwrap_or(chrono_tz::UTC);
    let mut values: BTreeMap<&'static str, String> = [
        ("release", format!("{} {}", release.name, release.version)),
        ("name", release.name.clone()),
        ("version", release.version.to_string()),
        ("type", release.kind.name().to_owned()),
        ("playbook", release.playbook.clone()),
        ("t0", display_time::date_time(release.t0, zone)),
        (
            "t0_utc",
            display_time::date_time(release.t0, chrono_tz::UTC),
        ),
        (
            "t0_local",
            display_time::date_time(release.t0, release.zone),
        ),
    ]
    .into_iter()
    .collect();
    if let Some(window) = context.window {
        values.insert("window", format_duration(window));
    }
    if !release.components.is_empty() {
        let held: Vec<String> = release
            .components
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        values.insert("components", held.join(", "));
    }
    if let Some(readings) = context.readings {
        let lines = |titles: &[&str]| -> String {
            readings
                .iter()
                .flat_map(|r| {
                    let prefix = r
                        .component
                        .as_deref()
                        .map(|c| format!("{c}: "))
                        .unwrap_or_default();
                    section_lines(&r.notes, titles)
                        .into_iter()
                        .map(move |line| format!("- {prefix}{line}"))
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        values.insert("features", lines(&["Added", "Features"]));
        values.insert("fixes", lines(&["Fixed", "Fixes"]));
        let summaries: Vec<&str> = readings.iter().map(|r| r.summary.as_str()).collect();
        values.insert("summary", summaries.join("; "));
    }
    let steps: Vec<_> = checklist.playbook.steps().collect();
    let finished = steps
        .iter()
        .filter(|(_, s)| checklist.state(s, now).is_finished())
        .count();
    values.insert("progress", format!("{finished}/{}", steps.len()));
    // The first required step not finished (an optional one that failed
    // holds nothing up), else the first of any.
    let open = |required: bool| {
        steps
            .iter()
            .find(|(_, s)| (s.required || !required) && !checklist.state(s, now).is_finished())
    };
    if let Some((phase, step)) = open(true).or_else(|| open(false)) {
        values.insert("current_step", step.title.clone());
        let end = checklist.playbook.phases[*phase]
            .steps
            .iter()
            .filter_map(|s| checklist.due_at(s))
            .max();
        if let Some(end) = end {
            values.insert("eta", display_time::near(end, now, zone));
        }
    }
    values
}

/// The entries of the notes' sections titled one of `titles`, as text
/// without their list marks.
fn section_lines(notes: &str, titles: &[&str]) -> Vec<String> {
    let mut inside = false;
    let mut found = Vec::new();
    for line in notes.lines() {
        if let Some(heading) = line.strip_prefix('#') {
            let title = heading.trim_start_matches('#').trim();
            inside = titles.contains(&title);
            continue;
        }
        if inside && let Some(entry) = line.strip_prefix("- ") {
            found.push(entry.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_give_features_and_fixes_by_their_sections() {
        let notes = "## [2.4.0] - 2026-12-03\n\n### Added\n\n- search as you type (#31, 0a92dfe)\n\n### Fixed\n\n- a declined card keeps the cart (#33, cce0f27)\n";
        assert_eq!(
            section_lines(notes, &["Added", "Features"]),
            ["search as you type (#31, 0a92dfe)"]
        );
        assert_eq!(
            section_lines(notes, &["Fixed"]),
            ["a declined card keeps the cart (#33, cce0f27)"]
        );
        assert!(section_lines(notes, &["Security"]).is_empty());
    }
}
