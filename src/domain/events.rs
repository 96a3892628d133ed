//! What happened during a release, as recorded facts. The durable part of the
//! cockpit is a fold over these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::release::Release;
use super::rollback::{RollbackItem, Severity};
use super::severity_scale::label;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Carries the playbook's text so the release replays the same way after the
    /// playbook file changes.
    ReleaseStarted {
        release: Release,
        playbook_file: String,
        playbook_text: String,
    },
    StepCompleted {
        step: String,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    ApprovalGiven {
        step: String,
    },
    NoteAdded {
        step: String,
        text: String,
    },
    GateStarted {
        step: String,
    },
    GateFinished {
        step: String,
        outcome: GateOutcome,
    },
    /// Reverts the operator's own last action on the step; nothing is erased.
    StepUndone {
        step: String,
    },
    GoNoGoOverridden {
        step: String,
        reason: String,
    },
    /// One occurrence of a train moves to `to`; the others keep their dates.
    /// These calendar events live in the calendar's own journal, not a release's.
    OccurrencePostponed {
        train: String,
        /// Where the train's rule put it: the occurrence's identity.
        scheduled: DateTime<Utc>,
        to: DateTime<Utc>,
        reason: String,
    },
    OccurrenceSkipped {
        train: String,
        scheduled: DateTime<Utc>,
        reason: String,
    },
    /// Takes back a postponement or skip: the occurrence is where the rule puts it.
    OccurrenceRestored {
        train: String,
        scheduled: DateTime<Utc>,
    },
    /// Written and synced before any target is touched.
    DeployRequested {
        version: String,
        /// `namespace/name container=image`, one per Deployment.
        targets: Vec<String>,
        dry_run: bool,
        /// The playbook deploy step it carries out, if any (journals before
        /// this field name none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
    },
    /// The outcome, one line per Deployment.
    DeployFinished {
        ok: bool,
        results: Vec<String>,
    },
    /// The rollouts the last deploy started have ended: every unit it set
    /// runs the version and is complete (`ok`), or one failed (`detail`
    /// says which and why). Until then its deploy step is `deploying`.
    RolloutFinished {
        ok: bool,
        detail: String,
    },
    /// The release will not go out: the operator abandoned it, with why.
    ReleaseAbandoned {
        reason: String,
    },
    /// `[share]`: this cockpit took the release over from `previous`, whose
    /// Lease had lapsed; `fence` is the Lease's transition count from now on.
    WriterTookOver {
        previous: String,
        fence: i32,
    },
    /// A rollout this cockpit did not start (kubectl, CI) was seen starting:
    /// the post-deploy window opens, and baselines are taken as for a deploy.
    ExternalRolloutSeen {
        /// `namespace/name from-image -> to-image`, one per Deployment.
        changes: Vec<String>,
    },
    /// A signal's level before a deploy, taken when the deploy starts, so
    /// that "2x baseline" means the same after a restart.
    BaselineCaptured {
        signal: String,
        /// `None` when nothing was seen in the window.
        value: Option<Number>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        points: usize,
    },
    /// A critical rule has held for its duration: a rollback trigger.
    TriggerFired {
        rule: String,
        signal: String,
        value: Number,
        since: DateTime<Utc>,
    },
    /// The signal has been back within limits long enough.
    TriggerCleared {
        rule: String,
        signal: String,
    },
    /// The on-call's reading of the decision matrix.
    SeverityAssessed {
        severity: Severity,
        /// The team's word for it (`[rollback] severities`); absent in lines
        /// written before the scale, and when the word is the level.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity_name: Option<String>,
        reason: String,
        /// The rule that fired, when a trigger started it.
        trigger: Option<String>,
    },
    /// Written and synced before any target is touched.
    RollbackStarted {
        severity: Severity,
        reason: String,
        items: Vec<RollbackItem>,
        /// Started by `on_trigger = "auto"` after its countdown.
        automatic: bool,
    },
    /// One Deployment's revert, as the API answered.
    RollbackItemFinished {
        item: String,
        ok: bool,
        detail: String,
    },
    /// The verdict after the verification window.
    RollbackVerified {
        ok: bool,
        detail: String,
        /// From the trigger firing (or the rollback starting) to verified.
        time_to_restore_secs: Option<i64>,
    },
    /// An automatic rollback's countdown was stopped by a key.
    AutoRollbackCancelled {
        rule: String,
    },
    /// An incident declared without a rollback (`:incident`); written and
    /// synced before its report is.
    IncidentDeclared {
        severity: Severity,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity_name: Option<String>,
        reason: String,
        /// The rule firing when it was declared, if any.
        trigger: Option<String>,
    },
    IncidentWritten {
        path: String,
    },
    /// A message about to go out that is no notify step's (those are gate
    /// runs): `release-cockpit notify`, a signal's warning, the rollback
    /// notice. Written and synced before it is sent.
    MessageSending {
        key: String,
        channel: String,
        template: String,
        about: String,
    },
    /// How it went: the channel's name and what came back, never where it
    /// went.
    MessageSent {
        key: String,
        channel: String,
        ok: bool,
        summary: String,
    },
    /// A step added to the release after it started (a post-mortem).
    FollowUpAdded {
        id: String,
        title: String,
        instructions: String,
        due: DateTime<Utc>,
        owner: String,
    },
}

