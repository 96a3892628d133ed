//! The incident report and the stakeholders' notice, rendered from Markdown
//! templates whose `{{name}}` placeholders are filled from the release's
//! journal (the timeline) and what the cockpit saw (signals, verdict).

use chrono::{DateTime, Utc};

use super::events::{Event, Recorded};
use super::offset::format_seconds;
use super::rollback::{RollbackItem, Severity};

mod written;
pub use written::{IncidentError, IncidentWritten};

/// Everything the report says, gathered when the verdict is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentDraft {
    pub release: String,
    pub release_id: String,
    pub version: String,
    pub severity: Severity,
    pub reason: String,
    pub trigger: Option<String>,
    pub operator: String,
    pub items: Vec<RollbackItem>,
    pub verified: bool,
    pub verdict: String,
    pub time_to_restore_secs: Option<i64>,
    /// `error_rate: 0.21% (critical > 5% for 2m; baseline 0.20%)`.
    pub signals: Vec<String>,
    pub at: DateTime<Utc>,
    pub post_mortem_due: DateTime<Utc>,
}

/// The journal lines worth a timeline: from the last deploy before the
/// rollback on, what was deployed, fired, decided, reverted and verified.
pub fn timeline(records: &[Recorded]) -> Vec<String> {
    let start = records
        .iter()
        .rposition(|r| matches!(r.event, Event::DeployRequested { dry_run: false, .. }))
        .unwrap_or(0);
    records[start..]
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                Event::DeployRequested { .. }
                    | Event::DeployFinished { .. }
                    | Event::TriggerFired { .. }
                    | Event::TriggerCleared { .. }
                    | Event::SeverityAssessed { .. }
                    | Event::RollbackStarted { .. }
                    | Event::RollbackItemFinished { .. }
                    | Event::RollbackVerified { .. }
                    | Event::AutoRollbackCancelled { .. }
            )
        })
        .map(|r| {
            format!(
                "- {} {}: {}",
                r.at.format("%Y-%m-%d %H:%M:%S"),
                r.operator,
                r.event.describe()
            )
        })
        .collect()
}

/// Fills `{{name}}` from the draft; an unknown name is left as written, so a
/// template typo shows in the output instead of vanishing.
pub fn render(template: &str, id: &str, draft: &IncidentDraft, timeline: &[String]) -> String {
    let values: Vec<(&str, String)> = vec![
        ("id", id.to_owned()),
        ("release", format!("{} {}", draft.release, draft.version)),
        ("release_id", draft.release_id.clone()),
        ("version", draft.version.clone()),
        ("severity", draft.severity.to_string()),
        ("severity_action", draft.severity.action().to_owned()),
        ("reason", draft.reason.clone()),
        (
            "trigger",
            draft
                .trigger
                .clone()
                .unwrap_or_else(|| "none: a manual rollback".to_owned()),
        ),
        ("operator", draft.operator.clone()),
        (
            "verdict",
            if draft.verified {
                format!("verified: {}", draft.verdict)
            } else {
                format!("NOT verified: {}", draft.verdict)
            },
        ),
        (
            "time_to_restore",
            draft
                .time_to_restore_secs
                .map_or_else(|| "not restored".to_owned(), format_seconds),
        ),
        ("date", draft.at.format("%Y-%m-%d").to_string()),
        ("time", draft.at.format("%H:%M").to_string()),
        (
            "timeline",
            lines(timeline, "- (the journal has no entries for this rollback)"),
        ),
        (
            "items",
            lines(
                &draft
                    .items
                    .iter()
                    .map(|i| format!("- {} (target `{}`)", i.describe(), i.target))
                    .collect::<Vec<_>>(),
                "- nothing",
            ),
        ),
        (
            "targets",
            draft
                .items
                .iter()
                .map(RollbackItem::describe)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "signals",
            lines(
                &draft
                    .signals
                    .iter()
                    .map(|s| format!("- {s}"))
                    .collect::<Vec<_>>(),
                "- no signals are configured",
            ),
        ),
        (
            "post_mortem_due",
            draft
                .post_mortem_due
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
        ),
    ];
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), &value);
    }
    out
}

fn lines(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_owned()
    } else {
        items.join("\n")
    }
}

/// The next free `INCIDENT-NNNN` among existing file names.
pub fn next_number<'a>(names: impl IntoIterator<Item = &'a str>) -> u32 {
    names
        .into_iter()
        .filter_map(|n| n.strip_prefix("INCIDENT-")?.get(..4)?.parse::<u32>().ok())
        .max()
        .map_or(1, |n| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, event: Event) -> Recorded {
        Recorded {
            seq,
            at: DateTime::from_timestamp(1_800_000_000 + seq as i64 * 60, 0).unwrap_or_default(),
            operator: "alice".into(),
            event,
        }
    }

    #[test]
    fn the_timeline_starts_at_the_last_deploy_and_keeps_what_matters() {
        let deploy = |seq| {
            record(
                seq,
                Event::DeployRequested {
                    version: "2.4.0".into(),
                    targets: vec!["production/checkout".into()],
                    dry_run: false,
                },
            )
        };
        let records = vec![
            deploy(1),
            record(2, Event::StepCompleted { step: "x".into() }),
            deploy(3),
            record(
                4,
                Event::NoteAdded {
                    step: "x".into(),
                    text: "hm".into(),
                },
            ),
            record(
                5,
                Event::TriggerFired {
                    rule: "errors > 5%".into(),
                    signal: "errors".into(),
                    value: crate::domain::events::Number(0.07),
                    since: DateTime::from_timestamp(1_800_000_300, 0).unwrap_or_default(),
                },
            ),
            record(
                6,
                Event::RollbackVerified {
                    ok: true,
                    detail: "fine".into(),
                    time_to_restore_secs: Some(90),
                },
            ),
        ];
        let lines = timeline(&records);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[0].contains("deploy 2.4.0") && lines[0].contains("2027-01-15 08:03:00"),
            "{}",
            lines[0]
        );
        assert!(lines[2].contains("time to restore 1m30s"), "{}", lines[2]);
    }

    #[test]
    fn templates_fill_known_names_and_keep_unknown_ones() {
        let draft = IncidentDraft {
            release: "minor".into(),
            release_id: "minor-2.4.0".into(),
            version: "2.4.0".into(),
            severity: Severity::P1,
            reason: "errors > 5%".into(),
            trigger: None,
            operator: "alice".into(),
            items: Vec::new(),
            verified: true,
            verdict: "ok".into(),
            time_to_restore_secs: None,
            signals: Vec::new(),
            at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            post_mortem_due: DateTime::from_timestamp(1_800_086_400, 0).unwrap_or_default(),
        };
        let text = render(
            "{{id}} {{release}} {{severity}} {{trigger}} {{nope}}\n{{items}}",
            "INCIDENT-0007",
            &draft,
            &[],
        );
        assert_eq!(
            text,
            "INCIDENT-0007 minor 2.4.0 P1 none: a manual rollback {{nope}}\n- nothing"
        );
        assert_eq!(
            next_number(["INCIDENT-0001.md", "INCIDENT-0009-notice.md", "notes.md"]),
            10
        );
        assert_eq!(next_number([]), 1);
    }
}
