//! The calendar: trains, blackouts and operators' changes, expanded into the
//! occurrences of a time range.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::blackout::{Blackout, BlackoutPolicy, blackout_on, nearest_working_day};
use super::changes::{Change, Changes};
use super::local::{resolve_local, shift_local};
use super::train::Train;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub trains: Vec<Train>,
    pub blackouts: Vec<Blackout>,
    pub changes: Changes,
}

/// How an occurrence got to its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Where the rule put it.
    Scheduled,
    /// The rule put it on a blackout day; the train's policy moved it.
    MovedOffBlackout {
        blackout: String,
    },
    Postponed {
        reason: String,
        operator: String,
    },
    /// Not happening. `operator` is `None` when a blackout policy skipped it.
    Skipped {
        reason: String,
        operator: Option<String>,
    },
}

/// One release of a train, with the dates planned around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub train: String,
    pub zone: Tz,
    /// Where the rule put it: the occurrence's identity, kept across moves.
    pub scheduled: DateTime<Utc>,
    pub t0: DateTime<Utc>,
    pub status: Status,
    /// The blackout its day falls on, when it was left there (policy `flag`,
    /// or postponed onto one): the operator should look.
    pub on_blackout: Option<String>,
    pub notice: Option<DateTime<Utc>>,
    pub announce: Option<DateTime<Utc>>,
    /// Code freeze from here until T-0.
    pub freeze: Option<DateTime<Utc>>,
    /// The deployment window closes here; it opens at T-0.
    pub window_end: Option<DateTime<Utc>>,
    pub merge_freeze: bool,
}

impl Occurrence {
    pub fn is_skipped(&self) -> bool {
        matches!(self.status, Status::Skipped { .. })
    }

    pub fn t0_local(&self) -> DateTime<Tz> {
        self.t0.with_timezone(&self.zone)
    }

    /// When the release occupies the environment: its window, or the minute of
    /// T-0 when it has none.
    pub fn busy(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.t0,
            self.window_end.unwrap_or(self.t0 + Duration::minutes(1)),
        )
    }

    /// Everything it puts on the calendar, earliest date to window close.
    pub fn span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = [self.notice, self.announce, self.freeze]
            .into_iter()
            .flatten()
            .chain([self.t0])
            .min()
            .unwrap_or(self.t0);
        (start, self.busy().1)
    }

    pub fn window_open_at(&self, now: DateTime<Utc>) -> bool {
        self.window_end
            .is_some_and(|end| (self.t0..end).contains(&now))
    }

    pub fn frozen_at(&self, now: DateTime<Utc>) -> bool {
        self.freeze
            .is_some_and(|start| (start..self.t0).contains(&now))
    }

    /// A stable identifier (for .ics UIDs): the train and the scheduled time,
    /// so a moved occurrence keeps it.
    pub fn uid(&self) -> String {
        let train: String = self
            .train
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        format!("{train}-{}", self.scheduled.format("%Y%m%dT%H%MZ"))
    }
}

/// Rule dates this far outside a range are looked at too, since a blackout
/// move or a postponement can bring them in.
const MOVE_MARGIN_DAYS: i64 = 62;

impl Calendar {
    pub fn train(&self, name: &str) -> Option<&Train> {
        self.trains.iter().find(|t| t.name == name)
    }

    /// Occurrences with T-0 in `[from, to)`, skipped ones included, by T-0.
    pub fn occurrences(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        let mut found = self.expand(from, to);
        found.retain(|o| (from..to).contains(&o.t0));
        found
    }

    /// Occurrences with any of their dates (notice to window close) in `[from, to)`.
    pub fn touching(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        let mut found = self.expand(from, to);
        found.retain(|o| {
            let (start, end) = o.span();
            start < to && end > from
        });
        found
    }

    /// The occurrence of `train` scheduled at `scheduled`, if the rule has one.
    pub fn occurrence(&self, train: &str, scheduled: DateTime<Utc>) -> Option<Occurrence> {
        let train = self.train(train)?;
        train
            .cadence
            .contains(scheduled)
            .then(|| self.build(train, scheduled.with_timezone(&train.zone)))
    }

