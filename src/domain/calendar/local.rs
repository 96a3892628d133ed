//! Wall-clock arithmetic in a train's own zone.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// The instant a wall-clock time names in `zone`. Twice-happening times (clocks
/// going back) take the first; times in a gap (clocks going forward) take the
/// first minute after the gap, the way a wall clock would read then.
pub fn resolve_local(zone: Tz, naive: NaiveDateTime) -> DateTime<Tz> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
        LocalResult::None => (1..=24 * 60)
            .find_map(|minutes| {
                zone.from_local_datetime(&(naive + Duration::minutes(minutes)))
                    .earliest()
            })
            // No zone has a gap of a day; reading the time as UTC is a last resort.
            .unwrap_or_else(|| zone.from_utc_datetime(&naive)),
    }
}

/// Moves `t` by `by`: whole days on the zone's calendar (same wall-clock time),
/// the rest as elapsed time. `T-2d` from Tuesday 10:00 is Sunday 10:00 local,
/// across a DST change too.
pub fn shift_local(t: DateTime<Tz>, by: Duration) -> DateTime<Tz> {
    let days = by.num_days();
    let rest = by - Duration::days(days);
    resolve_local(t.timezone(), t.naive_local() + Duration::days(days)) + rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::America::Los_Angeles;

    fn la(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Tz> {
        Los_Angeles.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn day_offsets_keep_the_wall_clock_across_dst() {
        // 2026-03-08 clocks go forward in Los Angeles.
        let release = la(2026, 3, 10, 10, 0);
        let freeze = shift_local(release, Duration::days(-3));
        assert_eq!(freeze, la(2026, 3, 7, 10, 0));
        assert_eq!((release - freeze).num_hours(), 71, "an hour was lost");
        // 2026-11-01 clocks go back.
        let release = la(2026, 11, 3, 10, 0);
        let freeze = shift_local(release, Duration::days(-3));
        assert_eq!((release - freeze).num_hours(), 73);
    }

    #[test]
    fn hour_offsets_are_elapsed_time() {
        let release = la(2026, 3, 8, 10, 0);
        let before = shift_local(release, Duration::hours(-12));
        assert_eq!((release - before).num_hours(), 12);
        assert_eq!(before.naive_local().time().to_string(), "21:00:00");
    }

    #[test]
    fn gaps_and_overlaps_resolve_forward_and_first() {
        let gap = NaiveDate::from_ymd_opt(2026, 3, 8)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(resolve_local(Los_Angeles, gap), la(2026, 3, 8, 3, 0));
        let overlap = NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let first = resolve_local(Los_Angeles, overlap);
        assert_eq!(first.to_rfc3339(), "2026-11-01T01:30:00-07:00");
    }
}
