//! The checklist of a running release: a fold over its recorded events, and the
//! state, due time and go/no-go of each step at a given instant.

mod deploys;
mod go_no_go;
mod lead_time;
mod messages;
mod outcome;
mod state;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

pub use deploys::{DeployLog, DeployRun, expected as deployed_unit};
pub use go_no_go::EnvironmentGate;
pub use lead_time::{LeadTime, LeadTimes};
pub use messages::{MessageEntry, MessageLog};
pub use outcome::{Abandoned, Outcome};
pub use state::{Blocker, StepState};

use super::events::{Event, GateOutcome, Recorded};
use super::playbook::Playbook;
use super::release::Release;
use super::rollback::{RollbackItem, Severity};

/// Who did something and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateRun {
    NotRun,
    Running { since: Mark },
    Finished { mark: Mark, outcome: GateOutcome },
}

/// What an operator can take back with undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undoable {
    Completion,
    Skip,
    Approval,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub completed: Option<Mark>,
    pub skipped: Option<(Mark, String)>,
    pub approvals: Vec<Mark>,
    pub gate: GateRun,
    pub notes: Vec<(Mark, String)>,
    pub overridden: Option<(Mark, String)>,
    /// Every event about this step, oldest first.
    pub history: Vec<Recorded>,
    undo: Vec<(String, Undoable)>,
}

impl Default for StepRecord {
    fn default() -> Self {
        Self {
            completed: None,
            skipped: None,
            approvals: Vec::new(),
            gate: GateRun::NotRun,
            notes: Vec::new(),
            overridden: None,
            history: Vec::new(),
            undo: Vec::new(),
        }
    }
}

/// Where steps added after the start (a post-mortem) go.
pub const FOLLOW_UP_PHASE: &str = "Follow-up";

/// A release in progress: what it is, its playbook, and what has been done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub release: Release,
    pub playbook: Playbook,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    records: BTreeMap<String, StepRecord>,
    /// The last event folded in.
    pub last_seq: u64,
    /// A deploy journaled as requested with no outcome yet: in flight, or cut
    /// off by a crash (then the cluster's live state is the truth).
    pub deploy_in_flight: Option<DeployInFlight>,
    /// When the last real (not dry-run) deploy was requested: the start of
    /// the post-deploy window the Health pane watches.
    pub last_deploy: Option<DateTime<Utc>>,
    /// What the last real deploy set: `namespace/name container=image`.
    pub last_deploy_targets: Vec<String>,
    /// Each signal's baseline as journaled at the last deploy.
    pub baselines: BTreeMap<String, Option<crate::domain::events::Number>>,
    /// Rules journaled as fired and not yet cleared, with when they fired.
    pub open_triggers: BTreeMap<String, DateTime<Utc>>,
    /// The last rollback journaled, and how far it got.
    pub rollback: Option<RollbackRecord>,
    /// Steps added after the start (a post-mortem): due at a time, not at a
    /// place in the plan, so they read as a time.
    pub follow_ups: BTreeSet<String>,
    /// The last incident declared without a rollback (`:incident`).
    pub declared: Option<DeclaredIncident>,
    /// The next report written is the declared incident's, not a rollback's.
    report_is_declared: bool,
    /// Messages sent that are no notify step's.
    pub messages: MessageLog,
    /// The real deploys, and how their rollouts ended.
    pub deploys: DeployLog,
    /// The operator said the release will not go out.
    pub abandoned: Option<Abandoned>,
}

/// An incident declared without a rollback, as the journal tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredIncident {
    pub at: DateTime<Utc>,
    pub by: String,
    pub severity: Severity,
    pub severity_name: Option<String>,
    pub reason: String,
    pub report: Option<String>,
}

/// A rollback as the journal tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackRecord {
    pub at: DateTime<Utc>,
    pub by: String,
    pub severity: Severity,
    pub items: Vec<RollbackItem>,
    /// Item key -> whether its revert went through.
    pub finished: BTreeMap<String, bool>,
    pub verified: Option<bool>,
    /// Verified: from the trigger (or the rollback's start) to then.
    pub time_to_restore: Option<chrono::Duration>,
    pub incident: Option<String>,
}

