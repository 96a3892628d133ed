//! The release's real deploys as the journal tells them: when each was
//! asked for, whether every change was taken, and whether its rollouts
//! ended complete. A deploy step reads `deploying` until they did; the
//! outcome and the delivery figures read the rest.

use chrono::{DateTime, Utc};

use crate::domain::events::{Event, Recorded};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployLog {
    /// Oldest first; dry runs left out.
    pub runs: Vec<DeployRun>,
    /// A dry run asked for and not answered: its `DeployFinished` is its own.
    dry_run_open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployRun {
    pub at: DateTime<Utc>,
    pub by: String,
    pub version: String,
    /// As journaled: `namespace/name container=image`, a command target's
    /// `namespace/name version: commands`, or a rollout seen starting
    /// elsewhere's `namespace/name from -> to`.
    pub targets: Vec<String>,
    /// The playbook deploy step it carried out, if it said.
    pub step: Option<String>,
    /// Seen starting, not started here (kubectl, CI): never verified here,
    /// never a step's.
    pub external: bool,
    /// When every change was taken (`true`) or one was refused.
    pub finished: Option<(DateTime<Utc>, bool)>,
    /// When its rollouts ended, complete (`true`) or failed, and the detail.
    pub rollout: Option<(DateTime<Utc>, bool, String)>,
}

impl DeployRun {
    /// Its changes were taken and its rollouts have not ended yet.
    pub fn is_rolling(&self) -> bool {
        !self.external && matches!(self.finished, Some((_, true))) && self.rollout.is_none()
    }

    /// How long from the request to the rollouts complete.
    pub fn duration(&self) -> Option<chrono::Duration> {
        match &self.rollout {
            Some((at, true, _)) => Some(*at - self.at),
            _ => None,
        }
    }
}

impl DeployLog {
    pub(super) fn apply(&mut self, recorded: &Recorded) {
        match &recorded.event {
            Event::DeployRequested { dry_run: true, .. } => self.dry_run_open = true,
            Event::DeployRequested {
                version,
                targets,
                dry_run: false,
                step,
            } => {
                self.dry_run_open = false;
                self.runs.push(DeployRun {
                    at: recorded.at,
                    by: recorded.operator.clone(),
                    version: version.clone(),
                    targets: targets.clone(),
                    step: step.clone(),
                    external: false,
                    finished: None,
                    rollout: None,
                });
            }
            Event::ExternalRolloutSeen { changes } => self.runs.push(DeployRun {
                at: recorded.at,
                by: recorded.operator.clone(),
                version: String::new(),
                targets: changes.clone(),
                step: None,
                external: true,
                finished: Some((recorded.at, true)),
                rollout: None,
            }),
            Event::DeployFinished { .. } if self.dry_run_open => self.dry_run_open = false,
            Event::DeployFinished { ok, .. } => {
                if let Some(run) = self.own_mut().find(|r| r.finished.is_none()) {
                    run.finished = Some((recorded.at, *ok));
                }
            }
            Event::RolloutFinished { ok, detail } => {
                if let Some(run) = self.own_mut().find(|r| r.is_rolling()) {
                    run.rollout = Some((recorded.at, *ok, detail.clone()));
                }
            }
            _ => {}
        }
    }

    /// This cockpit's runs (not rollouts seen elsewhere), newest first.
    fn own_mut(&mut self) -> impl Iterator<Item = &mut DeployRun> {
        self.runs.iter_mut().rev().filter(|r| !r.external)
    }

    /// This cockpit's runs, newest first.
    pub fn own(&self) -> impl Iterator<Item = &DeployRun> {
        self.runs.iter().rev().filter(|r| !r.external)
    }

    /// The deploy a step completed at `at` carried out: the newest of its
    /// runs asked for by then whose rollouts had not ended before (a step
    /// completed by hand after a failed rollout is done by hand).
    pub fn run_of(&self, step: &str, at: DateTime<Utc>) -> Option<&DeployRun> {
        self.own().find(|r| {
            r.step.as_deref() == Some(step)
                && r.at <= at
                && r.rollout.as_ref().is_none_or(|(end, _, _)| *end >= at)
        })
    }

    /// The newest of this cockpit's runs: the one a verdict is for.
    pub fn last(&self) -> Option<&DeployRun> {
        self.own().next()
    }
}

/// What one journaled deploy line expects of its unit: `namespace/name`
/// and the image (or a command target's version) it should run.
pub fn expected(line: &str) -> Option<(&str, &str)> {
    let (unit, rest) = line.split_once(' ')?;
    // A command target's version ends with a colon before its commands
    // (which may hold anything); an image holds no space.
    let first = rest.split(' ').next().unwrap_or_default();
    let wanted = if let Some(version) = first.strip_suffix(':') {
        version
    } else if let Some((_, to)) = rest.split_once(" -> ") {
        to
    } else {
        rest.split_once('=')?.1
    };
    Some((unit, wanted.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_line_names_its_unit_and_what_it_should_run() {
        assert_eq!(
            expected("production/checkout checkout=registry/app:2.4.0"),
            Some(("production/checkout", "registry/app:2.4.0"))
        );
        assert_eq!(
            expected("production/docs 2.4.0: ./deploy.sh --tag=2.4.0 && echo a -> b"),
            Some(("production/docs", "2.4.0"))
        );
        assert_eq!(
            expected("production/api app:2.3.1 -> app:2.4.0"),
            Some(("production/api", "app:2.4.0"))
        );
        assert_eq!(expected("nonsense"), None);
    }
}
