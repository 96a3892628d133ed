//! The arithmetic of simulated traffic: how many requests, which status codes
//! and how long they took, as whole counts that only grow. No randomness: a
//! scrape covering a span of time adds exactly the expected share of each
//! outcome, and the fraction of a request left over is carried to the next.

/// Requests per second one ready pod serves.
pub const REQUESTS_PER_POD: f64 = 20.0;

/// The status codes every service reports, each from the start (at 0 if
/// need be) so that `rate()` has two points as soon as the first error comes.
pub const CODES: [u16; 3] = [200, 500, 503];

/// The histogram's upper bounds in seconds; `+Inf` follows them.
pub const BOUNDS: [f64; 7] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// How long a healthy request takes: a cumulative distribution, linear between
/// these `(seconds, share)` knots. The knots are placed for what PromQL's
/// `histogram_quantile` reads from [`BOUNDS`]: p50 = 40 ms, p99 ≈ 250 ms, and
/// with latencies three times as long the p99 it reads is three times too
/// (the knots at 1/6 s and 1/3 s are where 0.5 s and 1 s fall back to).
const LATENCY: [(f64, f64); 8] = [
    (0.0, 0.0),
    (0.05, 0.625),
    (0.1, 0.95),
    (1.0 / 6.0, 0.985),
    (0.25, 0.9905),
    (1.0 / 3.0, 0.9952),
    (1.0, 0.9995),
    (3.0, 1.0),
];

/// How an image serves its share of the traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Behaviour {
    /// The share of requests that fail.
    pub error_ratio: f64,
    /// The share of the failures answered `503` rather than `500`.
    pub unavailable_share: f64,
    /// Every latency is this many times the healthy one.
    pub latency_factor: f64,
}

impl Behaviour {
    /// A healthy image: 0.2% of requests fail with `500`.
    pub const HEALTHY: Self = Self {
        error_ratio: 0.002,
        unavailable_share: 0.0,
        latency_factor: 1.0,
    };

    /// A regressed image: its failures are split 500 : 503 as 3 : 2, as a
    /// service that both throws and sheds load.
    pub fn regressed(error_ratio: f64, latency_factor: f64) -> Self {
        Self {
            error_ratio: error_ratio.clamp(0.0, 1.0),
            unavailable_share: 0.4,
            latency_factor: if latency_factor > 0.0 {
                latency_factor
            } else {
                1.0
            },
        }
    }
}

/// A whole count and the fraction of one not yet counted.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    whole: u64,
    carry: f64,
}

impl Tally {
    fn add(&mut self, amount: f64) {
        if amount.is_nan() || amount <= 0.0 {
            return;
        }
        self.carry += amount;
        let whole = self.carry.floor();
        self.carry -= whole;
        // Far below u64::MAX for any span a sandbox runs.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = whole as u64;
        self.whole = self.whole.saturating_add(whole);
    }
}

/// One service's counters since the sandbox started.
#[derive(Debug, Clone, Default)]
pub struct Traffic {
    /// By [`CODES`].
    codes: [Tally; 3],
    /// Cumulative, as exposed: `buckets[i]` is at most `BOUNDS[i]`, the last
    /// is `+Inf`, every request. Each carries its own fraction, so `+Inf`
    /// stays within a request of the requests counted by code.
    buckets: [Tally; 8],
    sum: f64,
}

impl Traffic {
    /// Adds `requests` (a fractional expectation) served with `behaviour`.
    pub fn serve(&mut self, requests: f64, behaviour: Behaviour) {
        if requests.is_nan() || requests <= 0.0 {
            return;
        }
        let errors = requests * behaviour.error_ratio;
        let unavailable = errors * behaviour.unavailable_share;
        self.codes[0].add(requests - errors);
        self.codes[1].add(errors - unavailable);
        self.codes[2].add(unavailable);
        let factor = behaviour.latency_factor;
        for (bucket, bound) in self.buckets.iter_mut().zip(BOUNDS) {
            bucket.add(requests * latency_share(bound / factor));
        }
        if let Some(all) = self.buckets.last_mut() {
            all.add(requests);
        }
        self.sum += requests * mean_latency() * factor;
    }