impl RollbackRecord {
    /// Started, and some item has no outcome: cut off by a crash, or running.
    pub fn in_flight(&self) -> bool {
        self.items
            .iter()
            .any(|i| !self.finished.contains_key(&i.key()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployInFlight {
    pub at: DateTime<Utc>,
    pub by: String,
    pub what: String,
}

impl Checklist {
    pub fn new(release: Release, playbook: Playbook, started: &Recorded) -> Self {
        Self {
            release,
            playbook,
            started_by: started.operator.clone(),
            started_at: started.at,
            records: BTreeMap::new(),
            last_seq: started.seq,
            deploy_in_flight: None,
            last_deploy: None,
            last_deploy_targets: Vec::new(),
            baselines: BTreeMap::new(),
            open_triggers: BTreeMap::new(),
            rollback: None,
            follow_ups: BTreeSet::new(),
            declared: None,
            report_is_declared: false,
            messages: MessageLog::default(),
            deploys: DeployLog::default(),
            abandoned: None,
        }
    }

    /// A step added after the start goes into a last "Follow-up" phase, due
    /// at its time as an offset from T-0; a second with the same id is ignored.
    fn add_follow_up(
        &mut self,
        id: &str,
        title: &str,
        instructions: &str,
        due: DateTime<Utc>,
        owner: &str,
    ) {
        if self.playbook.step(id).is_some() {
            return;
        }
        self.follow_ups.insert(id.to_owned());
        let step = crate::domain::playbook::Step {
            id: id.to_owned(),
            title: title.to_owned(),
            instructions: instructions.to_owned(),
            when: crate::domain::playbook::When::At(crate::domain::offset::Offset::from_duration(
                due - self.release.t0,
            )),
            owner: owner.to_owned(),
            required: true,
            kind: crate::domain::playbook::StepKind::Manual,
        };
        match self
            .playbook
            .phases
            .iter_mut()
            .find(|p| p.name == FOLLOW_UP_PHASE)
        {
            Some(phase) => phase.steps.push(step),
            None => self.playbook.phases.push(crate::domain::playbook::Phase {
                name: FOLLOW_UP_PHASE.to_owned(),
                steps: vec![step],
            }),
        }
    }

    /// A signal's baseline as journaled at the last deploy.
    pub fn baseline(&self, signal: &str) -> Option<f64> {
        self.baselines.get(signal).copied().flatten().map(|n| n.0)
    }

    pub fn record(&self, step: &str) -> Option<&StepRecord> {
        self.records.get(step)
    }

    /// Folds one recorded event in. Events about unknown steps are kept out of
    /// the state (a playbook edit cannot corrupt a running release).
    pub fn apply(&mut self, recorded: &Recorded) {
        self.last_seq = self.last_seq.max(recorded.seq);
        self.deploys.apply(recorded);
        match &recorded.event {
            Event::DeployRequested {
                version,
                targets,
                dry_run,
                ..
            } => {
                if !dry_run {
                    self.last_deploy = Some(recorded.at);
                    self.last_deploy_targets = targets.clone();
                }
                self.deploy_in_flight = Some(DeployInFlight {
                    at: recorded.at,
                    by: recorded.operator.clone(),
                    what: format!("{version} to {}", targets.join(", ")),
                });
            }
            Event::DeployFinished { .. } => self.deploy_in_flight = None,
            Event::ExternalRolloutSeen { .. } => self.last_deploy = Some(recorded.at),
            Event::BaselineCaptured { signal, value, .. } => {
                self.baselines.insert(signal.clone(), *value);
            }
            Event::TriggerFired { rule, .. } => {
                self.open_triggers.insert(rule.clone(), recorded.at);
            }
            Event::TriggerCleared { rule, .. } => {
                self.open_triggers.remove(rule);
            }
            Event::RollbackStarted {
                severity, items, ..
            } => {
                self.report_is_declared = false;
                self.rollback = Some(RollbackRecord {
                    at: recorded.at,
                    by: recorded.operator.clone(),
                    severity: *severity,
                    items: items.clone(),
                    finished: BTreeMap::new(),
                    verified: None,
                    time_to_restore: None,
                    incident: None,
                });
            }
            Event::RollbackItemFinished { item, ok, .. } => {
                if let Some(rollback) = self.rollback.as_mut() {
                    rollback.finished.insert(item.clone(), *ok);
                }
            }
            Event::RollbackVerified {
                ok,
                time_to_restore_secs,
                ..
            } => {
                if let Some(rollback) = self.rollback.as_mut() {
                    rollback.verified = Some(*ok);
                    rollback.time_to_restore = time_to_restore_secs
                        .filter(|_| *ok)
                        .and_then(chrono::Duration::try_seconds);
                }
            }
            Event::IncidentDeclared {
                severity,
                severity_name,
                reason,
                ..
            } => {
                self.report_is_declared = true;
                self.declared = Some(DeclaredIncident {
                    at: recorded.at,
                    by: recorded.operator.clone(),
                    severity: *severity,
                    severity_name: severity_name.clone(),
                    reason: reason.clone(),
                    report: None,
                });
            }
            Event::IncidentWritten { path } if self.report_is_declared => {
                self.report_is_declared = false;
                if let Some(declared) = self.declared.as_mut() {
                    declared.report = Some(path.clone());
                }
            }
            Event::IncidentWritten { path } => {
                if let Some(rollback) = self.rollback.as_mut() {
                    rollback.incident = Some(path.clone());
                }
            }
            Event::FollowUpAdded {
                id,
                title,
                instructions,
                due,
                owner,
            } => self.add_follow_up(id, title, instructions, *due, owner),
            Event::MessageSending { .. } | Event::MessageSent { .. } => {
                self.messages.apply(recorded)
            }
            Event::ReleaseAbandoned { reason } => {
                self.abandoned = Some(Abandoned {
                    at: recorded.at,
                    by: recorded.operator.clone(),
                    reason: reason.clone(),
                });
            }
            _ => {}
        }
        let Some(step) = recorded.event.step() else {
            return;
        };
        if self.playbook.step(step).is_none() {
            return;
        }
        let record = self.records.entry(step.to_owned()).or_default();
        record.history.push(recorded.clone());
        let mark = Mark {
            by: recorded.operator.clone(),
            at: recorded.at,
        };
        let by = recorded.operator.clone();
        match &recorded.event {
            Event::ReleaseStarted { .. }
            | Event::OccurrencePostponed { .. }
            | Event::OccurrenceSkipped { .. }
            | Event::OccurrenceRestored { .. }
            | Event::DeployRequested { .. }
            | Event::DeployFinished { .. }
            | Event::RolloutFinished { .. }
            | Event::ReleaseAbandoned { .. }
            | Event::WriterTookOver { .. }
            | Event::ExternalRolloutSeen { .. }
            | Event::BaselineCaptured { .. }
            | Event::TriggerFired { .. }
            | Event::TriggerCleared { .. }
            | Event::SeverityAssessed { .. }
            | Event::RollbackStarted { .. }
            | Event::RollbackItemFinished { .. }
            | Event::RollbackVerified { .. }
            | Event::AutoRollbackCancelled { .. }
            | Event::IncidentDeclared { .. }
            | Event::IncidentWritten { .. }
            | Event::MessageSending { .. }
            | Event::MessageSent { .. }
            | Event::FollowUpAdded { .. } => {}
            Event::StepCompleted { .. } => {
                record.completed = Some(mark);
                record.undo.push((by, Undoable::Completion));
            }
            Event::StepSkipped { reason, .. } => {
                record.skipped = Some((mark, reason.clone()));
                record.undo.push((by, Undoable::Skip));
            }
            Event::ApprovalGiven { .. } => {
                if !record.approvals.iter().any(|a| a.by == by) {
                    record.approvals.push(mark);
                    record.undo.push((by, Undoable::Approval));
                }
            }
            Event::NoteAdded { text, .. } => record.notes.push((mark, text.clone())),
            Event::GateStarted { .. } => record.gate = GateRun::Running { since: mark },
            Event::GateFinished { outcome, .. } => {
                record.gate = GateRun::Finished {
                    mark,
                    outcome: outcome.clone(),
                }
            }
            Event::StepUndone { .. } => {
                if let Some(index) = record.undo.iter().rposition(|(who, _)| *who == by) {
                    match record.undo.remove(index).1 {
                        Undoable::Completion => record.completed = None,
                        Undoable::Skip => record.skipped = None,
                        Undoable::Approval => record.approvals.retain(|a| a.by != by),
                    }
                }
            }
            Event::GoNoGoOverridden { reason, .. } => {
                record.overridden = Some((mark, reason.clone()))
            }
        }
    }

    /// Whether `operator` has something on this step that undo would take back.
    pub fn can_undo(&self, step: &str, operator: &str) -> bool {
        self.records
            .get(step)
            .is_some_and(|r| r.undo.iter().any(|(who, _)| who == operator))
    }

    /// Steps whose gate is running, for "quit while actions run?".
    pub fn running_gates(&self) -> Vec<&str> {
        self.records
            .iter()
            .filter(|(_, r)| matches!(r.gate, GateRun::Running { .. }))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests;
