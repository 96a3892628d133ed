//! Playbooks: a release process as data. Phases hold steps; a step is due at an
//! offset from T-0 or after another step, has an owner role, and a kind that says
//! how it is carried out.

mod env;
mod gating;
mod repo_step;
mod step_vars;
mod validate;

use std::collections::BTreeMap;

use chrono::Duration;

pub use env::{EnvValue, MIN_MASKED_LEN, looks_secret, mask};
pub use repo_step::{BranchLine, CHECK_NAMES, RepoCheck, RepoStep, RepoWork};
pub use step_vars::{GateVarError, gate_with_vars, provides, step_vars};
pub use validate::{Problem, validate};

use super::offset::Offset;
use super::release::ReleaseType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    pub name: String,
    pub description: String,
    /// Release types that use this playbook unless told otherwise.
    pub release_types: Vec<ReleaseType>,
    /// How long after its due time a step counts as overdue.
    pub grace: Duration,
    /// Environments whose deploys wait for go/no-go: every required step and
    /// approval before the step that deploys there must be finished, or the
    /// go/no-go overridden with a reason. `["production"]` unless the playbook
    /// says otherwise.
    pub go_no_go: Vec<String>,
    pub phases: Vec<Phase>,
}

/// The environments gated when a playbook names none.
pub fn default_go_no_go() -> Vec<String> {
    vec!["production".to_owned()]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub name: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub instructions: String,
    pub when: When,
    pub owner: String,
    pub required: bool,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    At(Offset),
    /// Due as soon as the named step is finished.
    After(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    Manual,
    Command(CommandGate),
    Http(HttpCheck),
    Approval(ApprovalRule),
    Deploy {
        environment: String,
        target: Option<String>,
    },
    Rollback,
    /// `tag`, `branch`, `notes` or `git` (a check): see `RepoStep`.
    Repo(RepoStep),
    Notify {
        channel: Option<String>,
        /// The message it sends: a template's name (`announce`).
        template: Option<String>,
        /// Due again this long after each send while the release is open
        /// (the in-progress update every 15 minutes).
        every: Option<Duration>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandGate {
    /// Run by `sh -c`.
    pub run: String,
    pub workdir: Option<String>,
    /// Literals and references; see `EnvValue`.
    pub env: BTreeMap<String, EnvValue>,
    pub timeout: Duration,
    /// The environment this command deploys to (`npm run deploy:production`),
    /// so that go/no-go gates it like a `deploy` step.
    pub deploys_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpCheck {
    pub url: String,
    pub expect_status: u16,
    pub body_contains: Option<String>,
    /// The check fails if the answer takes longer.
    pub max_latency: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRule {
    pub role: String,
    pub count: u32,
    /// Whether the operator who started the release may approve it.
    pub allow_self: bool,
}

pub const KIND_NAMES: [&str; 11] = [
    "manual", "command", "http", "approval", "deploy", "rollback", "tag", "branch", "notes", "git",
    "notify",
];

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Command(_) => "command",
            Self::Http(_) => "http",
            Self::Approval(_) => "approval",
            Self::Deploy { .. } => "deploy",
            Self::Rollback => "rollback",
            Self::Repo(step) => step.work.kind_name(),
            Self::Notify { .. } => "notify",
        }
    }

    /// A gate is run by the cockpit; its result decides the step. A
    /// repository step is one: the tag made (the branch cut, ...) is its
    /// pass (by hand, with no `[[repo]]`, it completes as a manual step).
    /// So is a notify step: the message sent (by hand without a channel).
    pub fn is_gate(&self) -> bool {
        matches!(
            self,
            Self::Command(_) | Self::Http(_) | Self::Repo(_) | Self::Notify { .. }
        )
    }

    /// A gate that may also be completed by hand (a tag made without the
    /// cockpit, a message posted by hand): a completion counts over a run
    /// that failed.
    pub fn may_finish_by_hand(&self) -> bool {
        matches!(self, Self::Repo(_) | Self::Notify { .. })
    }

    /// A `tag`, `branch`, `notes` or `git` step.
    pub fn repo_step(&self) -> Option<&RepoStep> {
        match self {
            Self::Repo(step) => Some(step),
            _ => None,
        }
    }

    /// The environment a step of this kind changes: a `deploy` step's, or a
    /// command's that says it deploys.
    pub fn deploys_to(&self) -> Option<&str> {
        match self {
            Self::Deploy { environment, .. } => Some(environment),
            Self::Command(gate) => gate.deploys_to.as_deref(),
            _ => None,
        }
    }
}

impl Playbook {
    /// Every step with the index of its phase, in playbook order.
    pub fn steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.phases
            .iter()
            .enumerate()
            .flat_map(|(phase, p)| p.steps.iter().map(move |step| (phase, step)))
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps().map(|(_, s)| s).find(|s| s.id == id)
    }

    /// Whether go/no-go gates this step: it deploys to a gated environment.
    pub fn is_gated(&self, step: &Step) -> bool {
        step.kind
            .deploys_to()
            .is_some_and(|env| self.gates_environment(env))
    }

    pub fn gates_environment(&self, environment: &str) -> bool {
        self.go_no_go.iter().any(|e| e == environment)
    }

    /// The steps go/no-go gates, in playbook order, with their environment.
    pub fn gated_steps(&self) -> impl Iterator<Item = (&Step, &str)> {
        self.steps()
            .map(|(_, s)| s)
            .filter_map(|s| s.kind.deploys_to().map(|env| (s, env)))
            .filter(|(_, env)| self.gates_environment(env))
    }

    /// The position of a step in playbook order.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.steps().position(|(_, s)| s.id == id)
    }
}
