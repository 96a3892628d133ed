//! The wall clock shown in the status bar, in the operator's time zone.

use chrono::{DateTime, Duration, DurationRound, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl Clock {
    pub fn new(now: DateTime<Utc>, zone: Tz) -> Self {
        Self { now, zone }
    }

    /// `16:42 PST`: minutes are enough for a status bar, and they keep redraws rare.
    pub fn display(&self) -> String {
        crate::domain::display_time::minute_zoned(self.now, self.zone)
    }

    /// When `display` will next change: the start of the next minute.
    pub fn next_change(&self) -> DateTime<Utc> {
        let minute = Duration::minutes(1);
        let floor = self.now.duration_trunc(minute).unwrap_or(self.now);
        floor + minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_local_time_with_zone_abbreviation() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 5, 59).unwrap();
        let clock = Clock::new(now, chrono_tz::America::Los_Angeles);
        assert_eq!(clock.display(), "10:05 PST");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 17, 0, 0).unwrap();
        assert_eq!(
            Clock::new(summer, chrono_tz::America::Los_Angeles).display(),
            "10:00 PDT"
        );
    }

    #[test]
    fn next_change_is_the_next_minute_boundary() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 5, 59).unwrap();
        let clock = Clock::new(now, chrono_tz::UTC);
        assert_eq!(
            clock.next_change(),
            Utc.with_ymd_and_hms(2026, 11, 21, 18, 6, 0).unwrap()
        );
        let exact = Clock::new(clock.next_change(), chrono_tz::UTC);
        assert_eq!(
            exact.next_change(),
            Utc.with_ymd_and_hms(2026, 11, 21, 18, 7, 0).unwrap()
        );
    }
}
