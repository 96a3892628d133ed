//! The release domain, pure: offsets from T-0, releases, playbooks, the
//! checklist state folded from recorded events, and the calendar of trains. No I/O, no terminal, no tokio.

pub mod calendar;
pub mod checklist;
pub mod comms;
pub mod delivery;
pub mod display_time;
pub mod events;
pub mod health;
pub mod incident;
pub mod metrics;
pub mod offset;
pub mod playbook;
pub mod policy;
pub mod release;
pub mod rollback;
pub mod rollout;
pub mod severity_scale;
pub mod share;
pub mod template_sections;
pub mod vars;
pub mod versioning;
