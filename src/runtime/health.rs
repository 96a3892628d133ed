//! One poll task per health signal, each reporting into the mailbox at the
//! signal's interval. A slow source delays only its own signal.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::time::{Instant, MissedTickBehavior};

use super::signal_reader::SignalReader;
use crate::app::Msg;
use crate::domain::health::Signal;

/// Columns assumed until the terminal's width is known.
pub const DEFAULT_COLUMNS: u16 = 200;

/// The first poll waits this long, so that start-up draws its first frame
/// undisturbed.
const FIRST_POLL_AFTER: Duration = Duration::from_millis(150);

pub fn spawn_polls(
    signals: Vec<Signal>,
    chart: chrono::Duration,
    columns: Arc<AtomicU16>,
    mailbox: &UnboundedSender<Msg>,
) {
    let count = u32::try_from(signals.len()).unwrap_or(u32::MAX).max(1);
    for (index, signal) in signals.into_iter().enumerate() {
        let mailbox = mailbox.clone();
        let columns = columns.clone();
        let index = u32::try_from(index).unwrap_or(0);
        tokio::spawn(async move {
            let period = signal.interval.to_std().unwrap_or(Duration::from_secs(15));
            let mut reader = SignalReader::new(signal);
            // Staggered over the interval: the polls neither wake the cockpit
            // all at once nor compete with start-up.
            let first = Instant::now() + FIRST_POLL_AFTER + period / count * index;
            let mut ticks = tokio::time::interval_at(first, period);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let update = reader.read(columns.load(Ordering::Relaxed), chart).await;
                if mailbox.send(Msg::Signal(update)).is_err() {
                    return;
                }
            }
        });
    }
}
