//! What an incident leaves to do, due relative to it: the report itself
//! (`[rollback] report`) and the team's follow-ups (`[rollback] follow_ups`),
//! each becoming a step of the release's Follow-up phase.

use chrono::{DateTime, Duration, Utc};

/// A follow-up as configured: `{ title = "Root cause analysis", due = "24h" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRule {
    pub title: String,
    pub due: Duration,
}

/// A follow-up of one incident, with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFollowUp {
    pub title: String,
    pub due: DateTime<Utc>,
}

/// The rules applied to an incident at `from`, in their configured order.
pub fn plan(rules: &[FollowUpRule], from: DateTime<Utc>) -> Vec<PlannedFollowUp> {
    rules
        .iter()
        .map(|rule| PlannedFollowUp {
            title: rule.title.clone(),
            due: from + rule.due,
        })
        .collect()
}

/// A step id from a title: `Root cause analysis` -> `root-cause-analysis`
/// (letters and digits kept, lower-cased; everything else one dash).
pub fn step_id(title: &str) -> String {
    let mut id = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "follow-up".to_owned()
    } else {
        id.to_owned()
    }
}

/// `id`, or `id-2`, `id-3`, ... : the first that `taken` does not hold.
pub fn free_id(id: &str, taken: impl Fn(&str) -> bool) -> String {
    let candidate = |n: usize| {
        if n == 1 {
            id.to_owned()
        } else {
            format!("{id}-{n}")
        }
    };
    // `taken` asks a finite playbook, so a free id comes.
    let mut n = 1;
    while taken(&candidate(n)) {
        n += 1;
    }
    candidate(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ups_are_due_relative_to_the_incident() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let rules = [
            FollowUpRule {
                title: "Root cause analysis".into(),
                due: Duration::hours(24),
            },
            FollowUpRule {
                title: "Regression test added".into(),
                due: Duration::weeks(1),
            },
        ];
        let planned = plan(&rules, at);
        assert_eq!(planned[0].due - at, Duration::hours(24));
        assert_eq!(planned[1].title, "Regression test added");
        assert_eq!(planned[1].due - at, Duration::weeks(1));
    }

    #[test]
    fn step_ids_come_from_titles_and_never_clash() {
        assert_eq!(step_id("Root cause analysis"), "root-cause-analysis");
        assert_eq!(step_id("Post-mortem"), "post-mortem");
        assert_eq!(step_id("  RCA (24h)!  "), "rca-24h");
        assert_eq!(step_id("!!"), "follow-up");
        let taken = ["post-mortem", "post-mortem-2"];
        assert_eq!(
            free_id("post-mortem", |id| taken.contains(&id)),
            "post-mortem-3"
        );
        assert_eq!(free_id("rca", |id| taken.contains(&id)), "rca");
    }
}
