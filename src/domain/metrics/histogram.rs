//! `histogram_quantile` as PromQL computes it: cumulative buckets by upper
//! bound, the rank's bucket found, and the value interpolated linearly in it.

/// `buckets` are `(upper bound, cumulative count)`, in any order, and must
/// include `+Inf`. `None` when there is nothing to rank (no observations, no
/// `+Inf` bucket, or a quantile outside 0..=1).
pub fn quantile(q: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    let mut sorted: Vec<(f64, f64)> = buckets
        .iter()
        .copied()
        .filter(|(le, _)| !le.is_nan())
        .collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let &(last_le, total) = sorted.last()?;
    if last_le != f64::INFINITY || total <= 0.0 || total.is_nan() {
        return None;
    }
    // Counts scraped at slightly different moments may dip; keep them monotonic.
    let mut highest = 0.0_f64;
    for bucket in &mut sorted {
        highest = highest.max(bucket.1);
        bucket.1 = highest;
    }
    let rank = q * total;
    let index = sorted.iter().position(|(_, count)| *count >= rank)?;
    let (upper, count) = sorted[index];
    if upper == f64::INFINITY {
        // Above the highest finite bound: that bound is the best answer.
        return Some(if index == 0 { 0.0 } else { sorted[index - 1].0 });
    }
    let (lower, below) = if index == 0 {
        (if upper > 0.0 { 0.0 } else { upper }, 0.0)
    } else {
        sorted[index - 1]
    };
    let in_bucket = count - below;
    if in_bucket <= 0.0 {
        return Some(upper);
    }
    Some(lower + (upper - lower) * (rank - below) / in_bucket)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_inside_the_ranked_bucket() {
        // 100 observations: 50 under 0.1 s, 40 more under 0.5 s, 10 above 1 s.
        let buckets = [
            (0.1, 50.0),
            (0.5, 90.0),
            (1.0, 90.0),
            (f64::INFINITY, 100.0),
        ];
        assert_eq!(quantile(0.5, &buckets), Some(0.1));
        let p75 = quantile(0.75, &buckets).unwrap();
        assert!((p75 - 0.35).abs() < 1e-9, "{p75}");
        assert_eq!(
            quantile(0.99, &buckets),
            Some(1.0),
            "in +Inf: the highest finite bound"
        );
        assert_eq!(quantile(0.25, &buckets), Some(0.05));
    }

    #[test]
    fn nothing_to_rank_is_none() {
        assert_eq!(quantile(0.5, &[(0.1, 0.0), (f64::INFINITY, 0.0)]), None);
        assert_eq!(quantile(0.5, &[(0.1, 3.0)]), None, "no +Inf bucket");
        assert_eq!(quantile(1.5, &[(f64::INFINITY, 3.0)]), None);
    }
}
