//! Offsets from T-0: `T-7d`, `T-72h`, `T+30m`, `T+1w`, `T-0`, or combined `T+1h30m`.

use std::fmt;
use std::str::FromStr;

use chrono::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Offset(Duration);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetError(pub String);

impl fmt::Display for OffsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OffsetError {}

const UNITS: [(char, i64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// The furthest an offset or duration may reach, in days: 10 years. No release
/// plans further ahead, and bounding every offset here keeps the date
/// arithmetic done with it (T-0 plus an offset, a cadence's lead) far from
/// chrono's limits, which panic.
pub const MAX_DAYS: i64 = 3653;
const MAX_SECONDS: i64 = MAX_DAYS * 86_400;
/// How the bound reads in errors.
pub const MAX_TEXT: &str = "10 years (3653d)";

impl Offset {
    pub const ZERO: Offset = Offset(Duration::zero());

    pub fn from_duration(duration: Duration) -> Self {
        Self(duration)
    }

    pub fn duration(self) -> Duration {
        self.0
    }
}

/// Why a duration did not parse.
enum Bad {
    Malformed,
    TooLong,
}

/// A plain duration such as `15m`, `2h`, `1h30m`, `10s` (no sign, no `T`), at
/// most [`MAX_DAYS`].
pub fn parse_duration(text: &str) -> Result<Duration, OffsetError> {
    seconds_in(text).map(Duration::seconds).map_err(|bad| match bad {
        Bad::Malformed => OffsetError(format!(
            "`{text}` is not a duration: write a number and a unit, e.g. 30s, 15m, 2h, 1d, 1w, or 1h30m"
        )),
        Bad::TooLong => OffsetError(format!(
            "`{text}` is longer than {MAX_TEXT}, the longest duration allowed: write a shorter one"
        )),
    })
}

fn seconds_in(text: &str) -> Result<i64, Bad> {
    if text.is_empty() {
        return Err(Bad::Malformed);
    }
    let mut seconds: i64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let (_, unit) = UNITS.iter().find(|(u, _)| *u == c).ok_or(Bad::Malformed)?;
        if digits.is_empty() {
            return Err(Bad::Malformed);
        }
        // Any number too big for an i64 is too long, not malformed.
        let n: i64 = digits.parse().map_err(|_| Bad::TooLong)?;
        seconds = n
            .checked_mul(*unit)
            .and_then(|s| s.checked_add(seconds))
            .filter(|s| *s <= MAX_SECONDS)
            .ok_or(Bad::TooLong)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(Bad::Malformed);
    }
    Ok(seconds)
}

/// `1h30m`, `7d`, `45s`: days, hours, minutes and seconds, largest first. Weeks
/// parse but print as days, the way release schedules count (`T-7d`).
pub fn format_duration(duration: Duration) -> String {
    let mut rest = duration.num_seconds().abs();
    if rest == 0 {
        return "0".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in UNITS.into_iter().skip(1) {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// A count of seconds as [`format_duration`] prints it, whatever its size:
/// counts come from journals, and past chrono's range they print as seconds.
pub fn format_seconds(seconds: i64) -> String {
    Duration::try_seconds(seconds).map_or_else(|| format!("{seconds}s"), format_duration)
}

impl FromStr for Offset {
    type Err = OffsetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = || {
            OffsetError(format!(
                "`{text}` is not an offset from T-0: write T-7d, T-72h, T-4h, T-0, T+30m, T+1w or T+1h30m"
            ))
        };
        let rest = text.trim().strip_prefix(['T', 't']).ok_or_else(fail)?;
        if rest == "0" || rest == "-0" || rest == "+0" {
            return Ok(Offset::ZERO);
        }
        let (sign, amount) = match rest.split_at_checked(1) {
            Some(("-", amount)) => (-1, amount),
            Some(("+", amount)) => (1, amount),
            _ => return Err(fail()),
        };
        let seconds = seconds_in(amount).map_err(|bad| match bad {
            Bad::Malformed => fail(),
            Bad::TooLong => OffsetError(format!(
                "`{text}` is further from T-0 than {MAX_TEXT}, the furthest an offset may be: write a nearer one"
            )),
        })?;
        Ok(Offset(Duration::seconds(seconds * sign)))
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_zero() {
            return f.write_str("T-0");
        }
        let sign = if self.0 < Duration::zero() { '-' } else { '+' };
        write!(f, "T{sign}{}", format_duration(self.0))
    }
}

/// A countdown or count-up as the status bar shows it, to the minute:
/// `T-9d 3h 12m`, `T-42m`, `T+1h 05m`.
pub fn format_t_clock(since_t0: Duration) -> String {
    let sign = if since_t0 < Duration::zero() {
        '-'
    } else {
        '+'
    };
    let total_minutes = since_t0.num_minutes().abs();
    let (days, hours, minutes) = (
        total_minutes / 1440,
        total_minutes / 60 % 24,
        total_minutes % 60,
    );
    match (days, hours) {
        (0, 0) => format!("T{sign}{minutes}m"),
        (0, _) => format!("T{sign}{hours}h {minutes:02}m"),
        _ => format!("T{sign}{days}d {hours}h {minutes:02}m"),
    }
}

/// How far away an instant is, for due times: `in 2h`, `in 3d 4h`, `15m ago`.
pub fn format_relative(delta: Duration) -> String {
    let minutes = delta.num_minutes().abs();
    let amount = if minutes < 1 {
        return "now".to_owned();
    } else if minutes < 60 {
        format!("{minutes}m")
    } else if minutes < 600 {
        match minutes % 60 {
            0 => format!("{}h", minutes / 60),
            m => format!("{}h {m:02}m", minutes / 60),
        }
    } else if minutes < 1440 {
        format!("{}h", minutes / 60)
    } else {
        match minutes / 60 % 24 {
            0 => format!("{}d", minutes / 1440),
            h => format!("{}d {h}h", minutes / 1440),
        }
    };
    if delta >= Duration::zero() {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_offsets() {
        let cases = [
            ("T-7d", -7 * 86_400),
            ("T-72h", -72 * 3_600),
            ("T-4h", -4 * 3_600),
            ("T-0", 0),
            ("T0", 0),
            ("T+30m", 1_800),
            ("T+90m", 5_400),
            ("T+1w", 7 * 86_400),
            ("T+1h30m", 5_400),
        ];
        for (text, seconds) in cases {
            let offset: Offset = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(offset.duration().num_seconds(), seconds, "{text}");
        }
    }

    #[test]
    fn prints_canonically_and_round_trips() {
        for text in [
            "T-7d", "T-3d", "T-4h", "T-0", "T+30m", "T+1h30m", "T+2d", "T+14d",
        ] {
            let offset: Offset = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(offset.to_string(), text);
        }
        assert_eq!(
            "T-72h".parse::<Offset>().map(|o| o.to_string()),
            Ok("T-3d".into())
        );
        assert_eq!(
            "T+90m".parse::<Offset>().map(|o| o.to_string()),
            Ok("T+1h30m".into())
        );
        assert_eq!(
            "T+1w".parse::<Offset>().map(|o| o.to_string()),
            Ok("T+7d".into())
        );
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "7d",
            "T7d",
            "T-",
            "T-7",
            "T-7x",
            "T+-1h",
            "T-d",
            "T-99999999999999w",
        ] {
            assert!(bad.parse::<Offset>().is_err(), "{bad}");
        }
    }

    #[test]
    fn any_count_of_seconds_formats_without_panicking() {
        assert_eq!(format_seconds(5_400), "1h30m");
        assert_eq!(format_seconds(i64::MAX), format!("{}s", i64::MAX));
        assert_eq!(format_seconds(i64::MIN), format!("{}s", i64::MIN));
    }

    #[test]
    fn offsets_and_durations_are_bounded_at_ten_years() {
        for text in [
            "T-9999999999w",
            "T-99999999999999d",
            "T+3654d",
            "T-521w6d23h59m60s",
            "T-99999999999999999999999s",
        ] {
            let error = text.parse::<Offset>().expect_err(text).0;
            assert!(
                error.contains("further from T-0 than 10 years (3653d)"),
                "{error}"
            );
        }
        for text in ["9999999999w", "3654d", "99999999999999999999999m"] {
            let error = parse_duration(text).expect_err(text).0;
            assert!(error.contains("longer than 10 years (3653d)"), "{error}");
        }
        let furthest: Offset = "T-3653d".parse().unwrap();
        assert_eq!(furthest.duration(), -Duration::days(MAX_DAYS));
        assert_eq!(parse_duration("3653d").unwrap(), Duration::days(MAX_DAYS));
        // Malformed stays malformed, whatever its size.
        assert!(
            parse_duration("w")
                .unwrap_err()
                .0
                .contains("is not a duration")
        );
    }

    #[test]
    fn orders_by_time() {
        let a: Offset = "T-7d".parse().unwrap();
        let b: Offset = "T-4h".parse().unwrap();
        let c: Offset = "T+30m".parse().unwrap();
        assert!(a < b && b < Offset::ZERO && Offset::ZERO < c);
    }

    #[test]
    fn t_clock_and_relative_formats() {
        assert_eq!(
            format_t_clock(Duration::minutes(-(9 * 1440 + 3 * 60 + 12))),
            "T-9d 3h 12m"
        );
        assert_eq!(format_t_clock(Duration::minutes(-42)), "T-42m");
        assert_eq!(format_t_clock(Duration::minutes(65)), "T+1h 05m");
        assert_eq!(format_t_clock(Duration::seconds(30)), "T+0m");
        assert_eq!(format_relative(Duration::minutes(120)), "in 2h");
        assert_eq!(format_relative(Duration::minutes(-15)), "15m ago");
        assert_eq!(
            format_relative(Duration::minutes(3 * 1440 + 4 * 60)),
            "in 3d 4h"
        );
        assert_eq!(format_relative(Duration::seconds(20)), "now");
        assert_eq!(
            format_relative(Duration::minutes(-(22 * 60 + 44))),
            "22h ago"
        );
        assert_eq!(
            format_relative(Duration::minutes(-(2 * 60 + 44))),
            "2h 44m ago"
        );
    }
}
