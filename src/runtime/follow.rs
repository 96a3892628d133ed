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

/// Starts following `path` from byte `offset`, past sequence number `last_seq`.
pub fn follow(
    path: PathBuf,
    mut offset: u64,
    mut last_seq: u64,
    mailbox: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(POLL);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        while !mailbox.is_closed() {
            ticks.tick().await;
            let Ok((bytes, len)) = read_from(&path, offset) else {
                continue;
            };
            if len < offset {
                // The writer cut a failed append back to its last good line:
                // the next line it writes starts at the new end.
                offset = len;
                continue;
            }
            if bytes.is_empty() {
                continue;
            }
            // A line still being written is left for the next read.
            let replayed = replay(&bytes);
            offset += replayed.complete_len;
            for recorded in replayed.records {
                if recorded.seq > last_seq {
                    last_seq = recorded.seq;
                    let _ = mailbox.send(Msg::Followed(recorded));
                }
            }
        }
    })
}

/// The bytes from `offset` on, and the file's length.
fn read_from(path: &PathBuf, offset: u64) -> std::io::Result<(Vec<u8>, u64)> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len <= offset {
        return Ok((Vec::new(), len));
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok((bytes, len))
}
