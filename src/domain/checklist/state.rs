//! Step states at an instant: due times from T-0 or from the step followed,
//! pending/due/overdue by the playbook's grace, gate results, approvals met, and
//! the go/no-go of production deploys.

use chrono::{DateTime, Utc};

use super::{Checklist, DeployRun, GateRun, StepRecord};
use crate::domain::playbook::{Step, StepKind, When};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepState {
    /// Not due yet.
    Pending,
    /// Due now, within the grace period.
    Due,
    /// Past due plus grace.
    Overdue,
    /// A gate is running.
    Running,
    /// A deploy step's changes were taken; its rollouts have not ended.
    /// It counts as finished (the steps after it may go), but the release
    /// is not out until they complete.
    Deploying,
    /// A gate passed.
    Passed,
    /// A gate failed; it can be run again.
    Failed,
    Skipped,
    Done,
}

impl StepState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Due => "due",
            Self::Overdue => "overdue",
            Self::Running => "running",
            Self::Deploying => "deploying",
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Done => "done",
        }
    }

    /// Finished steps let the release move on.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Passed | Self::Skipped | Self::Done | Self::Deploying
        )
    }
}

/// Why a production deploy may not go ahead yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub step: String,
    pub reason: String,
}

static EMPTY: std::sync::LazyLock<StepRecord> = std::sync::LazyLock::new(StepRecord::default);

impl Checklist {
    fn record_or_empty(&self, step: &str) -> &StepRecord {
        self.records.get(step).unwrap_or(&EMPTY)
    }

    /// How many distinct approvals a step has.
    pub fn approval_count(&self, step: &str) -> usize {
        self.record_or_empty(step).approvals.len()
    }

    /// When the step was finished (done, passed or skipped), if it is.
    pub fn finished_at(&self, step: &Step) -> Option<DateTime<Utc>> {
        let record = self.record_or_empty(&step.id);
        if let Some((mark, _)) = &record.skipped {
            return Some(mark.at);
        }
        match &step.kind {
            StepKind::Command(_) | StepKind::Http(_) => match &record.gate {
                GateRun::Finished { mark, outcome } if outcome.passed => Some(mark.at),
                _ => None,
            },
            // Made (sent) by the cockpit, a passed run, or done by hand.
            StepKind::Repo(_) | StepKind::Notify { .. } => match &record.gate {
                GateRun::Finished { mark, outcome } if outcome.passed => Some(mark.at),
                _ => record.completed.as_ref().map(|m| m.at),
            },
            StepKind::Approval(rule) => {
                let needed = rule.count as usize;
                (record.approvals.len() >= needed).then(|| record.approvals[needed - 1].at)
            }
            _ => record.completed.as_ref().map(|m| m.at),
        }
    }

    /// A repeating notify step (`every`) sent before: when it is due again,
    /// while the release is under way (past T-0, another required step of
    /// its phase not finished; an incident's follow-ups do not count). It
    /// counts as finished from its first send, and each send, or a post
    /// completed by hand (`h`), starts the wait again.
    pub fn due_again(&self, step: &Step, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let StepKind::Notify {
            every: Some(every), ..
        } = &step.kind
        else {
            return None;
        };
        let record = self.record(&step.id)?;
        let GateRun::Finished { mark, outcome } = &record.gate else {
            return None;
        };
        if !outcome.passed || record.skipped.is_some() || now < self.release.t0 {
            return None;
        }
        let last = record
            .completed
            .as_ref()
            .map_or(mark.at, |done| done.at.max(mark.at));
        let phase = self
            .playbook
            .steps()
            .find(|(_, s)| s.id == step.id)
            .map(|(phase, _)| phase)?;
        let open = self.playbook.steps().any(|(p, s)| {
            p == phase
                && s.required
                && s.id != step.id
                && !self.follow_ups.contains(&s.id)
                && self.finished_at(s).is_none()
        });
        if !open {
            return None;
        }
        last.checked_add_signed(*every)
    }

    /// When the step falls due: T-0 plus its offset, or when the step it follows
    /// finished (`None` while that one is open, or when T-0 read from a journal
    /// is so far out that the offset passes chrono's last instant).
    pub fn due_at(&self, step: &Step) -> Option<DateTime<Utc>> {
        match &step.when {
            When::At(offset) => self.release.t0.checked_add_signed(offset.duration()),
            When::After(other) => self.playbook.step(other).and_then(|o| self.finished_at(o)),
        }
    }

