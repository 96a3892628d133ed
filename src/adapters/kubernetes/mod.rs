//! Kubernetes through kube-rs: the status of Deployments as `kubectl rollout
//! status` reads it, a watch that keeps it current, and deploy and rollback
//! with kubectl's semantics.

mod actions;
mod client;
pub(crate) mod clients;
mod errors;
mod feeds;
pub mod history;
mod kept;
pub mod lease;
mod liveness;
pub mod mirror;
mod status;
mod target;
mod watch;

pub use crate::domain::rollout::RolloutUpdate;
pub use actions::{Deploy, UndoOutcome, set_image, undo};
pub use client::connect;
pub use clients::{Clients, Connected, Connecting};
pub use errors::describe;
pub use liveness::Liveness;
pub use target::KubeTarget;
pub use watch::{watch_target, watch_target_with};
