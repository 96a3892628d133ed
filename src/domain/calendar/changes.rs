//! Operators' changes to single occurrences (postpone, skip, restore), folded
//! from the calendar journal. The train's rule is never edited by them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::events::{Event, Recorded};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Postponed {
        to: DateTime<Utc>,
        reason: String,
        operator: String,
    },
    Skipped {
        reason: String,
        operator: String,
    },
}

/// The latest change per occurrence, keyed by train and scheduled time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    by_occurrence: BTreeMap<(String, DateTime<Utc>), Change>,
    history: Vec<Recorded>,
}

impl Changes {
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Recorded>) -> Self {
        let mut changes = Self::default();
        for record in records {
            changes.apply(record);
        }
        changes
    }

    /// Folds one recorded event in; events about releases are ignored.
    pub fn apply(&mut self, recorded: &Recorded) {
        let operator = recorded.operator.clone();
        match &recorded.event {
            Event::OccurrencePostponed {
                train,
                scheduled,
                to,
                reason,
            } => {
                self.by_occurrence.insert(
                    (train.clone(), *scheduled),
                    Change::Postponed {
                        to: *to,
                        reason: reason.clone(),
                        operator,
                    },
                );
            }
            Event::OccurrenceSkipped {
                train,
                scheduled,
                reason,
            } => {
                self.by_occurrence.insert(
                    (train.clone(), *scheduled),
                    Change::Skipped {
                        reason: reason.clone(),
                        operator,
                    },
                );
            }
            Event::OccurrenceRestored { train, scheduled } => {
                self.by_occurrence.remove(&(train.clone(), *scheduled));
            }
            _ => return,
        }
        self.history.push(recorded.clone());
    }

    /// How many times this occurrence was changed (postponed, skipped,
    /// restored): its iCalendar SEQUENCE, so that a re-import updates it.
    pub fn revision(&self, train: &str, scheduled: DateTime<Utc>) -> u32 {
        let about = |r: &&Recorded| match &r.event {
            Event::OccurrencePostponed {
                train: t,
                scheduled: s,
                ..
            }
            | Event::OccurrenceSkipped {
                train: t,
                scheduled: s,
                ..
            }
            | Event::OccurrenceRestored {
                train: t,
                scheduled: s,
            } => t == train && *s == scheduled,
            _ => false,
        };
        u32::try_from(self.history.iter().filter(about).count()).unwrap_or(u32::MAX)
    }

    pub fn get(&self, train: &str, scheduled: DateTime<Utc>) -> Option<&Change> {
        self.by_occurrence.get(&(train.to_owned(), scheduled))
    }

    /// Where the occurrence a release of `train` at `t0` was started from
    /// has been moved since: `t0` is where its rule put it, or where an
    /// earlier postponement did.
    pub fn postponed_to(&self, train: &str, t0: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.iter().find_map(|(t, scheduled, change)| {
            let Change::Postponed { to, .. } = change else {
                return None;
            };
            if t != train || *to == t0 {
                return None;
            }
            let was_at_t0 = scheduled == t0
                || self.history.iter().any(|r| {
                    matches!(&r.event, Event::OccurrencePostponed { train: tr, scheduled: s, to: earlier, .. }
                        if tr == train && *s == scheduled && *earlier == t0)
                });
            was_at_t0.then_some(*to)
        })
    }

    /// Every change in effect: train, scheduled time, change.
    pub fn iter(&self) -> impl Iterator<Item = (&str, DateTime<Utc>, &Change)> {
        self.by_occurrence
            .iter()
            .map(|((train, at), change)| (train.as_str(), *at, change))
    }

    /// The calendar events as recorded, oldest first.
    pub fn history(&self) -> &[Recorded] {
        &self.history
    }

    pub fn last_seq(&self) -> u64 {
        self.history.last().map_or(0, |r| r.seq)
    }
}