    fn expand(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        let margin = Duration::days(MOVE_MARGIN_DAYS);
        let mut found = Vec::new();
        for train in &self.trains {
            let rule_dates = train
                .cadence
                .between(from - margin, to + margin + train.lead());
            let mut scheduled: Vec<DateTime<Utc>> =
                rule_dates.iter().map(|t| t.with_timezone(&Utc)).collect();
            // A postponement may come from further away than the margin.
            for (name, at, change) in self.changes.iter() {
                if name == train.name
                    && matches!(change, Change::Postponed { to: moved, .. } if (from - margin..to + margin).contains(moved))
                    && !scheduled.contains(&at)
                    && train.cadence.contains(at)
                {
                    scheduled.push(at);
                }
            }
            found.extend(
                scheduled
                    .into_iter()
                    .map(|at| self.build(train, at.with_timezone(&train.zone))),
            );
        }
        found.sort_by(|a, b| a.t0.cmp(&b.t0).then_with(|| a.train.cmp(&b.train)));
        found
    }

    fn build(&self, train: &Train, scheduled: DateTime<Tz>) -> Occurrence {
        let name = train.name.as_str();
        let (t0, status) = match self.changes.get(name, scheduled.with_timezone(&Utc)) {
            Some(Change::Postponed {
                to,
                reason,
                operator,
            }) => (
                to.with_timezone(&train.zone),
                Status::Postponed {
                    reason: reason.clone(),
                    operator: operator.clone(),
                },
            ),
            Some(Change::Skipped { reason, operator }) => (
                scheduled,
                Status::Skipped {
                    reason: reason.clone(),
                    operator: Some(operator.clone()),
                },
            ),
            None => self.apply_blackout_policy(train, scheduled),
        };
        let on_blackout = match status {
            Status::Skipped { .. } => None,
            _ => blackout_on(&self.blackouts, name, t0.date_naive()).map(|b| b.name.clone()),
        };
        let at = |offset: Option<crate::domain::offset::Offset>| {
            offset.map(|o| shift_local(t0, o.duration()).with_timezone(&Utc))
        };
        Occurrence {
            train: train.name.clone(),
            zone: train.zone,
            scheduled: scheduled.with_timezone(&Utc),
            t0: t0.with_timezone(&Utc),
            status,
            on_blackout,
            notice: at(train.notice),
            announce: at(train.announce),
            freeze: at(train.freeze),
            window_end: train.window.map(|w| t0.with_timezone(&Utc) + w),
            merge_freeze: train.merge_freeze && train.window.is_some(),
        }
    }

    fn apply_blackout_policy(
        &self,
        train: &Train,
        scheduled: DateTime<Tz>,
    ) -> (DateTime<Tz>, Status) {
        let day = scheduled.date_naive();
        let Some(blackout) = blackout_on(&self.blackouts, &train.name, day) else {
            return (scheduled, Status::Scheduled);
        };
        let step = match train.on_blackout {
            BlackoutPolicy::Flag => return (scheduled, Status::Scheduled),
            BlackoutPolicy::Skip => {
                return (
                    scheduled,
                    Status::Skipped {
                        reason: format!("falls on {}", blackout.name),
                        operator: None,
                    },
                );
            }
            BlackoutPolicy::NextWorkingDay => 1,
            BlackoutPolicy::PreviousWorkingDay => -1,
        };
        match nearest_working_day(&self.blackouts, &train.name, day, step) {
            Some(moved) => (
                resolve_local(train.zone, moved.and_time(scheduled.time())),
                Status::MovedOffBlackout {
                    blackout: blackout.name.clone(),
                },
            ),
            // A year of blackouts: leave it where it is, flagged.
            None => (scheduled, Status::Scheduled),
        }
    }
}

#[cfg(test)]
mod tests;
