//! Go/no-go per environment: what decides whether a deploy that touches an
//! environment may go, whichever path asks (`d` on the Rollout pane, a
//! playbook step, auto mode). One answer for all of them.

use super::{Blocker, Checklist};
use crate::domain::playbook::Step;

/// Whether a deploy to one environment may go ahead now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvironmentGate {
    /// The playbook does not gate this environment (not in its `go_no_go`, or
    /// no step of it deploys there).
    NotGated,
    /// Every required step and approval before the gating step is finished.
    Clear { step: String },
    /// Go/no-go was overridden on the gating step, with a recorded reason.
    Overridden {
        step: String,
        by: String,
        reason: String,
    },
    /// Held back until these are finished (or the step is overridden with `O`).
    Blocked {
        step: String,
        blockers: Vec<Blocker>,
    },
}

impl EnvironmentGate {
    pub fn allows(&self) -> bool {
        !matches!(self, Self::Blocked { .. })
    }

    /// One line for dialogs and notices: `production waits for go/no-go on
    /// deploy-production: 1 of 2 approvals from team; …`.
    pub fn describe(&self, environment: &str) -> String {
        match self {
            Self::NotGated => format!("{environment}: not gated by the playbook"),
            Self::Clear { step } => format!("{environment}: go/no-go clear (`{step}`)"),
            Self::Overridden { step, by, reason } => {
                format!("{environment}: go/no-go on `{step}` overridden by {by}: {reason}")
            }
            Self::Blocked { step, blockers } => {
                // Approvals with their counts; unfinished steps by id (their
                // titles are in the step's details).
                let (approvals, steps): (Vec<&Blocker>, Vec<&Blocker>) = blockers
                    .iter()
                    .partition(|b| !b.reason.starts_with("required step"));
                let mut parts: Vec<String> = approvals
                    .iter()
                    .map(|b| format!("{} ({})", b.step, b.reason))
                    .collect();
                if !steps.is_empty() {
                    parts.push(format!(
                        "required steps not finished: {}",
                        steps
                            .iter()
                            .map(|b| b.step.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                format!(
                    "{environment} waits for go/no-go on `{step}`: {}",
                    parts.join("; ")
                )
            }
        }
    }
}

impl Checklist {
    /// The go/no-go of a deploy to `environment`. The gating step is the first
    /// unfinished step that deploys there (the last one once all are
    /// finished): a deploy outside the playbook is held to the same bar as the
    /// step that would do it.
    pub fn environment_gate(&self, environment: &str) -> EnvironmentGate {
        if !self.playbook.gates_environment(environment) {
            return EnvironmentGate::NotGated;
        }
        let steps: Vec<&Step> = self
            .playbook
            .gated_steps()
            .filter(|(_, env)| *env == environment)
            .map(|(step, _)| step)
            .collect();
        match steps
            .iter()
            .find(|s| self.finished_at(s).is_none())
            .or(steps.last())
        {
            Some(step) => self.step_gate(step),
            None => EnvironmentGate::NotGated,
        }
    }

    /// The go/no-go of one step: not gated, overridden, clear or blocked.
    pub fn step_gate(&self, step: &Step) -> EnvironmentGate {
        if !self.playbook.is_gated(step) {
            return EnvironmentGate::NotGated;
        }
        let record = self.record(&step.id);
        if let Some((mark, reason)) = record.and_then(|r| r.overridden.as_ref()) {
            return EnvironmentGate::Overridden {
                step: step.id.clone(),
                by: mark.by.clone(),
                reason: reason.clone(),
            };
        }
        let blockers = self.blockers(step);
        if blockers.is_empty() {
            EnvironmentGate::Clear {
                step: step.id.clone(),
            }
        } else {
            EnvironmentGate::Blocked {
                step: step.id.clone(),
                blockers,
            }
        }
    }
}
