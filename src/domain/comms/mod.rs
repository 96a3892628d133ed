//! Communications, free of I/O: the messages a release sends (a notice
//! days ahead, the customers' announcement, in-progress updates, the
//! completion, a postponement), as templates filled from the release.
//! Where they go (`channel`) is config; sending is `adapters/comms`'.

pub mod channel;
pub mod message;
pub mod notify_plan;
pub mod routes;
pub mod template;
pub mod values;