/// Four significant digits: enough for a person reading the audit trail
/// (the line itself keeps every digit).
fn short(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return crate::domain::health::Unit::Number.format(value);
    }
    let digits = (3 - value.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A measured value in a journal line. Compared bit for bit, so that events
/// stay `Eq`; NaN and infinities are written as strings.
#[derive(Debug, Clone, Copy)]
pub struct Number(pub f64);

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Number {}

impl Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.serialize_f64(self.0)
        } else {
            serializer.serialize_str(&crate::domain::health::Unit::Number.format(self.0))
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Finite(f64),
            Named(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Finite(value) => Ok(Self(value)),
            Written::Named(text) => crate::domain::metrics::exposition::parse_value(&text)
                .map(Self)
                .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a number"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateOutcome {
    pub passed: bool,
    /// One line: "exit 0 in 1.2s", "timed out after 10m", "HTTP 503 (expected 200)".
    pub summary: String,
    /// Captured output (command) or body excerpt (http), bounded in size.
    pub output: String,
    pub duration_ms: u64,
    /// A `tag` step's release commits, per tag: what each commit's lead
    /// time (commit to production) is measured from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub released: Vec<Released>,
}

/// The commits a tag released (since the previous release of its format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    pub tag: String,
    pub commits: Vec<CommitTime>,
}

/// A commit and when it was made (its committer time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitTime {
    pub id: String,
    pub at: DateTime<Utc>,
}

impl Event {
    /// The step an event is about, if any.
    pub fn step(&self) -> Option<&str> {
        match self {
            Self::ReleaseStarted { .. }
            | Self::OccurrencePostponed { .. }
            | Self::OccurrenceSkipped { .. }
            | Self::OccurrenceRestored { .. }
            | Self::DeployRequested { .. }
            | Self::DeployFinished { .. }
            | Self::RolloutFinished { .. }
            | Self::ReleaseAbandoned { .. }
            | Self::WriterTookOver { .. }
            | Self::ExternalRolloutSeen { .. }
            | Self::BaselineCaptured { .. }
            | Self::TriggerFired { .. }
            | Self::TriggerCleared { .. }
            | Self::SeverityAssessed { .. }
            | Self::RollbackStarted { .. }
            | Self::RollbackItemFinished { .. }
            | Self::RollbackVerified { .. }
            | Self::AutoRollbackCancelled { .. }
            | Self::IncidentDeclared { .. }
            | Self::IncidentWritten { .. }
            | Self::MessageSending { .. }
            | Self::MessageSent { .. } => None,
            Self::FollowUpAdded { id, .. } => Some(id),
            Self::StepCompleted { step }
            | Self::StepSkipped { step, .. }
            | Self::ApprovalGiven { step }
            | Self::NoteAdded { step, .. }
            | Self::GateStarted { step }
            | Self::GateFinished { step, .. }
            | Self::StepUndone { step }
            | Self::GoNoGoOverridden { step, .. } => Some(step),
        }
    }

