//! What a pane's keys and the feeds' messages do to the model, one file per
//! concern: the calendar, deploys, health, incidents, the rollback, the checklist's
//! steps.
//! Each returns the effects for the runtime; none does I/O.

pub mod abandon;
pub mod alert_messages;
pub mod calendar;
pub mod deploy;
pub mod health;
pub mod incident;
pub mod notify_step;
pub mod outgoing;
pub mod replay;
pub mod repo_step;
pub mod rollback;
pub mod rollout_verdict;
pub mod share;
pub(crate) mod step;
pub mod versions;
