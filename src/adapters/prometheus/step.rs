//! How far apart the points of a chart are fetched.

use std::time::Duration;

/// The `step` for charting `range` in a pane `columns` wide: one point per
/// column, but never finer than the scrape interval (finer steps only repeat
/// the same sample) and never below 1 s. Rounding up to whole seconds keeps
/// steps readable in Prometheus' logs and aligned across refreshes.
///
/// A range query yields `range / step + 1` points; with the step at least
/// `range / columns` that is at most `columns + 1`, within the cockpit's
/// budget of twice the pane's width per refresh.
pub fn choose_step(range: chrono::Duration, columns: u16, scrape_interval: Duration) -> Duration {
    // A negative range (end before start) charts nothing; any step will do.
    let range = range.to_std().unwrap_or(Duration::ZERO);
    let per_column = range / u32::from(columns.max(1));
    let step = per_column.max(scrape_interval);
    let whole = step.as_secs() + u64::from(step.subsec_nanos() > 0);
    Duration::from_secs(whole.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_wide_range_takes_one_point_per_column() {
        let hour = chrono::Duration::hours(1);
        assert_eq!(choose_step(hour, 120, secs(15)), secs(30));
        assert_eq!(choose_step(hour, 100, secs(15)), secs(36));
    }

    #[test]
    fn a_short_range_is_not_finer_than_the_scrape_interval() {
        let five_minutes = chrono::Duration::minutes(5);
        assert_eq!(choose_step(five_minutes, 200, secs(15)), secs(15));
    }

    #[test]
    fn steps_are_rounded_up_to_whole_seconds() {
        // 61 s over 60 columns is 1.016 s a column.
        assert_eq!(
            choose_step(chrono::Duration::seconds(61), 60, secs(1)),
            secs(2)
        );
        assert_eq!(
            choose_step(
                chrono::Duration::seconds(60),
                60,
                Duration::from_millis(1500)
            ),
            secs(2)
        );
    }

    #[test]
    fn the_step_is_at_least_one_second() {
        let ten = chrono::Duration::seconds(10);
        assert_eq!(choose_step(ten, 100, Duration::from_millis(500)), secs(1));
        assert_eq!(choose_step(ten, 100, Duration::ZERO), secs(1));
        assert_eq!(
            choose_step(chrono::Duration::zero(), 80, Duration::ZERO),
            secs(1)
        );
    }

    #[test]
    fn no_columns_and_negative_ranges_still_give_a_step() {
        let minute = chrono::Duration::minutes(1);
        assert_eq!(choose_step(minute, 0, secs(1)), secs(60));
        assert_eq!(choose_step(-minute, 80, secs(15)), secs(15));
    }

    #[test]
    fn points_per_refresh_stay_within_twice_the_columns() {
        for columns in [1_u16, 2, 7, 80, 119, 120, 333, u16::MAX] {
            for range_s in [1_i64, 59, 60, 61, 3599, 3600, 86_400, 7 * 86_400 + 13] {
                let range = chrono::Duration::seconds(range_s);
                let step = choose_step(range, columns, secs(1));
                let points = range_s as u64 / step.as_secs() + 1;
                assert!(
                    points <= 2 * u64::from(columns),
                    "{range_s}s over {columns} columns: step {step:?} gives {points} points"
                );
            }
        }
    }
}
