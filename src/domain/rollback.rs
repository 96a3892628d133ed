//! Rollback as data: the severity matrix the on-call decides with, which
//! Deployments a release changed and what each can go back to, and the plan
//! that is journaled before anything is touched.

use std::fmt;
use std::str::FromStr;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::release::ReleaseType;
use super::rollout::{Revision, Unit, UnitKind, image_tag};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    P0,
    P1,
    P2,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::P0, Severity::P1, Severity::P2];

    /// Where the level is in [`Severity::ALL`], most severe first.
    pub fn index(self) -> usize {
        match self {
            Self::P0 => 0,
            Self::P1 => 1,
            Self::P2 => 2,
        }
    }

    /// What the level covers, as the decision matrix reads.
    pub fn covers(self) -> &'static str {
        match self {
            Self::P0 => "outage, data loss or corruption, security breach",
            Self::P1 => "a major feature broken, performance degraded by more than 50%",
            Self::P2 => "a minor issue, a workaround exists",
        }
    }

    /// What the level asks for.
    pub fn action(self) -> &'static str {
        match self {
            Self::P0 => "roll back now",
            Self::P1 => "roll back within the hour",
            Self::P2 => "fix forward: a rollback is not called for",
        }
    }

    pub fn calls_for_rollback(self) -> bool {
        self != Self::P2
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::P0 => "P0",
            Self::P1 => "P1",
            Self::P2 => "P2",
        })
    }
}

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(text: &str) -> Result<Self, UnknownSeverity> {
        match text.trim().to_ascii_uppercase().as_str() {
            "P0" => Ok(Self::P0),
            "P1" => Ok(Self::P1),
            "P2" => Ok(Self::P2),
            other => Err(UnknownSeverity(other.to_owned())),
        }
    }
}

/// A word that is not a severity (as written, upper-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSeverity(pub String);

impl fmt::Display for UnknownSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a severity: P0, P1 or P2", self.0)
    }
}

impl std::error::Error for UnknownSeverity {}

/// An automatic rollback waiting to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Countdown {
    pub trigger: TriggerFacts,
    pub starts_at: DateTime<Utc>,
}

/// What fired, as the assessment starts from it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerFacts {
    pub rule: String,
    /// A health endpoint (up or down) rather than a measured level.
    pub health_check: bool,
    pub value: String,
    pub since: DateTime<Utc>,
}

/// The matrix applied to a trigger: a failing health check is an outage (P0);
/// a breached level (error rate, latency) is a major degradation (P1).
pub fn suggest(trigger: &TriggerFacts) -> (Severity, String) {
    let severity = if trigger.health_check {
        Severity::P0
    } else {
        Severity::P1
    };
    (
        severity,
        format!("{} (now {})", trigger.rule, trigger.value),
    )
}

/// One unit the rollback may revert, with where it can go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub target: String,
    pub kind: UnitKind,
    pub namespace: String,
    pub name: String,
    pub image: String,
    pub version: String,
    pub revision: u64,
    /// Older revisions with another image, newest first: where it can go.
    pub choices: Vec<Revision>,
    /// Whether this release changed it: its image carries the release's version.
    pub changed: bool,
    /// Its target's data is the last good, not live: shown, not preselected.
    pub stale: bool,
    /// A command target's rollback, to be rendered for the chosen version.
    pub commands: Option<RollbackCommands>,
}

/// What a command unit's rollback runs, before the version is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackCommands {
    pub templates: super::rollout::CommandTemplates,
    pub release: String,
}

