//! Communications, free of I/O: the messages a release sends (a notice
//! days ahead, the customers' announcement, in-progress updates, the
//! completion, a postponement), as templates filled from the release.
//! Sending them is the runtime's (issue 19 goes on).

pub mod template;
pub mod values;
