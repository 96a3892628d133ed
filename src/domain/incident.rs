//! The incident report and the stakeholders' notice, rendered from Markdown
//! templates whose `{{name}}` placeholders are filled from the release's
//! journal (the timeline) and what the cockpit saw (signals, verdict).

use chrono::{DateTime, Utc};

use super::events::{Event, Recorded};
use super::offset::format_seconds;
use super::rollback::{RollbackItem, Severity};
use super::severity_scale::label;

mod follow_ups;
mod settings;
mod written;
pub use follow_ups::{FollowUpRule, PlannedFollowUp, free_id, plan, step_id};
pub use settings::{IncidentSettings, post_mortem};
pub use written::{IncidentError, IncidentWritten};

/// Everything the report says, gathered when the verdict is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentDraft {
    pub release: String,
    pub release_id: String,
    pub version: String,
    pub severity: Severity,
    /// The team's word for the severity, when it says more than the level.
    pub severity_name: Option<String>,
    pub reason: String,
    pub trigger: Option<String>,
    pub operator: String,
    /// `false`: declared with `:incident`, nothing was rolled back.
    pub rolled_back: bool,
    pub items: Vec<RollbackItem>,
    pub verified: bool,
    pub verdict: String,
    pub time_to_restore_secs: Option<i64>,
    /// `error_rate: 0.21% (critical > 5% for 2m; baseline 0.20%)`.
    pub signals: Vec<String>,
    pub at: DateTime<Utc>,
    /// When the report must be complete (`[rollback] report` after the incident).
    pub report_due: DateTime<Utc>,
    /// `[rollback] follow_ups`, due relative to the incident.
    pub follow_ups: Vec<PlannedFollowUp>,
}

impl IncidentDraft {
    /// `critical (P0)`, or `P0` with the default scale.
    pub fn severity_label(&self) -> String {
        label(self.severity, self.severity_name.as_deref())
    }
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
                    | Event::IncidentDeclared { .. }
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

/// Fills `{{name}}` from the draft, after keeping the `{{#rollback}}` or the
/// `{{^rollback}}` sections (see `sections`); an unknown name is left as
/// written, so a template typo shows in the output instead of vanishing.
pub fn render(template: &str, id: &str, draft: &IncidentDraft, timeline: &[String]) -> String {
    let when = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    let rolled_back = draft.rolled_back;
    let release = format!("{} {}", draft.release, draft.version);
    let values: Vec<(&str, String)> = vec![
        ("id", id.to_owned()),
        (
            "headline",
            if rolled_back {
                format!("{release} rolled back")
            } else {
                format!(
                    "{release}: incident ({}), no rollback",
                    draft.severity_label()
                )
            },
        ),
        ("release", release),
        ("release_id", draft.release_id.clone()),
        ("version", draft.version.clone()),
        ("severity", draft.severity_label()),
        ("severity_level", draft.severity.to_string()),
        (
            "severity_name",
            draft
                .severity_name
                .clone()
                .unwrap_or_else(|| draft.severity.to_string()),
        ),
        ("severity_action", draft.severity.action().to_owned()),
        ("reason", draft.reason.clone()),
        (
            "trigger",
            draft.trigger.clone().unwrap_or_else(|| {
                if rolled_back {
                    "none: a manual rollback"
                } else {
                    "none: declared by hand"
                }
                .to_owned()
            }),
        ),
        ("operator", draft.operator.clone()),
        (
            "verdict",
            if !rolled_back {
                "no rollback: nothing to verify".to_owned()
            } else if draft.verified {
                format!("verified: {}", draft.verdict)
            } else {
                format!("NOT verified: {}", draft.verdict)
            },
        ),
        (
            "time_to_restore",
            match draft.time_to_restore_secs {
                Some(secs) => format_seconds(secs),
                None if rolled_back => "not restored".to_owned(),
                None => "open: no rollback restored service (fill in)".to_owned(),
            },
        ),
        ("date", draft.at.format("%Y-%m-%d").to_string()),
        ("time", draft.at.format("%H:%M").to_string()),
        (
            "timeline",
            lines(timeline, "- (the journal has no entries for this incident)"),
        ),
        (
            "items",
            if rolled_back {
                lines(
                    &draft
                        .items
                        .iter()
                        .map(|i| format!("- {} (target `{}`)", i.describe(), i.target))
                        .collect::<Vec<_>>(),
                    "- nothing",
                )
            } else {
                "- no rollback: the incident was declared without one".to_owned()
            },
        ),
        (
            "targets",
            if rolled_back {
                draft
                    .items
                    .iter()
                    .map(RollbackItem::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                "nothing (no rollback)".to_owned()
            },
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
        ("report_due", when(draft.report_due)),
        (
            "follow_ups",
            lines(
                &draft
                    .follow_ups
                    .iter()
                    .map(|f| format!("- [ ] {}: due {}", f.title, when(f.due)))
                    .collect::<Vec<_>>(),
                "- none configured",
            ),
        ),
        // Before follow-ups there was one post-mortem: its date is the first
        // follow-up's, so a team's older template still reads right.
        (
            "post_mortem_due",
            when(draft.follow_ups.first().map_or(draft.report_due, |f| f.due)),
        ),
    ];
    let mut out = crate::domain::template_sections::resolve(template, "rollback", rolled_back);
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
                    step: None,
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
            severity_name: None,
            reason: "errors > 5%".into(),
            trigger: None,
            operator: "alice".into(),
            rolled_back: true,
            items: Vec::new(),
            verified: true,
            verdict: "ok".into(),
            time_to_restore_secs: None,
            signals: Vec::new(),
            at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            report_due: DateTime::from_timestamp(1_800_003_600, 0).unwrap_or_default(),
            follow_ups: vec![PlannedFollowUp {
                title: "Post-mortem".into(),
                due: DateTime::from_timestamp(1_800_086_400, 0).unwrap_or_default(),
            }],
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
        assert_eq!(
            render("{{post_mortem_due}} {{report_due}}", "I", &draft, &[]),
            "2027-01-16 08:00 UTC 2027-01-15 09:00 UTC"
        );
    }

    #[test]
    fn a_declared_incident_says_so_in_the_teams_words_with_its_follow_ups() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let draft = IncidentDraft {
            release: "minor".into(),
            release_id: "minor-2.4.0".into(),
            version: "2.4.0".into(),
            severity: Severity::P0,
            severity_name: Some("critical".into()),
            reason: "checkout returns 500 for EU cards".into(),
            trigger: None,
            operator: "alice".into(),
            rolled_back: false,
            items: Vec::new(),
            verified: false,
            verdict: String::new(),
            time_to_restore_secs: None,
            signals: Vec::new(),
            at,
            report_due: at + chrono::Duration::hours(1),
            follow_ups: plan(
                &[FollowUpRule {
                    title: "Root cause analysis".into(),
                    due: chrono::Duration::hours(24),
                }],
                at,
            ),
        };
        let text = render(
            "# {{id}}: {{headline}}\n{{#rollback}}rolled\n{{/rollback}}{{^rollback}}declared\n{{/rollback}}{{severity_name}}/{{severity_level}} {{trigger}}\n{{items}}\n{{follow_ups}}",
            "INCIDENT-0002",
            &draft,
            &[],
        );
        assert_eq!(
            text,
            "# INCIDENT-0002: minor 2.4.0: incident (critical (P0)), no rollback\n\
             declared\n\
             critical/P0 none: declared by hand\n\
             - no rollback: the incident was declared without one\n\
             - [ ] Root cause analysis: due 2027-01-16 08:00 UTC"
        );
    }
}
