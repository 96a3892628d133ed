//! A train's cadence: an RFC 5545 recurrence rule anchored at a first release
//! in the train's zone. The anchor fixes the phase of "every other Tuesday".

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rrule::{RRule, RRuleSet, Unvalidated};

use super::local::resolve_local;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadence {
    /// The rule as written, without `RRULE:` (`FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`).
    rule: String,
    start: DateTime<Tz>,
    set: RRuleSet,
}

/// Iterating a rule that never matches stops here rather than spinning.
const MAX_OCCURRENCES_SCANNED: usize = 100_000;

/// A rule must put a release within this many years of its first one, or the
/// train would sit silently empty on the calendar.
pub const HORIZON_YEARS: i64 = 5;

impl Cadence {
    /// Parses and validates the rule with its anchor. The anchor must exist and
    /// be unambiguous in `zone` (no DST gap or overlap).
    pub fn new(rule: &str, start: NaiveDateTime, zone: Tz) -> Result<Self, CadenceError> {
        let rule = rule.trim();
        let rule = rule.strip_prefix("RRULE:").unwrap_or(rule).to_owned();
        let anchor = match chrono::TimeZone::from_local_datetime(&zone, &start) {
            chrono::LocalResult::Single(t) => t,
            chrono::LocalResult::Ambiguous(..) => {
                return Err(CadenceError::AmbiguousStart { start, zone });
            }
            chrono::LocalResult::None => return Err(CadenceError::SkippedStart { start, zone }),
        };
        let parsed: RRule<Unvalidated> = rule.parse().map_err(|e| CadenceError::Rule(clean(&e)))?;
        if parsed.get_interval() == 0 {
            return Err(CadenceError::NeverRepeats);
        }
        let set = parsed
            .build(anchor.with_timezone(&rrule::Tz::from(zone)))
            .map_err(|e| CadenceError::Rule(clean(&e)))?
            .limit();
        let cadence = Self {
            rule,
            start: anchor,
            set,
        };
        let from = anchor.with_timezone(&Utc);
        let horizon = chrono::Duration::days(HORIZON_YEARS * 366);
        let yields = from
            .checked_add_signed(horizon)
            .is_some_and(|to| !cadence.between(from, to).is_empty());
        if !yields {
            return Err(CadenceError::NoRelease { start });
        }
        Ok(cadence)
    }

    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The first release, which anchors the rule.
    pub fn start(&self) -> DateTime<Tz> {
        self.start
    }

    /// The rule's releases with `from <= t < to`, in order, in the train's zone.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Tz>> {
        let zone = self.start.timezone();
        (&self.set)
            .into_iter()
            .take(MAX_OCCURRENCES_SCANNED)
            .map(|t| t.with_timezone(&zone))
            .skip_while(|t| *t < from)
            .take_while(|t| *t < to)
            .collect()
    }

    /// Whether the rule puts a release at exactly `t`.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.between(t, t + chrono::Duration::seconds(1))
            .first()
            .is_some_and(|found| *found == t)
    }

    /// The rule's release on the wall-clock `naive` time, if any (for `p`/`Enter`
    /// on a day). Used with dates; the time part is ignored.
    pub fn on_day(&self, day: chrono::NaiveDate) -> Vec<DateTime<Tz>> {
        let zone = self.start.timezone();
        let from = resolve_local(zone, day.and_time(chrono::NaiveTime::MIN));
        let to = resolve_local(
            zone,
            (day + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN),
        );
        self.between(from.with_timezone(&Utc), to.with_timezone(&Utc))
    }
}

/// Why a rule and its first release make no cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CadenceError {
    /// The first release happens twice on the train's clock (it goes back).
    AmbiguousStart {
        start: NaiveDateTime,
        zone: Tz,
    },
    /// The first release does not happen on the train's clock (it goes forward).
    SkippedStart {
        start: NaiveDateTime,
        zone: Tz,
    },
    /// What rrule said of the rule.
    Rule(String),
    NeverRepeats,
    /// No release within [`HORIZON_YEARS`] of the first.
    NoRelease {
        start: NaiveDateTime,
    },
}

impl CadenceError {
    /// Whether the first release is at fault rather than the rule.
    pub fn is_about_the_start(&self) -> bool {
        match self {
            Self::AmbiguousStart { .. } | Self::SkippedStart { .. } => true,
            Self::Rule(_) | Self::NeverRepeats | Self::NoRelease { .. } => false,
        }
    }
}

impl std::fmt::Display for CadenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AmbiguousStart { start, zone } => write!(
                f,
                "{start} happens twice in {zone} (clocks go back): pick another time"
            ),
            Self::SkippedStart { start, zone } => write!(
                f,
                "{start} does not exist in {zone} (clocks go forward): pick another time"
            ),
            Self::Rule(message) => f.write_str(message),
            Self::NeverRepeats => f.write_str(
                "INTERVAL=0 never repeats: INTERVAL counts the periods from one release to the next, 1 or more",
            ),
            Self::NoRelease { start } => write!(
                f,
                "the rule puts no release in the {HORIZON_YEARS} years from {start}: check that its days exist (February has no 30th, BYMONTHDAY=31 skips short months only) and that COUNT or UNTIL leave one"
            ),
        }
    }
}