    /// The open follow-up (an incident's report, post-mortem, ...) due
    /// first, with when: what the status bar keeps in sight.
    pub fn next_follow_up(&self, now: DateTime<Utc>) -> Option<(&Step, DateTime<Utc>)> {
        self.playbook
            .steps()
            .map(|(_, step)| step)
            .filter(|step| self.follow_ups.contains(&step.id))
            .filter(|step| !self.state(step, now).is_finished())
            .filter_map(|step| Some((step, self.due_at(step)?)))
            .min_by_key(|(_, due)| *due)
    }

    pub fn state(&self, step: &Step, now: DateTime<Utc>) -> StepState {
        let record = self.record_or_empty(&step.id);
        if record.skipped.is_some() {
            return StepState::Skipped;
        }
        if let Some(due) = self.due_again(step, now) {
            return if now < due {
                StepState::Passed
            } else if due
                .checked_add_signed(self.playbook.grace)
                .is_none_or(|late| now < late)
            {
                StepState::Due
            } else {
                StepState::Overdue
            };
        }
        // A tag step (a message) done by hand after a failed run is done.
        if step.kind.may_finish_by_hand()
            && record.completed.is_some()
            && !matches!(&record.gate, GateRun::Finished { outcome, .. } if outcome.passed)
        {
            return StepState::Done;
        }
        if step.kind.is_gate() {
            match &record.gate {
                GateRun::Running { .. } => return StepState::Running,
                GateRun::Finished { outcome, .. } => {
                    return if outcome.passed {
                        StepState::Passed
                    } else {
                        StepState::Failed
                    };
                }
                GateRun::NotRun => {}
            }
        } else if self.finished_at(step).is_some() {
            return match self.deploy_of(step) {
                Some(run) if run.is_rolling() => StepState::Deploying,
                Some(DeployRun {
                    rollout: Some((_, false, _)),
                    ..
                }) => StepState::Failed,
                _ => StepState::Done,
            };
        }
        match self.due_at(step) {
            None => StepState::Pending,
            Some(due) if now < due => StepState::Pending,
            Some(due)
                if due
                    .checked_add_signed(self.playbook.grace)
                    .is_none_or(|late| now < late) =>
            {
                StepState::Due
            }
            Some(_) => StepState::Overdue,
        }
    }

    /// Reasons a gated step (one that deploys to an environment the playbook's
    /// `go_no_go` names) may not run: required steps before it that are not
    /// finished, and approvals before it that are not met. Empty when it may go,
    /// or when go/no-go was overridden (the override is recorded).
    pub fn blockers(&self, step: &Step) -> Vec<Blocker> {
        if !self.playbook.is_gated(step) || self.record_or_empty(&step.id).overridden.is_some() {
            return Vec::new();
        }
        let mut blockers = Vec::new();
        for (_, earlier) in self.playbook.steps().take_while(|(_, s)| s.id != step.id) {
            let finished = self.finished_at(earlier).is_some();
            match &earlier.kind {
                StepKind::Approval(rule) if !finished => blockers.push(Blocker {
                    step: earlier.id.clone(),
                    reason: format!(
                        "{} of {} approvals from {}",
                        self.approval_count(&earlier.id).min(rule.count as usize),
                        rule.count,
                        rule.role
                    ),
                }),
                _ if earlier.required && !finished => blockers.push(Blocker {
                    step: earlier.id.clone(),
                    reason: format!("required step not finished: {}", earlier.title),
                }),
                _ => {}
            }
        }
        blockers
    }

    /// The phase the release is in: the first with a required step that is due,
    /// overdue, running or failed; else the first with an unfinished step; else
    /// the last.
    pub fn current_phase(&self, now: DateTime<Utc>) -> usize {
        let active = |s: &Step| {
            s.required
                && matches!(
                    self.state(s, now),
                    StepState::Due | StepState::Overdue | StepState::Running | StepState::Failed
                )
        };
        let phases = &self.playbook.phases;
        phases
            .iter()
            .position(|p| p.steps.iter().any(active))
            .or_else(|| {
                phases
                    .iter()
                    .position(|p| p.steps.iter().any(|s| !self.state(s, now).is_finished()))
            })
            .unwrap_or(phases.len().saturating_sub(1))
    }

    /// Finished and total steps of a phase.
    pub fn progress(&self, phase: usize, now: DateTime<Utc>) -> (usize, usize) {
        let steps = self
            .playbook
            .phases
            .get(phase)
            .map_or(&[][..], |p| &p.steps[..]);
        let done = steps
            .iter()
            .filter(|s| self.state(s, now).is_finished())
            .count();
        (done, steps.len())
    }
}
