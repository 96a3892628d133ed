//! Blackout days (holidays, company events) and what a train does when one of
//! its releases falls on one.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blackout {
    pub name: String,
    /// First and last day, inclusive, in each train's own zone.
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The trains it applies to; empty means every train.
    pub trains: Vec<String>,
}

impl Blackout {
    pub fn covers(&self, train: &str, date: NaiveDate) -> bool {
        (self.first..=self.last).contains(&date)
            && (self.trains.is_empty() || self.trains.iter().any(|t| t == train))
    }
}

/// What happens to a release that the rule puts on a blackout day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlackoutPolicy {
    /// Move it to the next working day, same wall-clock time.
    #[default]
    NextWorkingDay,
    PreviousWorkingDay,
    /// Keep the date and flag it for the operator to decide.
    Flag,
    /// Drop that release.
    Skip,
}

impl BlackoutPolicy {
    pub const NAMES: [&'static str; 4] =
        ["next-working-day", "previous-working-day", "flag", "skip"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "next-working-day" => Some(Self::NextWorkingDay),
            "previous-working-day" => Some(Self::PreviousWorkingDay),
            "flag" => Some(Self::Flag),
            "skip" => Some(Self::Skip),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::NextWorkingDay => "next-working-day",
            Self::PreviousWorkingDay => "previous-working-day",
            Self::Flag => "flag",
            Self::Skip => "skip",
        }
    }
}

/// The blackout covering `date` for `train`, if any.
pub fn blackout_on<'a>(
    blackouts: &'a [Blackout],
    train: &str,
    date: NaiveDate,
) -> Option<&'a Blackout> {
    blackouts.iter().find(|b| b.covers(train, date))
}

/// Monday to Friday, and not a blackout for the train.
pub fn is_working_day(blackouts: &[Blackout], train: &str, date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && blackout_on(blackouts, train, date).is_none()
}

/// The nearest working day after (`step` = 1) or before (`step` = -1) `date`,
/// looking at most a year away.
pub fn nearest_working_day(
    blackouts: &[Blackout],
    train: &str,
    date: NaiveDate,
    step: i64,
) -> Option<NaiveDate> {
    (1..=366)
        .map(|n| date + Duration::days(n * step))
        .find(|d| is_working_day(blackouts, train, *d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn holidays() -> Vec<Blackout> {
        vec![
            Blackout {
                name: "Winter break".into(),
                first: day(2026, 12, 24),
                last: day(2026, 12, 28),
                trains: vec![],
            },
            Blackout {
                name: "Platform offsite".into(),
                first: day(2026, 12, 29),
                last: day(2026, 12, 29),
                trains: vec!["platform".into()],
            },
        ]
    }

    #[test]
    fn next_working_day_skips_weekends_and_blackouts() {
        let b = holidays();
        // Thu 24 Dec -> Fri 25..Mon 28 are blacked out or weekend -> Tue 29.
        assert_eq!(
            nearest_working_day(&b, "modules", day(2026, 12, 24), 1),
            Some(day(2026, 12, 29))
        );
        // The offsite blacks out the 29th for platform only.
        assert_eq!(
            nearest_working_day(&b, "platform", day(2026, 12, 24), 1),
            Some(day(2026, 12, 30))
        );
        assert_eq!(
            nearest_working_day(&b, "modules", day(2026, 12, 24), -1),
            Some(day(2026, 12, 23))
        );
    }

    #[test]
    fn policies_round_trip_by_name() {
        for name in BlackoutPolicy::NAMES {
            assert_eq!(
                BlackoutPolicy::parse(name).map(BlackoutPolicy::name),
                Some(name)
            );
        }
        assert_eq!(BlackoutPolicy::parse("move"), None);
    }
}
