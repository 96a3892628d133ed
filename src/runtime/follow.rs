//! Following a journal that another cockpit writes: every quarter second, read
//! what was appended and post each complete record as `Msg::Followed`.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
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
/// `watch_writer` is false when no writer was seen holding the lock (a
/// journal this build may not write): its lock being free says nothing.
pub fn follow(
    path: PathBuf,
    mut offset: u64,
    mut last_seq: u64,
    watch_writer: bool,
    mailbox: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    let lock = path.with_extension("lock");
    // Every line is posted with the release it is from: one that arrives
    // after a switch is not folded into the next release.
    let release = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(POLL);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut polls = 0u32;
        let mut writer_gone = !watch_writer;
        while !mailbox.is_closed() {
            ticks.tick().await;
            polls = polls.wrapping_add(1);
            if !writer_gone
                && polls.is_multiple_of(WRITER_CHECK_EVERY)
                && let Ok(Ok(None)) =
                    off_the_loop(&lock, crate::session::lock::current_holder).await
            {
                writer_gone = true;
                tracing::warn!(lock = %lock.display(), "the writer of the followed release is gone");
                let _ = mailbox.send(Msg::WriterGone);
            }
            let Ok(Ok((bytes, len))) =
                off_the_loop(&path, move |path| read_from(path, offset)).await
            else {
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
                    let _ = mailbox.send(Msg::Followed {
                        release: release.clone(),
                        recorded,
                    });
                }
            }
        }
    })
}

/// `read` of `path` on the blocking pool: the poll task shares the runtime's
/// few workers with the loop's other tasks.
async fn off_the_loop<T: Send + 'static>(
    path: &Path,
    read: impl FnOnce(&Path) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || read(&path)).await
}

/// The bytes from `offset` on, and the file's length.
fn read_from(path: &Path, offset: u64) -> std::io::Result<(Vec<u8>, u64)> {
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use chrono::Utc;
    use tokio::sync::mpsc::unbounded_channel;

    use super::*;
    use crate::domain::events::{Event, Recorded};
    use crate::session::journal::encode;

    fn line(seq: u64, step: &str) -> String {
        encode(&Recorded {
            seq,
            at: Utc::now(),
            operator: "alice".into(),
            event: Event::StepCompleted { step: step.into() },
        })
        .unwrap()
    }

    fn append(path: &std::path::Path, text: &str) {
        let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        file.write_all(text.as_bytes()).unwrap();
    }

    async fn next_seq(mailbox: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> u64 {
        let msg = tokio::time::timeout(Duration::from_secs(5), mailbox.recv())
            .await
            .expect("the follower posts within 5 s")
            .expect("the mailbox is open");
        match msg {
            Msg::Followed { recorded, .. } => recorded.seq,
            _ => panic!("only Followed is posted"),
        }
    }

    #[tokio::test]
    async fn a_journal_cut_back_by_its_writer_is_followed_from_its_new_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let first = line(1, "a");
        std::fs::write(&path, &first).unwrap();
        let (tx, mut mailbox) = unbounded_channel();
        let task = follow(path.clone(), first.len() as u64, 1, true, tx);
        // A line whose sync then fails: the follower may read it first.
        append(&path, &line(2, "unsynced"));
        assert_eq!(next_seq(&mut mailbox).await, 2);
        // The writer cuts it back and, its number burned, writes #3: longer
        // than #2, so a follower reading on from its old offset would start
        // inside it.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(first.len() as u64)
            .unwrap();
        tokio::time::sleep(POLL * 2).await;
        append(&path, &line(3, "a-much-longer-step-name-than-before"));
        assert_eq!(next_seq(&mut mailbox).await, 3);
        task.abort();
    }
}
