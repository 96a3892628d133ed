//! A signal's values through time: bounded, in time order, with the window
//! means that baselines are made of and the downsampling that charts need.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// The most points kept per signal: two hours at a 2 s poll.
pub const MAX_POINTS: usize = 3600;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Points {
    points: VecDeque<(DateTime<Utc>, f64)>,
}

impl Points {
    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn first(&self) -> Option<(DateTime<Utc>, f64)> {
        self.points.front().copied()
    }

    pub fn last(&self) -> Option<(DateTime<Utc>, f64)> {
        self.points.back().copied()
    }

    /// Appends a point; one older than the last is ignored (time only moves on).
    pub fn push(&mut self, at: DateTime<Utc>, value: f64) {
        if self.points.back().is_some_and(|(last, _)| *last >= at) {
            return;
        }
        self.points.push_back((at, value));
        while self.points.len() > MAX_POINTS {
            self.points.pop_front();
        }
    }

    /// Replaces everything from the first point of `history` on: a source
    /// with its own history (Prometheus) is the truth for its range.
    pub fn replace_from(&mut self, history: &[(DateTime<Utc>, f64)]) {
        let Some((first, _)) = history.first() else {
            return;
        };
        while self.points.back().is_some_and(|(at, _)| at >= first) {
            self.points.pop_back();
        }
        for (at, value) in history {
            self.push(*at, *value);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (DateTime<Utc>, f64)> + '_ {
        self.points.iter().copied()
    }

    /// The mean of the finite values in `[from, to]`, and how many there were.
    pub fn mean_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<(f64, usize)> {
        let values: Vec<f64> = self
            .points
            .iter()
            .filter(|(at, v)| *at >= from && *at <= to && v.is_finite())
            .map(|(_, v)| *v)
            .collect();
        (!values.is_empty()).then(|| {
            (
                values.iter().sum::<f64>() / values.len() as f64,
                values.len(),
            )
        })
    }

    /// The points from `from` on, downsampled to `columns`.
    pub fn chart(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        columns: usize,
    ) -> Vec<Option<f64>> {
        let start = self.points.partition_point(|(at, _)| *at < from);
        downsample(self.points.range(start..).copied(), from, to, columns)
    }
}

/// One value per column over `[from, to]`: the highest in each (a spike must
/// stay visible however narrow the pane), `None` where nothing was seen.
pub fn downsample(
    points: impl IntoIterator<Item = (DateTime<Utc>, f64)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    columns: usize,
) -> Vec<Option<f64>> {
    let mut out = vec![None; columns];
    let span = (to - from).num_milliseconds();
    if columns == 0 || span <= 0 {
        return out;
    }
    for (at, value) in points {
        if at < from || at > to || !value.is_finite() {
            continue;
        }
        let offset = (at - from).num_milliseconds();
        let column = usize::try_from(offset * (columns as i64) / span)
            .unwrap_or(0)
            .min(columns - 1);
        let cell = &mut out[column];
        *cell = Some(cell.map_or(value, |v: f64| v.max(value)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    #[test]
    fn means_over_a_window_skip_what_is_not_a_number() {
        let mut p = Points::default();
        for (s, v) in [(0, 1.0), (10, 3.0), (20, f64::NAN), (30, 5.0), (40, 100.0)] {
            p.push(at(s), v);
        }
        p.push(at(5), 99.0); // older than the last: ignored
        assert_eq!(p.mean_between(at(0), at(30)), Some((3.0, 3)));
        assert_eq!(p.mean_between(at(50), at(60)), None);
    }

    #[test]
    fn history_replaces_its_range_and_the_size_is_bounded() {
        let mut p = Points::default();
        for s in 0..5 {
            p.push(at(s * 10), 1.0);
        }
        p.replace_from(&[(at(20), 2.0), (at(30), 2.0), (at(60), 2.0)]);
        let values: Vec<f64> = p.iter().map(|(_, v)| v).collect();
        assert_eq!(values, [1.0, 1.0, 2.0, 2.0, 2.0]);
        for s in 0..(MAX_POINTS as i64 + 10) {
            p.push(at(100 + s), 0.0);
        }
        assert_eq!(p.len(), MAX_POINTS);
    }

    #[test]
    fn downsampling_keeps_the_peak_of_each_column() {
        let points: Vec<_> = (0..100)
            .map(|s| (at(s), if s == 37 { 9.0 } else { 1.0 }))
            .collect();
        let chart = downsample(points.iter().copied(), at(0), at(100), 10);
        assert_eq!(chart.len(), 10);
        assert_eq!(chart[3], Some(9.0));
        assert_eq!(chart[0], Some(1.0));
        let sparse = downsample(points[..1].iter().copied(), at(0), at(100), 4);
        assert_eq!(sparse, [Some(1.0), None, None, None]);
    }
}