    /// Requests by [`CODES`].
    pub fn requests(&self) -> [u64; 3] {
        self.codes.map(|t| t.whole)
    }

    /// Cumulative bucket counts for [`BOUNDS`] and then `+Inf`. Each bucket's
    /// real total is at most the next one's; the running maximum only guards
    /// against rounding when two are equal, and keeps every bucket monotonic
    /// in time since each tally is.
    pub fn cumulative_buckets(&self) -> [u64; 8] {
        let mut highest = 0_u64;
        self.buckets.map(|t| {
            highest = highest.max(t.whole);
            highest
        })
    }

    /// Observations in the histogram, the `+Inf` bucket.
    #[cfg(test)]
    pub fn count(&self) -> u64 {
        self.cumulative_buckets()[7]
    }

    /// Seconds spent on all requests.
    pub fn sum(&self) -> f64 {
        self.sum
    }
}

/// The share of healthy requests that take at most `seconds`.
fn latency_share(seconds: f64) -> f64 {
    let mut previous = LATENCY[0];
    for knot in LATENCY {
        if seconds <= knot.0 {
            let span = knot.0 - previous.0;
            if span <= 0.0 {
                return knot.1;
            }
            return previous.1 + (knot.1 - previous.1) * (seconds - previous.0) / span;
        }
        previous = knot;
    }
    1.0
}

/// The mean healthy latency: each segment's share at its midpoint.
fn mean_latency() -> f64 {
    LATENCY
        .windows(2)
        .map(|w| (w[1].1 - w[0].1) * (w[0].0 + w[1].0) / 2.0)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::histogram::quantile;

    fn p(q: f64, traffic: &Traffic) -> f64 {
        let bounds = BOUNDS.iter().copied().chain([f64::INFINITY]);
        let buckets: Vec<(f64, f64)> = bounds
            .zip(traffic.cumulative_buckets())
            .map(|(le, n)| (le, n as f64))
            .collect();
        quantile(q, &buckets).unwrap()
    }

    #[test]
    fn fractions_are_carried_so_many_small_spans_add_up_to_one_long_one() {
        let mut long = Traffic::default();
        long.serve(10_000.0, Behaviour::HEALTHY);
        let mut short = Traffic::default();
        for _ in 0..10_000 {
            short.serve(1.0, Behaviour::HEALTHY);
        }
        let [ok, internal, unavailable] = long.requests();
        assert!(
            ok.abs_diff(9_980) <= 1 && internal.abs_diff(20) <= 1,
            "{ok} {internal}"
        );
        assert_eq!(unavailable, 0, "a healthy image answers 500 only");
        let diff = |a: u64, b: u64| a.abs_diff(b);
        for (a, b) in long.requests().iter().zip(short.requests()) {
            assert!(
                diff(*a, b) <= 1,
                "{:?} {:?}",
                long.requests(),
                short.requests()
            );
        }
        assert!(diff(long.count(), short.count()) <= 1);
    }

    #[test]
    fn the_quantiles_promql_reads_are_the_intended_ones() {
        let mut healthy = Traffic::default();
        healthy.serve(100_000.0, Behaviour::HEALTHY);
        let p50 = p(0.5, &healthy);
        let p99 = p(0.99, &healthy);
        assert!((p50 - 0.040).abs() < 0.002, "p50 {p50}");
        assert!((p99 - 0.250).abs() < 0.01, "p99 {p99}");
        let mut slow = Traffic::default();
        slow.serve(100_000.0, Behaviour::regressed(0.07, 3.0));
        let ratio = p(0.99, &slow) / p99;
        assert!((ratio - 3.0).abs() < 0.15, "p99 x{ratio}");
        let mean = slow.sum() / slow.count() as f64;
        assert!((mean / (healthy.sum() / healthy.count() as f64) - 3.0).abs() < 0.01);
        let [ok, internal, unavailable] = slow.requests();
        assert!(
            ok.abs_diff(93_000) <= 1 && internal.abs_diff(4_200) <= 1,
            "{ok} {internal}"
        );
        assert!(unavailable.abs_diff(2_800) <= 1, "{unavailable}");
    }
}
