//! Every release's facts for the delivery figures, read from the journals
//! without a lock, postponements from the calendar's.

use crate::domain::calendar::Changes;
use crate::domain::delivery::ReleaseFacts;
use crate::session::{CalendarJournal, ReleaseStore, open_release_read_only};

/// The calendar's changes (postponements) as its journal has them; none
/// when it cannot be read (`calendar` says why).
pub fn calendar_changes(store: &ReleaseStore) -> Changes {
    let records = CalendarJournal::for_store(store)
        .read()
        .map(|(records, _)| records)
        .unwrap_or_default();
    Changes::from_records(&records)
}

/// Every release's facts, and the journals that could not be read.
pub fn release_facts(store: &ReleaseStore) -> (Vec<ReleaseFacts>, Vec<String>) {
    let changes = calendar_changes(store);
    let mut facts = Vec::new();
    let mut unreadable = Vec::new();
    for id in store.list() {
        match open_release_read_only(store, &id) {
            Ok(read) => {
                let release = &read.checklist.release;
                let postponed = changes.postponed_to(&release.name, release.t0);
                facts.push(ReleaseFacts::of(&read.checklist, postponed));
            }
            Err(error) => unreadable.push(format!("{id}: {error}")),
        }
    }
    (facts, unreadable)
}
