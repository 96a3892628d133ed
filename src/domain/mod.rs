//! The release domain, pure: offsets from T-0, releases, playbooks and the
//! checklist state folded from recorded events. No I/O, no terminal, no tokio.

pub mod checklist;
pub mod events;
pub mod offset;
pub mod playbook;
pub mod release;