    /// A short line for histories and the audit trail, times in UTC.
    pub fn describe(&self) -> String {
        self.describe_in(chrono_tz::UTC)
    }

    /// [`Self::describe`] with its times in `zone`: the screen's, the
    /// operator's.
    pub fn describe_in(&self, zone: chrono_tz::Tz) -> String {
        use super::display_time::{full, minute, minute_zoned, second_zoned};
        match self {
            Self::ReleaseStarted { release, .. } => format!(
                "started {} {} ({} playbook)",
                release.kind, release.version, release.playbook
            ),
            Self::StepCompleted { .. } => "completed".to_owned(),
            Self::StepSkipped { reason, .. } => format!("skipped: {reason}"),
            Self::ApprovalGiven { .. } => "approved".to_owned(),
            Self::NoteAdded { text, .. } => format!("note: {text}"),
            Self::GateStarted { .. } => "gate started".to_owned(),
            Self::GateFinished { outcome, .. } => format!(
                "gate {}: {}",
                if outcome.passed { "passed" } else { "failed" },
                outcome.summary
            ),
            Self::StepUndone { .. } => "undid the last action".to_owned(),
            Self::DeployRequested {
                version,
                targets,
                dry_run,
                ..
            } => format!(
                "{} {version} to {}",
                if *dry_run {
                    "dry-run deploy of"
                } else {
                    "deploy"
                },
                targets.join(", ")
            ),
            Self::DeployFinished { ok, results } => format!(
                "deploy {}: {}",
                if *ok { "done" } else { "failed" },
                results.join("; ")
            ),
            Self::RolloutFinished { ok, detail } => format!(
                "rollout {}: {detail}",
                if *ok { "complete" } else { "failed" }
            ),
            Self::ReleaseAbandoned { reason } => format!("release abandoned: {reason}"),
            Self::WriterTookOver { previous, fence } => format!(
                "took the release over from {previous}, whose Lease had lapsed (fence {fence})"
            ),
            Self::GoNoGoOverridden { reason, .. } => format!("go/no-go overridden: {reason}"),
            Self::BaselineCaptured {
                signal,
                value,
                from,
                to,
                points,
            } => match value {
                Some(value) => format!(
                    "baseline of {signal}: {} (mean of {points} points, {} to {})",
                    short(value.0),
                    minute(*from, zone),
                    minute_zoned(*to, zone)
                ),
                None => format!(
                    "no baseline of {signal}: nothing seen {} to {}",
                    minute(*from, zone),
                    minute_zoned(*to, zone)
                ),
            },
            Self::TriggerFired {
                rule, value, since, ..
            } => format!(
                "trigger fired: {rule} (value {} at {})",
                short(value.0),
                second_zoned(*since, zone)
            ),
            Self::TriggerCleared { rule, .. } => format!("trigger cleared: {rule}"),
            Self::ExternalRolloutSeen { changes } => {
                format!("rollout not started here: {}", changes.join(", "))
            }
            Self::SeverityAssessed {
                severity,
                severity_name,
                reason,
                ..
            } => format!(
                "assessed {} ({}): {reason}",
                label(*severity, severity_name.as_deref()),
                severity.action()
            ),
            Self::IncidentDeclared {
                severity,
                severity_name,
                reason,
                ..
            } => format!(
                "incident declared, {} ({}), no rollback: {reason}",
                label(*severity, severity_name.as_deref()),
                severity.action()
            ),
            Self::RollbackStarted {
                severity,
                items,
                automatic,
                ..
            } => format!(
                "{}rollback ({severity}) of {}",
                if *automatic { "automatic " } else { "" },
                items
                    .iter()
                    .map(RollbackItem::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::RollbackItemFinished { item, ok, detail } => format!(
                "rollback of {item} {}: {detail}",
                if *ok { "sent" } else { "failed" }
            ),
            Self::RollbackVerified {
                ok,
                detail,
                time_to_restore_secs,
            } => match (ok, time_to_restore_secs) {
                (true, Some(s)) => format!(
                    "rollback verified, time to restore {}: {detail}",
                    crate::domain::offset::format_seconds(*s)
                ),
                (true, None) => format!("rollback verified: {detail}"),
                (false, _) => format!("rollback NOT verified: {detail}"),
            },
            Self::AutoRollbackCancelled { rule } => {
                format!("automatic rollback cancelled ({rule})")
            }
            Self::IncidentWritten { path } => format!("incident report written: {path}"),
            Self::MessageSending {
                channel,
                template,
                about,
                ..
            } => format!("sending `{template}` ({about}) to {channel}"),
            Self::MessageSent { summary, .. } => summary.clone(),
            Self::FollowUpAdded { title, due, .. } => {
                format!("follow-up added: {title}, due {}", full(*due, zone))
            }
            Self::OccurrencePostponed {
                train,
                scheduled,
                to,
                reason,
            } => format!(
                "postponed {train} {} to {}: {reason}",
                full(*scheduled, zone),
                full(*to, zone)
            ),
            Self::OccurrenceSkipped {
                train,
                scheduled,
                reason,
            } => format!("skipped {train} {}: {reason}", full(*scheduled, zone)),
            Self::OccurrenceRestored { train, scheduled } => format!(
                "restored {train} {} to its scheduled date",
                full(*scheduled, zone)
            ),
        }
    }
}

/// An event as recorded: numbered, timed, and attributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub operator: String,
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn described_times_are_in_the_zone_asked_for_and_utc_by_default() {
        let since = Utc.with_ymd_and_hms(2026, 11, 21, 16, 40, 5).unwrap();
        let fired = Event::TriggerFired {
            rule: "error_rate > 5%".into(),
            signal: "error_rate".into(),
            value: Number(0.07),
            since,
        };
        let berlin = chrono_tz::Europe::Berlin;
        assert!(fired.describe_in(berlin).contains("at 17:40:05 CET"));
        assert!(fired.describe().contains("at 16:40:05 UTC"));
        let follow_up = Event::FollowUpAdded {
            id: "post-mortem".into(),
            title: "Post-mortem".into(),
            instructions: String::new(),
            due: since,
            owner: "incident-commander".into(),
        };
        assert_eq!(
            follow_up.describe_in(berlin),
            "follow-up added: Post-mortem, due 2026-11-21 17:40 CET"
        );
    }

    #[test]
    fn assessments_journaled_before_the_scale_still_load_and_read_alike() {
        let old: Event = serde_json::from_str(
            r#"{"type":"severity_assessed","severity":"P1","reason":"errors","trigger":null}"#,
        )
        .unwrap();
        assert_eq!(
            old,
            Event::SeverityAssessed {
                severity: Severity::P1,
                severity_name: None,
                reason: "errors".into(),
                trigger: None,
            }
        );
        assert_eq!(
            old.describe(),
            "assessed P1 (roll back within the hour): errors"
        );
        // A word that says no more than the level is not written.
        assert!(
            !serde_json::to_string(&old)
                .unwrap()
                .contains("severity_name")
        );
        let named = Event::IncidentDeclared {
            severity: Severity::P0,
            severity_name: Some("SEV1".into()),
            reason: "payments down".into(),
            trigger: None,
        };
        let line = serde_json::to_string(&named).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), named);
        assert_eq!(
            named.describe(),
            "incident declared, SEV1 (P0) (roll back now), no rollback: payments down"
        );
    }
}
