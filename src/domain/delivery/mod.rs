//! Delivery figures from the journals: the four DORA ones (deployment
//! frequency, lead time for changes, change failure rate, time to restore)
//! and the seeds' release frequency, rollback rate and deployment duration,
//! each against the team's target, with the releases behind it.

mod facts;
mod figures;
mod targets;

pub use facts::ReleaseFacts;
pub use figures::{Figure, Figures, Week, figures, shown};
pub use targets::{DeliverySettings, Target};
