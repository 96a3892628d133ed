//! The session: releases persisted as append-only journals of recorded events.

pub mod journal;
pub mod open;
pub mod store;

pub use journal::{Journal, JournalError, Replay};
pub use open::{NewRelease, Opened, open_release, start_release};
pub use store::ReleaseStore;
