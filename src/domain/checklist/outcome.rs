//! How a release ended, or where it stands: upcoming, postponed, in
//! progress (from its first deploy), released (the production deploy's
//! rollouts complete and the phase holding it done), rolled back, or
//! abandoned with a reason. Read from the journal (and, for a postponement,
//! the calendar's), so the header, `releases`, the calendar and the
//! delivery figures agree.

use chrono::{DateTime, Utc};

use super::{Checklist, DeployRun};
use crate::domain::playbook::{Step, StepKind};

/// `:release-abandon`: why the release will not go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abandoned {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Upcoming,
    /// Its occurrence was moved to `to`, and nothing was deployed yet.
    Postponed {
        to: DateTime<Utc>,
    },
    /// Since its first deploy (here or seen elsewhere).
    InProgress {
        since: DateTime<Utc>,
    },
    Released {
        at: DateTime<Utc>,
    },
    RolledBack {
        at: DateTime<Utc>,
    },
    Abandoned {
        at: DateTime<Utc>,
        reason: String,
    },
}

impl Outcome {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Postponed { .. } => "postponed",
            Self::InProgress { .. } => "in progress",
            Self::Released { .. } => "released",
            Self::RolledBack { .. } => "rolled back",
            Self::Abandoned { .. } => "abandoned",
        }
    }

    /// Nothing more happens to the release: released, rolled back or
    /// abandoned.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Released { .. } | Self::RolledBack { .. } | Self::Abandoned { .. }
        )
    }
}

impl Checklist {
    /// An environment counts as production when it is named so or the
    /// playbook gates it by go/no-go.
    pub fn is_production(&self, environment: &str) -> bool {
        environment == "production" || self.playbook.go_no_go.iter().any(|g| g == environment)
    }

    /// The deploy a completed deploy step carried out (`None` for one done
    /// by hand, with no deploy journaled before it).
    pub fn deploy_of(&self, step: &Step) -> Option<&DeployRun> {
        if !matches!(step.kind, StepKind::Deploy { .. }) {
            return None;
        }
        let completed = self.record(&step.id)?.completed.as_ref()?;
        self.deploys.run_of(&step.id, completed.at)
    }

    /// When a finished deploy step's rollouts ended complete: the step's
    /// completion when it was done by hand. `None` while they roll, when
    /// one failed, or when the step is not finished.
    pub fn deploy_verified_at(&self, step: &Step) -> Option<DateTime<Utc>> {
        let record = self.record(&step.id)?;
        if record.skipped.is_some() {
            return None;
        }
        let completed = record.completed.as_ref()?.at;
        match self.deploy_of(step) {
            None => Some(completed),
            Some(run) => match &run.rollout {
                Some((at, true, _)) => Some(*at),
                _ => None,
            },
        }
    }

    /// When the release was out: its first production deploy step's
    /// rollouts complete (its last deploy step's, in a playbook that deploys
    /// to no production) and every required step of that step's phase
    /// finished (an incident's follow-ups aside).
    pub fn released_at(&self) -> Option<DateTime<Utc>> {
        let deploys = || {
            self.playbook
                .steps()
                .filter(|(_, s)| s.kind.deploys_to().is_some())
        };
        let (phase, step) = deploys()
            .find(|(_, s)| {
                s.kind
                    .deploys_to()
                    .is_some_and(|env| self.is_production(env))
            })
            .or_else(|| deploys().last())?;
        let verified = self.deploy_verified_at(step)?;
        let mut at = verified;
        for (_, other) in self
            .playbook
            .steps()
            .filter(|(p, s)| *p == phase && s.required && !self.follow_ups.contains(&s.id))
        {
            at = at.max(self.finished_at(other)?);
        }
        Some(at)
    }

    /// The release's outcome; `postponed_to` is where the calendar moved its
    /// occurrence, if it did.
    pub fn outcome(&self, postponed_to: Option<DateTime<Utc>>) -> Outcome {
        if let Some(abandoned) = &self.abandoned {
            return Outcome::Abandoned {
                at: abandoned.at,
                reason: abandoned.reason.clone(),
            };
        }
        if let Some(rollback) = &self.rollback {
            // Out again after the rollback only when a deploy since then
            // completed (a fix): finishing a step is not a release.
            let again = self
                .deploys
                .own()
                .filter(|r| r.at > rollback.at)
                .find_map(|r| match &r.rollout {
                    Some((at, true, _)) => Some(*at),
                    _ => None,
                });
            return match again {
                Some(at) => Outcome::Released { at },
                None => Outcome::RolledBack { at: rollback.at },
            };
        }
        if let Some(at) = self.released_at() {
            return Outcome::Released { at };
        }
        // A rollout seen elsewhere may be anyone's: only this cockpit's
        // deploys start the release.
        if let Some(first) = self.deploys.own().last() {
            return Outcome::InProgress { since: first.at };
        }
        match postponed_to {
            Some(to) => Outcome::Postponed { to },
            None => Outcome::Upcoming,
        }
    }
}
