//! Counters between two scrapes: how much they grew, allowing for restarts
//! (a counter that went down was reset and counts from zero), and the rates
//! and ratios the health signals are made of.

use super::exposition::parse_value;
use super::exposition::{Exposition, Sample};
use super::histogram::quantile;

/// The growth of every series of `name` matching `labels`, summed. A series
/// new in `now` counts from zero; one that went down was reset.
pub fn increase(before: &Exposition, now: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
    increase_where(before, now, |s| {
        s.name == name
            && labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
    })
}

/// The growth of every series of `now` that `keep` picks, summed, with the
/// same rules: new series count from zero, one that went down was reset.
pub fn increase_where(
    before: &Exposition,
    now: &Exposition,
    keep: impl Fn(&Sample) -> bool,
) -> f64 {
    now.samples
        .iter()
        .filter(|s| keep(s))
        .map(|sample| {
            let previous = before
                .samples
                .iter()
                .find(|b| b.name == sample.name && b.labels == sample.labels)
                .map_or(0.0, |b| b.value);
            if sample.value >= previous {
                sample.value - previous
            } else {
                sample.value
            }
        })
        .filter(|v| v.is_finite())
        .sum()
}

/// `part / whole` of two increases; `None` when nothing happened in between.
pub fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

/// A quantile of a histogram's observations made between two scrapes.
pub fn quantile_between(
    before: &Exposition,
    now: &Exposition,
    histogram: &str,
    q: f64,
    labels: &[(&str, &str)],
) -> Option<f64> {
    let bucket = format!("{histogram}_bucket");
    quantile_where(before, now, q, |s| {
        s.name == bucket
            && labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
    })
}

/// A quantile of what was observed between two scrapes, over the `_bucket`
/// series that `bucket` picks: each `le` bound once, its increase summed over
/// every picked series.
pub fn quantile_where(
    before: &Exposition,
    now: &Exposition,
    q: f64,
    bucket: impl Fn(&Sample) -> bool,
) -> Option<f64> {
    let mut bounds: Vec<&str> = now
        .samples
        .iter()
        .filter(|s| bucket(s))
        .filter_map(|s| s.labels.get("le").map(String::as_str))
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let by_bound: Vec<(f64, f64)> = bounds
        .into_iter()
        .filter_map(|le| {
            let bound = parse_value(le)?;
            let grown = increase_where(before, now, |s| {
                bucket(s) && s.labels.get("le").map(String::as_str) == Some(le)
            });
            Some((bound, grown))
        })
        .collect();
    quantile(q, &by_bound)
}

#[cfg(test)]
mod tests {
    use super::super::exposition::parse;
    use super::*;

    #[test]
    fn increases_survive_a_restart_and_new_series() {
        let before = parse("req{code=\"200\"} 100\nreq{code=\"500\"} 10\n").unwrap();
        let after =
            parse("req{code=\"200\"} 40\nreq{code=\"500\"} 15\nreq{code=\"503\"} 2\n").unwrap();
        // 200 restarted (counts 40 from zero), 500 grew by 5, 503 is new.
        assert_eq!(increase(&before, &after, "req", &[]), 47.0);
        assert_eq!(increase(&before, &after, "req", &[("code", "500")]), 5.0);
        let errors = increase(&before, &after, "req", &[("code", "500")])
            + increase(&before, &after, "req", &[("code", "503")]);
        assert_eq!(ratio(errors, 47.0), Some(7.0 / 47.0));
        assert_eq!(ratio(1.0, 0.0), None);
    }

    #[test]
    fn a_quantile_of_what_was_observed_in_between() {
        let before = parse(
            "lat_bucket{le=\"0.1\"} 100\nlat_bucket{le=\"1\"} 100\nlat_bucket{le=\"+Inf\"} 100\n",
        )
        .unwrap();
        // Since then: 10 more, all between 0.1 s and 1 s.
        let after = parse(
            "lat_bucket{le=\"0.1\"} 100\nlat_bucket{le=\"1\"} 110\nlat_bucket{le=\"+Inf\"} 110\n",
        )
        .unwrap();
        let p50 = quantile_between(&before, &after, "lat", 0.5, &[]).unwrap();
        assert!((p50 - 0.55).abs() < 1e-9, "{p50}");
        assert_eq!(
            quantile_between(&after, &after, "lat", 0.5, &[]),
            None,
            "nothing observed"
        );
        // Two series (paths) per bound are summed, once each.
        let two = |n: u32| {
            parse(&format!(
                "lat_bucket{{p=\"a\",le=\"1\"}} {n}\nlat_bucket{{p=\"a\",le=\"+Inf\"}} {n}\n\
                 lat_bucket{{p=\"b\",le=\"1\"}} 0\nlat_bucket{{p=\"b\",le=\"+Inf\"}} {n}\n"
            ))
            .unwrap()
        };
        // 20 observations: 10 under 1 s (path a), 10 above (path b): p50 is 1 s.
        assert_eq!(
            quantile_between(&two(0), &two(10), "lat", 0.5, &[]),
            Some(1.0)
        );
    }
}
