//! Following a journal that another cockpit writes: every quarter second, read
//! what was appended and post each complete record as `Msg::Followed`.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use crate::app::Msg;
use crate::session::journal::replay;

const POLL: Duration = Duration::from_millis(250);
/// How often the writer's lock is looked at: a writer that is gone lets go
/// of it (the OS drops the lock with the process).
const WRITER_CHECK_EVERY: u32 = 8;

/// Starts following `path` from byte `offset`, past sequence number `last_seq`.
/// When nobody holds the release's lock any more (`lock`, beside it), it says
/// `Msg::WriterGone` once and goes on following.
pub fn follow(
    path: PathBuf,
    mut offset: u64,
    mut last_seq: u64,
    mailbox: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    let lock = path.with_extension("lock");
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(POLL);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut polls = 0u32;
        let mut writer_gone = false;
        while !mailbox.is_closed() {
            ticks.tick().await;
            polls = polls.wrapping_add(1);
            if !writer_gone
                && polls.is_multiple_of(WRITER_CHECK_EVERY)
                && let Ok(None) = crate::session::lock::current_holder(&lock)
            {
                writer_gone = true;
                tracing::warn!(lock = %lock.display(), "the writer of the followed release is gone");
                let _ = mailbox.send(Msg::WriterGone);
            }
            let Ok(bytes) = read_from(&path, offset) else {
                continue;
            };
            if bytes.is_empty() {
                continue;
            }
            // A line still being written is left for the next read.
            let replayed = replay(&bytes);
            offset += replayed
                .bad_tail
                .as_ref()
                .map_or(bytes.len() as u64, |(at, _)| *at);
            for recorded in replayed.records {
                if recorded.seq > last_seq {
                    last_seq = recorded.seq;
                    let _ = mailbox.send(Msg::Followed(recorded));
                }
            }
        }
    })
}

fn read_from(path: &PathBuf, offset: u64) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() <= offset {
        return Ok(Vec::new());
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}
