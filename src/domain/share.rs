//! One writer per release for the whole team: the decision a cockpit makes on
//! the release's Lease, as Kubernetes' own leader election makes it. A Lease
//! held by another is free only once it has gone unrenewed for its whole
//! duration *as this machine observed it* (the holder's clock is never
//! compared with ours); taking it over counts a transition, and that count is
//! the fence every mirrored event carries, so that a writer that lost its
//! Lease cannot be taken for the current one.

use chrono::{DateTime, Duration, Utc};

/// The Lease's spec, as the cockpit reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRecord {
    /// `operator@host/pid`; empty when released.
    pub holder: String,
    pub duration: Duration,
    pub acquired: DateTime<Utc>,
    pub renewed: DateTime<Utc>,
    /// How many times the Lease changed hands: the fence.
    pub transitions: i32,
}

/// A record as seen, and when this machine first saw it as it is: the
/// Lease expires `duration` after that, by this machine's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub record: LeaseRecord,
    pub observed_at: DateTime<Utc>,
}

impl Observed {
    /// Notes `record`, read at `now`: the observation time moves only when
    /// the record changed (a renewal), so a holder that stopped renewing
    /// runs out.
    pub fn update(previous: Option<&Observed>, record: LeaseRecord, now: DateTime<Utc>) -> Self {
        let observed_at = previous
            .filter(|p| p.record == record)
            .map_or(now, |p| p.observed_at);
        Self {
            record,
            observed_at,
        }
    }

    /// Until when, by this machine's clock, its holder may act.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.observed_at + self.record.duration
    }

    fn is_free(&self, now: DateTime<Utc>) -> bool {
        self.record.holder.is_empty() || now >= self.expires_at()
    }
}

/// What to do with the release's Lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No Lease yet: create it, held by us.
    Create(LeaseRecord),
    /// Ours: renew it.
    Renew(LeaseRecord),
    /// Free (released, or unrenewed past its duration): take it over from
    /// `previous`, one transition more.
    TakeOver {
        record: LeaseRecord,
        previous: Option<String>,
    },
    /// Another writer's, live until `until`: follow it.
    Held {
        holder: String,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    },
}

/// The decision for `me` at `now`, given what was last observed.
pub fn decide(
    observed: Option<&Observed>,
    me: &str,
    duration: Duration,
    now: DateTime<Utc>,
) -> Decision {
    let Some(observed) = observed else {
        return Decision::Create(LeaseRecord {
            holder: me.to_owned(),
            duration,
            acquired: now,
            renewed: now,
            transitions: 0,
        });
    };
    let current = &observed.record;
    if current.holder == me {
        return Decision::Renew(LeaseRecord {
            renewed: now,
            duration,
            ..current.clone()
        });
    }
    if observed.is_free(now) {
        return Decision::TakeOver {
            record: LeaseRecord {
                holder: me.to_owned(),
                duration,
                acquired: now,
                renewed: now,
                transitions: current.transitions.saturating_add(1),
            },
            previous: (!current.holder.is_empty()).then(|| current.holder.clone()),
        };
    }
    Decision::Held {
        holder: current.holder.clone(),
        since: current.acquired,
        until: observed.expires_at(),
    }
}

/// How the journal's mirror stands, for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorState {
    /// Durable lines not yet in the cluster.
    pub behind: usize,
    /// Why the last copy failed, while it is failing.
    pub problem: Option<String>,
    /// Another cockpit writes the release now: this one must stop.
    pub fenced: bool,
}

/// What sharing the release came to, for the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseNews {
    /// Another cockpit holds the Lease now (`by`), or it could not be
    /// renewed in time (`by` none): this one must stop writing at once.
    Lost { by: Option<String>, why: String },
    /// The mirror's state changed.
    Mirror(MirrorState),
    /// Followed: the writer's Lease lapsed (it died, or was cut off), so
    /// the release may be taken over.
    Lapsed { previous: Option<String> },
    /// Followed: the writer renews its Lease again (it was cut off, not
    /// dead), so it may no longer be taken over.
    Live { holder: String },
    /// This cockpit took `release` over from `previous` and writes it now.
    TookOver {
        release: String,
        previous: Option<String>,
    },
}

