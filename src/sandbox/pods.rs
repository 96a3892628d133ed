//! Simulated pods. Only their count and readiness matter to a rollout, so a pod
//! is the moment it becomes ready, or never for an image that is marked bad.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct PodSet {
    /// When each pod becomes ready; `None` never does.
    ready_at: Vec<Option<Instant>>,
}

impl PodSet {
    pub fn len(&self) -> i32 {
        i32::try_from(self.ready_at.len()).unwrap_or(i32::MAX)
    }

    pub fn ready(&self, now: Instant) -> i32 {
        let ready = self
            .ready_at
            .iter()
            .filter(|at| at.is_some_and(|at| at <= now))
            .count();
        i32::try_from(ready).unwrap_or(i32::MAX)
    }

    /// When each pod that is ready by `now` became ready: a pod serves from then.
    pub fn ready_since(&self, now: Instant) -> impl Iterator<Item = Instant> + '_ {
        self.ready_at
            .iter()
            .flatten()
            .copied()
            .filter(move |at| *at <= now)
    }

    /// Whether some pod will become ready later: the controller must look again.
    pub fn pending(&self, now: Instant) -> bool {
        self.ready_at.iter().any(|at| at.is_some_and(|at| at > now))
    }

    /// Creates or deletes pods to reach `replicas`. Unready pods go first, then
    /// the youngest, as the ReplicaSet controller chooses.
    pub fn scale(&mut self, replicas: i32, now: Instant, ready_after: Option<Duration>) {
        let want = usize::try_from(replicas.max(0)).unwrap_or(0);
        while self.ready_at.len() < want {
            self.ready_at.push(ready_after.map(|d| now + d));
        }
        while self.ready_at.len() > want {
            let victim = self
                .ready_at
                .iter()
                .rposition(|at| at.is_none_or(|at| at > now))
                .unwrap_or(self.ready_at.len() - 1);
            self.ready_at.remove(victim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_become_ready_after_their_delay_and_unready_ones_go_first() {
        let t0 = Instant::now();
        let mut pods = PodSet::default();
        pods.scale(2, t0, Some(Duration::ZERO));
        pods.scale(4, t0, None);
        assert_eq!((pods.len(), pods.ready(t0)), (4, 2));
        pods.scale(2, t0, None);
        assert_eq!((pods.len(), pods.ready(t0)), (2, 2));
        pods.scale(3, t0, Some(Duration::from_secs(5)));
        assert!(pods.pending(t0));
        assert_eq!(pods.ready(t0 + Duration::from_secs(5)), 3);
    }
}
