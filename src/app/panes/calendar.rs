//! The Calendar pane's state: the calendar, the month shown, the selected day,
//! and the occurrences around them, computed when any of those change rather
//! than on every frame.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use crate::domain::calendar::{Calendar, Conflict, Occurrence, conflicts, resolve_local};
use crate::domain::events::Recorded;

/// A release that exists already, so `Enter` on its day opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownRelease {
    pub id: String,
    pub name: String,
    pub t0: DateTime<Utc>,
    pub version: semver::Version,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarState {
    pub calendar: Calendar,
    pub releases: Vec<KnownRelease>,
    /// The operator's zone: days on the grid are days there.
    pub zone: Tz,
    /// The first day of the month shown.
    pub month: NaiveDate,
    pub selected: NaiveDate,
    /// Which of the selected day's releases `Enter`, `p`, `s` act on.
    pub pick: usize,
    /// Everything touching the grid and the next two months, by T-0.
    pub occurrences: Vec<Occurrence>,
    pub conflicts: Vec<Conflict>,
    /// The day the occurrences were computed for; a new day recomputes them.
    computed_on: NaiveDate,
    /// How each release other than the open one ended, as its journal says
    /// (read off the loop after the first frame, and by `:releases`).
    pub outcomes: std::collections::BTreeMap<String, &'static str>,
}

/// The agenda looks this far ahead whatever month is shown.
const AGENDA_DAYS: i64 = 62;

impl CalendarState {
    pub fn new(
        calendar: Calendar,
        releases: Vec<KnownRelease>,
        now: DateTime<Utc>,
        zone: Tz,
    ) -> Self {
        let today = now.with_timezone(&zone).date_naive();
        let mut view = Self {
            calendar,
            releases,
            zone,
            month: first_of_month(today),
            selected: today,
            pick: 0,
            occurrences: Vec::new(),
            conflicts: Vec::new(),
            computed_on: today,
            outcomes: Default::default(),
        };
        view.refresh(now);
        view
    }

    pub fn is_empty(&self) -> bool {
        self.calendar.trains.is_empty()
    }

    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.zone).date_naive()
    }

    /// The six weeks the grid shows, Monday first.
    pub fn grid_start(&self) -> NaiveDate {
        self.month - Duration::days(self.month.weekday().num_days_from_monday().into())
    }

    /// The instant a day of the operator's calendar starts.
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        resolve_local(self.zone, day.and_time(NaiveTime::MIN)).with_timezone(&Utc)
    }

    pub fn refresh(&mut self, now: DateTime<Utc>) {
        let today = self.today(now);
        let grid_start = self.grid_start();
        let from = self.day_start(grid_start.min(today - Duration::days(1)));
        let to = self
            .day_start(grid_start + Duration::days(42))
            .max(now + Duration::days(AGENDA_DAYS));
        self.occurrences = self.calendar.touching(from, to);
        self.conflicts = conflicts(&self.occurrences);
        self.computed_on = today;
        self.pick = self.pick.min(self.day_releases().len().saturating_sub(1));
    }

    /// Recomputes when the day changed since the last time; says whether it did.
    pub fn roll_over(&mut self, now: DateTime<Utc>) -> bool {
        if self.today(now) == self.computed_on {
            return false;
        }
        self.refresh(now);
        true
    }

    /// Releases (skipped ones too) whose T-0 is on `day` in the operator's zone.
    pub fn releases_on(&self, day: NaiveDate) -> impl Iterator<Item = (usize, &Occurrence)> {
        self.occurrences
            .iter()
            .enumerate()
            .filter(move |(_, o)| o.t0.with_timezone(&self.zone).date_naive() == day)
    }

    /// Releases of no train (a hotfix, an emergency, one started by hand)
    /// whose T-0 is on `day` in the operator's zone.
    pub fn ad_hoc_on(&self, day: NaiveDate) -> impl Iterator<Item = &KnownRelease> {
        self.releases.iter().filter(move |r| {
            self.calendar.train(&r.name).is_none()
                && r.t0.with_timezone(&self.zone).date_naive() == day
        })
    }

    pub fn day_releases(&self) -> Vec<(usize, &Occurrence)> {
        self.releases_on(self.selected).collect()
    }

    /// The release `Enter`, `p` and `s` act on.
    pub fn picked(&self) -> Option<&Occurrence> {
        self.day_releases().get(self.pick).map(|(_, o)| *o)
    }

    pub fn pick_next(&mut self) {
        let count = self.day_releases().len();
        if count > 0 {
            self.pick = (self.pick + 1) % count;
        }
    }

    pub fn select(&mut self, day: NaiveDate, now: DateTime<Utc>) {
        self.selected = day;
        self.pick = 0;
        let month = first_of_month(day);
        if month != self.month {
            self.month = month;
            self.refresh(now);
        }
    }

    pub fn move_days(&mut self, days: i64, now: DateTime<Utc>) {
        self.select(self.selected + Duration::days(days), now);
    }

    /// Moves a month, keeping the day of the month where it can.
    pub fn move_months(&mut self, months: i32, now: DateTime<Utc>) {
        let moved = if months >= 0 {
            self.selected
                .checked_add_months(Months::new(months.unsigned_abs()))
        } else {
            self.selected
                .checked_sub_months(Months::new(months.unsigned_abs()))
        };
        if let Some(day) = moved {
            self.select(day, now);
        }
    }

    pub fn release_for(&self, occurrence: &Occurrence) -> Option<&KnownRelease> {
        self.releases
            .iter()
            .find(|r| r.name == occurrence.train && r.t0 == occurrence.t0)
    }

    /// The version to suggest when starting a release of `train`: the next one
    /// after its latest known release, by the train's release type.
    pub fn suggested_version(&self, occurrence: &Occurrence) -> Option<semver::Version> {
        let train = self.calendar.train(&occurrence.train)?;
        let last = self
            .releases
            .iter()
            .filter(|r| r.name == occurrence.train)
            .map(|r| &r.version)
            .max()?;
        Some(crate::domain::release::next_version(last, train.kind))
    }

    /// The version of the last release of the same train (or type) before
    /// `release`, by T-0: what `{previous_version}` stands for.
    pub fn previous_version(
        &self,
        release: &crate::domain::release::Release,
    ) -> Option<&semver::Version> {
        self.releases
            .iter()
            .filter(|r| r.name == release.name && r.id != release.id && r.t0 < release.t0)
            .max_by_key(|r| r.t0)
            .map(|r| &r.version)
    }

    /// Notes a release that was opened or started, so its day opens it.
    pub fn remember(&mut self, release: &crate::domain::release::Release) {
        if !self.releases.iter().any(|r| r.id == release.id) {
            self.releases.push(KnownRelease {
                id: release.id.clone(),
                name: release.name.clone(),
                t0: release.t0,
                version: release.version.clone(),
            });
        }
    }

    pub fn apply(&mut self, recorded: &Recorded, now: DateTime<Utc>) {
        self.calendar.changes.apply(recorded);
        self.refresh(now);
    }

    pub fn conflicts_of(&self, index: usize) -> impl Iterator<Item = &Conflict> {
        self.conflicts
            .iter()
            .filter(move |c| c.first == index || c.second == index)
    }
}

pub fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Monday-first weekday names for the grid header.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];