impl Candidate {
    pub fn from_state(target: &str, d: &Unit, version: &str) -> Self {
        // A command unit's version is what it runs or, while its commands
        // run, what it moves to; its revision is the last one on record.
        let current = match d.kind {
            UnitKind::Command => vec![d.version.clone()],
            UnitKind::Deployment | UnitKind::Container => d
                .history
                .iter()
                .find(|r| r.number == d.revision)
                .map(|r| versions(d.kind, r))
                .unwrap_or_else(|| vec![d.version.clone()]),
        };
        let is_release = |v: &str| v == version || v.strip_prefix('v') == Some(version);
        // Never back to the release being rolled back (after a first
        // rollback, its revision is the newest older one), nor to what runs.
        let choices = d
            .history
            .iter()
            .filter(|r| r.number != d.revision && versions(d.kind, r) != current)
            .filter(|r| !versions(d.kind, r).iter().any(|v| is_release(v)))
            .cloned()
            .collect();
        Self {
            target: target.to_owned(),
            kind: d.kind,
            namespace: d.namespace.clone(),
            name: d.name.clone(),
            image: d.image.clone(),
            version: d.version.clone(),
            revision: d.revision,
            choices,
            changed: is_release(&d.version),
            stale: false,
            commands: None,
        }
    }

    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Which of `choices` runs `version` (`2.3.1` or `v2.3.1`).
    pub fn revision_for(&self, version: &str) -> Option<usize> {
        let bare = version.strip_prefix('v').unwrap_or(version);
        self.choices.iter().position(|r| {
            versions(self.kind, r)
                .iter()
                .any(|v| v.strip_prefix('v').unwrap_or(v) == bare)
        })
    }

    /// The versions it can go back to, newest first, as `--to` takes them.
    pub fn offered_versions(&self) -> Vec<String> {
        self.choices
            .iter()
            .map(|r| versions(self.kind, r).join(","))
            .collect()
    }
}

/// What a revision ran, as compared when choosing where to go back to: the
/// tags of a Deployment's images, or the version a command set.
fn versions(kind: UnitKind, revision: &Revision) -> Vec<String> {
    match kind {
        UnitKind::Deployment | UnitKind::Container if !revision.images.is_empty() => revision
            .images
            .iter()
            .map(|i| image_tag(i).to_owned())
            .collect(),
        _ => vec![revision.version.clone()],
    }
}

/// One unit to revert, as journaled and carried out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackItem {
    pub target: String,
    /// Older journals hold only Deployments.
    #[serde(default)]
    pub kind: UnitKind,
    pub namespace: String,
    pub name: String,
    pub from_image: String,
    pub from_revision: u64,
    pub to_revision: u64,
    pub to_image: String,
    /// The versions it goes from and to; empty in older journals, where the
    /// images' tags say it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub from_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_version: String,
    /// A command target's rollback commands, after substitution: what the
    /// operator confirmed and what runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
}

/// What `rollout undo` did to one Deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoOutcome {
    /// The template of this revision is being rolled out.
    RolledBack { to: u64 },
    /// The Deployment already runs that revision's template; nothing was sent.
    Skipped { revision: u64 },
    /// A command target's rollback commands all exited 0.
    Ran { version: String, summary: String },
}

impl fmt::Display for UndoOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RolledBack { to } => write!(f, "rolling back to revision {to}"),
            Self::Skipped { revision } => {
                write!(f, "already on revision {revision}'s template: nothing sent")
            }
            Self::Ran { version, summary } => {
                write!(f, "rolled back to {version}: {summary}")
            }
        }
    }
}

/// How the wizard and the journal tell a revert's result.
pub fn revert_detail(result: &Result<UndoOutcome, super::rollout::ActionError>) -> String {
    match result {
        Ok(outcome) => outcome.to_string(),
        Err(error) => error.to_string(),
    }
}

impl RollbackItem {
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn from_version(&self) -> &str {
        match self.from_version.as_str() {
            "" => image_tag(&self.from_image),
            version => version,
        }
    }

    pub fn to_version(&self) -> &str {
        match self.to_version.as_str() {
            "" => image_tag(&self.to_image),
            version => version,
        }
    }

