//! Instants as the operator reads them: every time on screen goes through
//! here, in one zone (the operator's, `Clock::zone`), so that no pane shows
//! UTC next to local times. A train's or release's own zone may be added
//! beside it with [`beside`].

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// `14:05`
pub fn minute(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

/// `14:05 CET`
pub fn minute_zoned(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M %Z").to_string()
}

/// `14:05:09`
pub fn second(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M:%S").to_string()
}

/// `14:05:09 CET`
pub fn second_zoned(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M:%S %Z").to_string()
}

/// `Tue 8 Dec`
pub fn day(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%a %-d %b").to_string()
}

/// `Tue 8 Dec 14:05`
pub fn day_minute(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%a %-d %b %H:%M")
        .to_string()
}

/// `Tue 8 Dec 14:05 CET`
pub fn date_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%a %-d %b %H:%M %Z")
        .to_string()
}

/// `2026-12-08 14:05 CET`: for lines that may be read long after, or far away.
pub fn full(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// A time near `now` by its day: `14:05 today`, `09:30 tomorrow`,
/// `22:10 yesterday`, else `Tue 8 Dec 14:05 CET`.
pub fn near(at: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> String {
    let (day, today) = (
        at.with_timezone(&zone).date_naive(),
        now.with_timezone(&zone).date_naive(),
    );
    let word = match (day - today).num_days() {
        0 => "today",
        1 => "tomorrow",
        -1 => "yesterday",
        _ => return date_time(at, zone),
    };
    format!("{} {word}", minute(at, zone))
}

/// The same instant in another zone, `10:00 PST`, when that zone differs
/// from the operator's; on another day there, with the day.
pub fn beside(at: DateTime<Utc>, zone: Tz, other: Tz) -> Option<String> {
    if other == zone {
        return None;
    }
    let here = at.with_timezone(&zone).date_naive();
    let there = at.with_timezone(&other);
    Some(if there.date_naive() == here {
        there.format("%H:%M %Z").to_string()
    } else {
        there.format("%a %H:%M %Z").to_string()
    })
}

/// Whole minutes, for times shown to the minute: `21:32:59` reads `21:32`.
pub fn whole_minutes(duration: Duration) -> Duration {
    Duration::minutes(duration.num_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, h, m, 9).unwrap()
    }

    #[test]
    fn every_form_is_in_the_given_zone() {
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(minute(at(13, 5), berlin), "14:05");
        assert_eq!(minute_zoned(at(13, 5), berlin), "14:05 CET");
        assert_eq!(second(at(13, 5), berlin), "14:05:09");
        assert_eq!(second_zoned(at(13, 5), berlin), "14:05:09 CET");
        assert_eq!(date_time(at(13, 5), berlin), "Tue 8 Dec 14:05 CET");
        assert_eq!(day_minute(at(13, 5), berlin), "Tue 8 Dec 14:05");
        assert_eq!(full(at(13, 5), berlin), "2026-12-08 14:05 CET");
        assert_eq!(full(at(13, 5), chrono_tz::UTC), "2026-12-08 13:05 UTC");
    }

    #[test]
    fn a_near_time_reads_by_its_day_in_the_zone() {
        let la = chrono_tz::America::Los_Angeles;
        let now = at(20, 0); // 12:00 PST on Tue 8 Dec
        assert_eq!(near(at(22, 5), now, la), "14:05 today");
        // 09:00 UTC on the 9th is 01:00 PST on the 9th: tomorrow there.
        let next = Utc.with_ymd_and_hms(2026, 12, 9, 9, 0, 0).unwrap();
        assert_eq!(near(next, now, la), "01:00 tomorrow");
        assert_eq!(near(next, now, chrono_tz::UTC), "09:00 tomorrow");
        let far = Utc.with_ymd_and_hms(2026, 12, 12, 9, 0, 0).unwrap();
        assert_eq!(near(far, now, la), "Sat 12 Dec 01:00 PST");
    }

    #[test]
    fn another_zone_is_shown_beside_only_when_it_differs() {
        let la = chrono_tz::America::Los_Angeles;
        assert_eq!(beside(at(18, 0), la, la), None);
        assert_eq!(
            beside(at(18, 0), chrono_tz::UTC, la).as_deref(),
            Some("10:00 PST")
        );
        assert_eq!(
            beside(at(3, 0), chrono_tz::UTC, la).as_deref(),
            Some("Mon 19:00 PST")
        );
    }
}
