//! Release trains on the calendar: their cadences (RFC 5545 recurrence rules in
//! the train's own zone), the freezes, announcements and windows around each
//! release, blackout days, operators' postponements and skips, and the
//! conflicts between trains.
//!
//! Wall-clock offsets (`T-2d`) move by calendar days in the train's zone, so a
//! freeze two days before a 10:00 Pacific release starts at 10:00 Pacific even
//! when the clocks changed in between.

mod agenda;
mod blackout;
mod cadence;
mod changes;
mod conflicts;
mod local;
mod postpone;
mod schedule;
mod train;

pub use agenda::{AgendaItem, Milestone, MilestoneKind, agenda, milestones};
pub use blackout::{Blackout, BlackoutPolicy};
pub use cadence::{Cadence, CadenceError};
pub use changes::{Change, Changes};
pub use conflicts::{Conflict, ConflictKind, conflicts};
pub use local::{resolve_local, shift_local};
pub use postpone::{PostponeError, parse_postpone};
pub use schedule::{Calendar, Occurrence, Status};
pub use train::Train;
