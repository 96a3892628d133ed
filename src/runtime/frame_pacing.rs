//! When the loop draws. A change made by input (a key, a paste, a resize) is
//! drawn as soon as the input already queued has been handled, whenever the
//! last frame was drawn. A change made only by background messages (polls,
//! watches, results, the clock) waits until the last frame is one frame
//! interval old, so a burst of them shares one frame. Without that split a key
//! that lands just after a health poll's frame waited out the interval.

use std::time::Duration;

use tokio::time::Instant;

/// What made the model change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Terminal input: the operator waits on its frame.
    Input,
    /// Everything else: the mailbox and the clock.
    Background,
}

#[derive(Debug)]
pub struct FramePacing {
    interval: Duration,
    last_frame: Instant,
    input_changed: bool,
    background_changed: bool,
}

impl FramePacing {
    pub fn new(interval: Duration, first_frame: Instant) -> Self {
        Self {
            interval,
            last_frame: first_frame,
            input_changed: false,
            background_changed: false,
        }
    }

    /// The model changed and the screen does not show it yet.
    pub fn changed(&mut self, cause: Cause) {
        match cause {
            Cause::Input => self.input_changed = true,
            Cause::Background => self.background_changed = true,
        }
    }

    /// Whether a frame should be drawn now.
    pub fn due(&self, now: Instant) -> bool {
        self.input_changed || (self.background_changed && now >= self.coalesced_until())
    }

    /// When the loop must wake to draw a change it holds back, if it holds one.
    pub fn next_frame(&self) -> Option<Instant> {
        match (self.input_changed, self.background_changed) {
            (true, _) => Some(self.last_frame),
            (false, true) => Some(self.coalesced_until()),
            (false, false) => None,
        }
    }

    /// A frame showing every change so far was drawn at `at`.
    pub fn drawn(&mut self, at: Instant) {
        self.last_frame = at;
        self.input_changed = false;
        self.background_changed = false;
    }

    fn coalesced_until(&self) -> Instant {
        self.last_frame + self.interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_millis(16);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn nothing_changed_draws_nothing_and_sets_no_wake_up() {
        let start = Instant::now();
        let pacing = FramePacing::new(INTERVAL, start);
        assert!(!pacing.due(start + ms(100)));
        assert_eq!(pacing.next_frame(), None);
    }

    #[test]
    fn input_draws_at_once_even_just_after_a_frame() {
        let start = Instant::now();
        let mut pacing = FramePacing::new(INTERVAL, start);
        pacing.changed(Cause::Input);
        assert!(pacing.due(start + ms(1)));
        assert!(pacing.due(start));
    }

    #[test]
    fn background_waits_until_the_last_frame_is_one_interval_old() {
        let start = Instant::now();
        let mut pacing = FramePacing::new(INTERVAL, start);
        pacing.changed(Cause::Background);
        assert!(!pacing.due(start + ms(1)));
        assert!(!pacing.due(start + ms(15)));
        assert!(pacing.due(start + ms(16)));
        assert_eq!(pacing.next_frame(), Some(start + ms(16)));
    }

    #[test]
    fn an_input_frame_restarts_the_background_interval() {
        let start = Instant::now();
        let mut pacing = FramePacing::new(INTERVAL, start);
        pacing.changed(Cause::Input);
        pacing.drawn(start + ms(20));
        pacing.changed(Cause::Background);
        assert!(!pacing.due(start + ms(30)));
        assert_eq!(pacing.next_frame(), Some(start + ms(36)));
    }

    #[test]
    fn input_brings_a_held_back_background_change_forward() {
        // The frame input asks for shows everything, background changes included.
        let start = Instant::now();
        let mut pacing = FramePacing::new(INTERVAL, start);
        pacing.changed(Cause::Background);
        pacing.changed(Cause::Input);
        assert!(pacing.due(start + ms(2)));
        pacing.drawn(start + ms(2));
        assert!(!pacing.due(start + ms(40)));
        assert_eq!(pacing.next_frame(), None);
    }
}
