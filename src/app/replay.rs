//! `release-cockpit replay`: a release day shown again from its journal, for
//! post-mortems. The screen's clock is the journal's: it runs `speed` times
//! faster than real time from the first line, each line is folded into the
//! Checklist as a follower folds its writer's, and a stretch with nothing in
//! the journal is jumped over rather than waited through. Pausing stops the
//! clock (and every wakeup); stepping shows the next line at once. The state;
//! `actions::replay` folds it into the model.

use chrono::{DateTime, Duration, Utc};

use crate::domain::events::{Event, Recorded};

/// How often the replayed clock moves while playing, in real time.
const TICK: Duration = Duration::milliseconds(200);
/// Real time with nothing in the journal after which the clock jumps to
/// just before the next line.
const LONGEST_QUIET: Duration = Duration::seconds(3);
pub const FASTEST: u32 = 86_400;

#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// Every line after the one that started the release, in order.
    records: Vec<Recorded>,
    /// How many of them the screen shows.
    pub shown: usize,
    /// The journal's time on screen.
    pub at: DateTime<Utc>,
    /// Journal seconds per real second.
    pub speed: u32,
    pub paused: bool,
    /// Real time of the last tick while playing; none right after a start
    /// or a pause, so the clock does not leap over the time it stood still.
    real: Option<DateTime<Utc>>,
}

impl Replay {
    pub fn new(records: Vec<Recorded>, started: DateTime<Utc>, speed: u32) -> Self {
        Self {
            records,
            shown: 0,
            at: started,
            speed: speed.clamp(1, FASTEST),
            paused: false,
            real: None,
        }
    }

    /// The lines shown so far that the Rollout pane replays: deploys,
    /// rollouts, rollbacks.
    pub fn rollout_lines(&self) -> impl DoubleEndedIterator<Item = &Recorded> {
        self.records[..self.shown].iter().filter(|r| {
            matches!(
                r.event,
                Event::DeployRequested { .. }
                    | Event::DeployFinished { .. }
                    | Event::RolloutFinished { .. }
                    | Event::ExternalRolloutSeen { .. }
                    | Event::RollbackStarted { .. }
                    | Event::RollbackItemFinished { .. }
                    | Event::RollbackVerified { .. }
                    | Event::ReleaseAbandoned { .. }
            )
        })
    }

    /// The lines shown so far that the Health pane replays: baselines,
    /// triggers, assessments.
    pub fn health_lines(&self) -> impl DoubleEndedIterator<Item = &Recorded> {
        self.records[..self.shown].iter().filter(|r| {
            matches!(
                r.event,
                Event::BaselineCaptured { .. }
                    | Event::TriggerFired { .. }
                    | Event::TriggerCleared { .. }
                    | Event::AutoRollbackCancelled { .. }
                    | Event::SeverityAssessed { .. }
                    | Event::IncidentDeclared { .. }
            )
        })
    }

    pub fn total(&self) -> usize {
        self.records.len()
    }

    pub fn finished(&self) -> bool {
        self.shown >= self.records.len()
    }

    /// The real time of the next tick: none while paused or done.
    pub fn next_tick(&self) -> Option<DateTime<Utc>> {
        if self.paused || self.finished() {
            return None;
        }
        Some(
            self.real
                .map_or(DateTime::<Utc>::UNIX_EPOCH, |real| real + TICK),
        )
    }

    fn speed(&self) -> Duration {
        Duration::seconds(i64::from(self.speed))
    }

    /// The clock moved on to `real`: the lines now due, and how long a quiet
    /// stretch was jumped over to reach them.
    pub fn advance(&mut self, real: DateTime<Utc>) -> (Vec<Recorded>, Option<Duration>) {
        if self.paused {
            return (Vec::new(), None);
        }
        let elapsed = self.real.map_or(Duration::zero(), |last| real - last);
        self.real = Some(real);
        let speed = i32::try_from(self.speed).unwrap_or(i32::MAX);
        self.at += elapsed.checked_mul(speed).unwrap_or(Duration::MAX);
        let mut jumped = None;
        if let Some(next) = self.records.get(self.shown) {
            let quiet = LONGEST_QUIET.checked_mul(speed).unwrap_or(Duration::MAX);
            if next.at - self.at > quiet {
                // Arrive a real second before it.
                let to = next.at - self.speed();
                jumped = Some(to - self.at);
                self.at = to;
            }
        }
        let mut due = Vec::new();
        while let Some(next) = self.records.get(self.shown).filter(|r| r.at <= self.at) {
            due.push(next.clone());
            self.shown += 1;
        }
        if self.finished() {
            self.paused = true;
            self.real = None;
        }
        (due, jumped)
    }

    /// Pauses, or plays on from where it stands (not leaping over the
    /// time it stood still).
    pub fn toggle_pause(&mut self) {
        self.paused = !self.paused;
        self.real = None;
    }

    /// The next line at once, paused there.
    pub fn step(&mut self) -> Option<Recorded> {
        self.paused = true;
        self.real = None;
        let next = self.records.get(self.shown)?.clone();
        self.shown += 1;
        self.at = self.at.max(next.at);
        Some(next)
    }
}
