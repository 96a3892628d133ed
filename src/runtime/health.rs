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

/// The first polls wait this long, so that start-up draws its first frame
/// undisturbed.
const FIRST_POLL_AFTER: Duration = Duration::from_millis(150);

pub fn spawn_polls(
    signals: Vec<Signal>,
    chart: chrono::Duration,
    columns: Arc<AtomicU16>,
    mailbox: &UnboundedSender<Msg>,
) {
    // One start for all: signals of one interval answer together, and the
    // loop draws their readings in one frame.
    let first = Instant::now() + FIRST_POLL_AFTER;
    for signal in signals {
        let mailbox = mailbox.clone();
        let columns = columns.clone();
        tokio::spawn(async move {
            let period = signal.interval.to_std().unwrap_or(Duration::from_secs(15));
            let mut reader = SignalReader::new(signal);
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