/// The Lease as its writer holds it: acting is allowed only while the last
/// successful renewal is recent enough that no other machine can have
/// seen the Lease expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    pub fence: i32,
    /// When the last write of the Lease succeeded, by this machine's clock,
    /// taken before the request was sent.
    pub renewed_at: DateTime<Utc>,
    pub duration: Duration,
}

impl Holding {
    /// How often to renew: three times within a duration, so two lost
    /// renewals in a row still leave it held.
    pub fn renew_every(duration: Duration) -> Duration {
        duration / 3
    }

    /// Whether this writer may still act: a margin short of the duration,
    /// for the time a follower's observation may lag ours.
    pub fn is_valid(&self, now: DateTime<Utc>) -> bool {
        now < self.valid_until()
    }

    /// When acting must stop unless renewed before.
    pub fn valid_until(&self) -> DateTime<Utc> {
        self.renewed_at + self.duration - self.margin()
    }

    fn margin(&self) -> Duration {
        (self.duration / 5).max(Duration::seconds(1))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(second: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + second, 0).unwrap()
    }

    fn held_by(holder: &str, renewed: i64, transitions: i32) -> LeaseRecord {
        LeaseRecord {
            holder: holder.into(),
            duration: Duration::seconds(15),
            acquired: at(0),
            renewed: at(renewed),
            transitions,
        }
    }

    const ME: &str = "alice@laptop/42";
    const THEM: &str = "bob@desk/7";

    #[test]
    fn no_lease_is_created_ours_is_renewed() {
        let fifteen = Duration::seconds(15);
        assert!(matches!(
            decide(None, ME, fifteen, at(0)),
            Decision::Create(LeaseRecord { ref holder, transitions: 0, .. }) if holder == ME
        ));
        let ours = Observed::update(None, held_by(ME, 0, 3), at(0));
        assert!(matches!(
            decide(Some(&ours), ME, fifteen, at(5)),
            Decision::Renew(LeaseRecord { transitions: 3, renewed, .. }) if renewed == at(5)
        ));
    }

    #[test]
    fn anothers_lease_is_held_until_it_goes_unrenewed_for_its_duration_here() {
        let fifteen = Duration::seconds(15);
        // Their renewals keep moving our observation.
        let first = Observed::update(None, held_by(THEM, 0, 1), at(100));
        let renewed = Observed::update(Some(&first), held_by(THEM, 5, 1), at(105));
        assert_eq!(renewed.observed_at, at(105));
        let same = Observed::update(Some(&renewed), held_by(THEM, 5, 1), at(110));
        assert_eq!(same.observed_at, at(105), "no renewal: the time stands");
        assert_eq!(
            decide(Some(&same), ME, fifteen, at(119)),
            Decision::Held {
                holder: THEM.into(),
                since: at(0),
                until: at(120)
            }
        );
        // Their clock says 5 s; ours saw it at 105 and waits until 120,
        // whatever the difference between the two clocks.
        match decide(Some(&same), ME, fifteen, at(120)) {
            Decision::TakeOver { record, previous } => {
                assert_eq!(record.transitions, 2, "the fence moves on");
                assert_eq!(record.holder, ME);
                assert_eq!(previous.as_deref(), Some(THEM));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_released_lease_is_taken_at_once() {
        let released = Observed::update(None, held_by("", 0, 4), at(0));
        assert!(matches!(
            decide(Some(&released), ME, Duration::seconds(15), at(1)),
            Decision::TakeOver {
                record: LeaseRecord { transitions: 5, .. },
                previous: None
            }
        ));
    }

    #[test]
    fn a_writer_stops_acting_a_margin_before_anyone_can_take_over() {
        let holding = Holding {
            fence: 1,
            renewed_at: at(0),
            duration: Duration::seconds(15),
        };
        assert_eq!(
            Holding::renew_every(Duration::seconds(15)),
            Duration::seconds(5)
        );
        assert!(holding.is_valid(at(11)));
        assert!(!holding.is_valid(at(12)), "3 s of margin");
        assert!(!holding.is_valid(at(15)));
    }
}
