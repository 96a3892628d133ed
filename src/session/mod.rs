//! The session: releases persisted as append-only journals of recorded events.

pub mod calendar_journal;
pub mod calendar_setup;
pub mod current_release;
pub mod delivery;
pub mod journal;
pub mod lock;
pub mod mirror;
pub mod open;
pub mod replay;
pub mod store;

pub use calendar_journal::{CalendarJournal, CalendarJournalError};
pub use journal::{Journal, JournalError, Replay};
pub use open::{
    NewRelease, OpenError, Opened, ReadError, ReadOnly, StartError, UnusableJournal, open_release,
    open_release_read_only, start_release,
};
pub use store::ReleaseStore;
