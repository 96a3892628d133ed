//! What an operator types to postpone a release: where to, then why.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::local::{resolve_local, shift_local};
use crate::domain::offset::parse_duration;

/// Parses `+1w critical bug in staging`, `2026-12-15 why` or
/// `2026-12-15 14:00 why` against the release's current T-0 (in its train's
/// zone). A duration moves by calendar days on the train's clock; a date keeps
/// the time of day unless a time is given. The reason is required.
pub fn parse_postpone(
    text: &str,
    t0: DateTime<Tz>,
) -> Result<(DateTime<Utc>, String), PostponeError> {
    let mut words = text.split_whitespace().peekable();
    let first = words.next().ok_or(PostponeError::Usage)?;
    let zone = t0.timezone();
    let to = if let Ok(date) = NaiveDate::parse_from_str(first, "%Y-%m-%d") {
        let time = match words
            .peek()
            .and_then(|w| NaiveTime::parse_from_str(w, "%H:%M").ok())
        {
            Some(time) => {
                words.next();
                time
            }
            None => t0.time(),
        };
        resolve_local(zone, date.and_time(time))
    } else {
        let amount = first.strip_prefix('+').unwrap_or(first);
        let by = parse_duration(amount).map_err(|_| PostponeError::Usage)?;
        shift_local(t0, by)
    };
    let reason = words.collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        return Err(PostponeError::NoReason);
    }
    if to <= t0 {
        return Err(PostponeError::NotLater { to, t0 });
    }
    Ok((to.with_timezone(&Utc), reason))
}

const USAGE: &str = "write where to and why: `+1w critical bug in staging`, `2026-12-15 retest`, or `2026-12-15 14:00 retest`";

/// Why a postponement as typed cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostponeError {
    /// Neither a duration nor a date first.
    Usage,
    NoReason,
    /// Where to is not after the release's T-0 (both in the train's zone).
    NotLater {
        to: DateTime<Tz>,
        t0: DateTime<Tz>,
    },
}

impl std::fmt::Display for PostponeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Usage => f.write_str(USAGE),
            Self::NoReason => write!(f, "a reason is required: {USAGE}"),
            Self::NotLater { to, t0 } => write!(
                f,
                "{} is not later than the release ({}); postponing moves it later",
                to.format("%Y-%m-%d %H:%M %Z"),
                t0.format("%Y-%m-%d %H:%M %Z")
            ),
        }
    }
}

impl std::error::Error for PostponeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::Los_Angeles;

    #[test]
    fn a_week_later_keeps_the_wall_clock_across_dst() {
        let t0 = Los_Angeles
            .with_ymd_and_hms(2026, 10, 27, 10, 0, 0)
            .unwrap();
        let (to, reason) = parse_postpone("+1w critical bug in staging", t0).unwrap();
        assert_eq!(
            to.with_timezone(&Los_Angeles).to_rfc3339(),
            "2026-11-03T10:00:00-08:00"
        );
        assert_eq!(reason, "critical bug in staging");
    }

    #[test]
    fn a_date_with_or_without_a_time() {
        let t0 = Los_Angeles.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap();
        let (to, _) = parse_postpone("2026-12-10 retest", t0).unwrap();
        assert_eq!(
            to.with_timezone(&Los_Angeles).to_rfc3339(),
            "2026-12-10T10:00:00-08:00"
        );
        let (to, reason) = parse_postpone("2026-12-10 14:30 retest after fix", t0).unwrap();
        assert_eq!(
            to.with_timezone(&Los_Angeles).to_rfc3339(),
            "2026-12-10T14:30:00-08:00"
        );
        assert_eq!(reason, "retest after fix");
    }

    #[test]
    fn no_reason_no_earlier_date_no_nonsense() {
        let t0 = Los_Angeles.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap();
        assert!(
            parse_postpone("+1w", t0)
                .unwrap_err()
                .to_string()
                .contains("reason is required")
        );
        assert!(
            parse_postpone("2026-12-01 oops", t0)
                .unwrap_err()
                .to_string()
                .contains("not later")
        );
        assert!(
            parse_postpone("soon please", t0)
                .unwrap_err()
                .to_string()
                .contains("+1w")
        );
    }
}