impl std::error::Error for CadenceError {}

/// rrule's messages start with "RRule parsing error: "; the config error says
/// which field already.
fn clean(error: &rrule::RRuleError) -> String {
    let text = error.to_string();
    ["RRule parsing error: ", "RRule validation error: "]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(&text)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate, TimeZone, Weekday};
    use chrono_tz::America::Los_Angeles;

    fn naive(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn biweekly_tuesday_pacific_keeps_ten_oclock_across_both_dst_changes() {
        let cadence = Cadence::new(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            naive(2026, 1, 6, 10),
            Los_Angeles,
        )
        .unwrap();
        let dates = cadence.between(utc(2026, 2, 20), utc(2026, 11, 20));
        assert!(
            dates
                .iter()
                .all(|d| d.hour_is(10) && d.weekday() == Weekday::Tue)
        );
        // Phase is anchored on 6 Jan: 3 Mar and 17 Mar, never 10 Mar.
        let march: Vec<u32> = dates
            .iter()
            .filter(|d| d.month() == 3)
            .map(|d| d.day())
            .collect();
        assert_eq!(march, vec![3, 17, 31]);
        // UTC offset changes from -8 to -7 at the March change and back in November.
        let offsets: Vec<String> = dates
            .iter()
            .filter(|d| [(3, 3), (3, 17), (10, 27), (11, 10)].contains(&(d.month(), d.day())))
            .map(|d| d.to_rfc3339())
            .collect();
        assert_eq!(
            offsets,
            [
                "2026-03-03T10:00:00-08:00",
                "2026-03-17T10:00:00-07:00",
                "2026-10-27T10:00:00-07:00",
                "2026-11-10T10:00:00-08:00"
            ]
        );
    }

    #[test]
    fn first_and_second_tuesday_of_the_month() {
        let first =
            Cadence::new("FREQ=MONTHLY;BYDAY=1TU", naive(2026, 1, 6, 10), Los_Angeles).unwrap();
        let second = Cadence::new(
            "RRULE:FREQ=MONTHLY;BYDAY=2TU",
            naive(2026, 1, 13, 10),
            Los_Angeles,
        )
        .unwrap();
        let days = |c: &Cadence| -> Vec<u32> {
            c.between(utc(2026, 9, 1), utc(2027, 1, 1))
                .iter()
                .map(|d| d.day())
                .collect()
        };
        assert_eq!(days(&first), vec![1, 6, 3, 1]);
        assert_eq!(days(&second), vec![8, 13, 10, 8]);
    }

    #[test]
    fn quarterly_majors_fall_in_january_april_july_october() {
        let q = Cadence::new(
            "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=2FR",
            naive(2026, 1, 9, 9),
            chrono_tz::UTC,
        )
        .unwrap();
        let got: Vec<String> = q
            .between(utc(2026, 1, 1), utc(2027, 1, 1))
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect();
        assert_eq!(
            got,
            ["2026-01-09", "2026-04-10", "2026-07-10", "2026-10-09"]
        );
    }

    #[test]
    fn rules_that_never_yield_a_release_are_errors() {
        let start = naive(2026, 1, 6, 10);
        let err = Cadence::new("FREQ=WEEKLY;INTERVAL=0", start, Los_Angeles)
            .unwrap_err()
            .to_string();
        assert!(err.contains("INTERVAL=0 never repeats"), "{err}");
        for rule in [
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
            "FREQ=YEARLY;INTERVAL=10;BYMONTH=1;BYMONTHDAY=1",
        ] {
            let err = Cadence::new(rule, start, Los_Angeles)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("no release in the 5 years from 2026-01-06 10:00"),
                "{rule}: {err}"
            );
        }
        // A leap day comes within the horizon, so it is a cadence.
        let leap = Cadence::new("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start, Los_Angeles);
        assert!(leap.is_ok(), "{leap:?}");
    }

    #[test]
    fn bad_rules_and_impossible_anchors_are_explained() {
        let err = Cadence::new("FREQ=FORTNIGHTLY", naive(2026, 1, 6, 10), Los_Angeles)
            .unwrap_err()
            .to_string();
        assert!(err.to_lowercase().contains("fortnightly"), "{err}");
        let err = Cadence::new("FREQ=WEEKLY", naive(2026, 3, 8, 2), Los_Angeles)
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn contains_and_on_day_find_the_rule_dates() {
        let c = Cadence::new(
            "FREQ=WEEKLY;BYDAY=TH",
            naive(2026, 1, 8, 10),
            chrono_tz::UTC,
        )
        .unwrap();
        let thursday = Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
        assert!(c.contains(thursday));
        assert!(!c.contains(thursday + chrono::Duration::hours(1)));
        assert_eq!(
            c.on_day(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap())
                .len(),
            1
        );
        assert!(
            c.on_day(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap())
                .is_empty()
        );
    }

    trait HourIs {
        fn hour_is(&self, hour: u32) -> bool;
    }

    impl HourIs for DateTime<Tz> {
        fn hour_is(&self, hour: u32) -> bool {
            chrono::Timelike::hour(self) == hour && chrono::Timelike::minute(self) == 0
        }
    }
}