    /// `production/checkout 2.4.0 (rev 4) -> 2.3.1 (rev 3)`; a command
    /// target's `production/web 2.4.0 -> 2.3.1`.
    pub fn describe(&self) -> String {
        match self.kind {
            UnitKind::Deployment => format!(
                "{} {} (rev {}) -> {} (rev {})",
                self.key(),
                self.from_version(),
                self.from_revision,
                self.to_version(),
                self.to_revision
            ),
            UnitKind::Command | UnitKind::Container => format!(
                "{} {} -> {}",
                self.key(),
                self.from_version(),
                self.to_version()
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackPlan {
    pub release_id: String,
    pub version: String,
    pub items: Vec<RollbackItem>,
}

/// What a firing trigger does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTrigger {
    /// The banner says so; `R` starts the guided rollback.
    Guided,
    /// A countdown any key cancels, then the rollback of what changed.
    Auto,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackSettings {
    pub verify: Duration,
    /// `None`: `<state dir>/incidents`.
    pub incidents: Option<PathBuf>,
    pub on_trigger: OnTrigger,
    pub on_trigger_for: BTreeMap<ReleaseType, OnTrigger>,
    pub auto_countdown: Duration,
    /// `[rollback] notify`: the channel the rollback notice goes to
    /// (`None`: the default channel).
    pub notify: Option<String>,
}

impl Default for RollbackSettings {
    fn default() -> Self {
        Self {
            verify: Duration::minutes(5),
            incidents: None,
            on_trigger: OnTrigger::Guided,
            on_trigger_for: BTreeMap::new(),
            auto_countdown: Duration::seconds(30),
            notify: None,
        }
    }
}

impl RollbackSettings {
    pub fn on_trigger(&self, kind: Option<ReleaseType>) -> OnTrigger {
        kind.and_then(|k| self.on_trigger_for.get(&k).copied())
            .unwrap_or(self.on_trigger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollout::RolloutPhase;

    fn revision(number: u64, tag: &str) -> Revision {
        Revision {
            number,
            version: tag.into(),
            images: vec![format!("shop/checkout:{tag}")],
            created: None,
            change_cause: Some(format!("deploy {tag}")),
            replicas: 0,
        }
    }

    #[test]
    fn a_candidate_goes_back_to_older_revisions_with_another_image() {
        let state = Unit {
            kind: UnitKind::Deployment,
            version: "2.4.0".into(),
            namespace: "production".into(),
            name: "checkout".into(),
            container: "checkout".into(),
            image: "shop/checkout:2.4.0".into(),
            previous_image: None,
            revision: 5,
            desired: 3,
            updated: 3,
            ready: 3,
            available: 3,
            total: 3,
            phase: RolloutPhase::Complete,
            message: String::new(),
            last_update: None,
            // Revision 4 was 2.4.0 too (a restart): not a way back.
            history: vec![
                revision(5, "2.4.0"),
                revision(4, "2.4.0"),
                revision(3, "2.3.1"),
                revision(2, "2.3.0"),
            ],
        };
        let candidate = Candidate::from_state("shop", &state, "2.4.0");
        assert!(candidate.changed);
        let numbers: Vec<u64> = candidate.choices.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [3, 2]);
        assert!(!Candidate::from_state("shop", &state, "2.5.0").changed);
        // Rolled back once (rev 6 runs 2.3.1): the way back never leads to the release.
        let mut again = state.clone();
        again.image = "shop/checkout:2.3.1".into();
        again.version = "2.3.1".into();
        again.revision = 6;
        again.history.insert(0, revision(6, "2.3.1"));
        let numbers: Vec<u64> = Candidate::from_state("shop", &again, "2.4.0")
            .choices
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(numbers, [2]);
        assert!(Candidate::from_state("shop", &state, "2.4.0").changed);
        let mut v = state.clone();
        v.image = "shop/checkout:v2.4.0".into();
        v.version = "v2.4.0".into();
        assert!(
            Candidate::from_state("shop", &v, "2.4.0").changed,
            "a v-prefixed tag is the release too"
        );
    }

    #[test]
    fn every_level_is_where_all_lists_it() {
        for (index, severity) in Severity::ALL.into_iter().enumerate() {
            assert_eq!(severity.index(), index, "{severity}");
        }
    }

    #[test]
    fn a_word_that_is_no_severity_lists_the_severities() {
        assert_eq!(
            "p4".parse::<Severity>().map_err(|e| e.to_string()),
            Err("`P4` is not a severity: P0, P1 or P2".to_owned())
        );
    }

    #[test]
    fn the_matrix_reads_a_failing_health_check_as_an_outage() {
        let facts = |health_check| TriggerFacts {
            rule: "x".into(),
            health_check,
            value: "7%".into(),
            since: Utc::now(),
        };
        assert_eq!(suggest(&facts(true)).0, Severity::P0);
        assert_eq!(suggest(&facts(false)).0, Severity::P1);
        assert!(!Severity::P2.calls_for_rollback());
        assert_eq!("p1".parse::<Severity>(), Ok(Severity::P1));
    }
}
