//! The calendar as configured (trains, blackouts) with the operators' changes
//! from the calendar journal, and the releases that exist already.

use crate::app::panes::calendar::KnownRelease;
use crate::config::Settings;
use crate::domain::calendar::{Calendar, Changes};
use crate::session::{CalendarJournal, ReleaseStore};

pub struct LoadedCalendar {
    pub calendar: Calendar,
    pub releases: Vec<KnownRelease>,
    /// A problem reading the calendar journal, for the status line.
    pub problem: Option<String>,
}

pub fn load_calendar(settings: &Settings, store: &ReleaseStore) -> LoadedCalendar {
    let (records, problem) = match CalendarJournal::for_store(store).read() {
        Ok(read) => read,
        Err(error) => (Vec::new(), Some(error.to_string())),
    };
    let releases = store
        .headers()
        .into_iter()
        .map(|r| KnownRelease {
            id: r.id,
            name: r.name,
            t0: r.t0,
            version: r.version,
        })
        .collect();
    LoadedCalendar {
        calendar: Calendar {
            trains: settings.trains.clone(),
            blackouts: settings.blackouts.clone(),
            changes: Changes::from_records(&records),
        },
        releases,
        problem: problem.map(|p| format!("calendar journal: {p}")),
    }
}
