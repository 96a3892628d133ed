//! What the figures need of one release, read once from its checklist.

use chrono::{DateTime, Duration, Utc};

use crate::domain::checklist::{Checklist, Outcome};
use crate::domain::release::ReleaseType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFacts {
    pub id: String,
    pub kind: ReleaseType,
    pub version: String,
    pub t0: DateTime<Utc>,
    pub outcome: Outcome,
    /// From its first deploy to how it ended (released or rolled back).
    pub duration: Option<Duration>,
    /// Incidents: a rollback's, and one declared without a rollback.
    pub incidents: usize,
    /// When it first reached production (its first production deploy step
    /// finished), if it did.
    pub deployed: Option<DateTime<Utc>>,
    /// Each released commit's time to production.
    pub lead_times: Vec<Duration>,
    /// When a rollback started, and how long restoring took once verified.
    pub rolled_back: Option<DateTime<Utc>>,
    pub time_to_restore: Option<Duration>,
    /// From each deploy's request to its rollouts complete.
    pub deploy_durations: Vec<Duration>,
}

impl ReleaseFacts {
    pub fn of(checklist: &Checklist, postponed_to: Option<DateTime<Utc>>) -> Self {
        let lead = checklist.lead_times();
        let outcome = checklist.outcome(postponed_to);
        let first = checklist.deploys.own().last().map(|r| r.at);
        let ended = match &outcome {
            Outcome::Released { at } | Outcome::RolledBack { at } => Some(*at),
            _ => None,
        };
        Self {
            id: checklist.release.id.clone(),
            kind: checklist.release.kind,
            version: checklist.release.version.to_string(),
            t0: checklist.release.t0,
            duration: first
                .zip(ended)
                .map(|(from, to)| (to - from).max(Duration::zero())),
            incidents: usize::from(checklist.rollback.is_some())
                + usize::from(checklist.declared.is_some()),
            outcome,
            deployed: lead.deployed,
            lead_times: lead.commits.iter().map(|c| c.lead).collect(),
            rolled_back: checklist.rollback.as_ref().map(|r| r.at),
            time_to_restore: checklist.rollback.as_ref().and_then(|r| r.time_to_restore),
            deploy_durations: checklist
                .deploys
                .runs
                .iter()
                .filter_map(|r| r.duration())
                .collect(),
        }
    }

    /// A hotfix or an emergency: a fix for what an earlier release broke.
    pub fn is_fix(&self) -> bool {
        matches!(self.kind, ReleaseType::Hotfix | ReleaseType::Emergency)
    }
}
