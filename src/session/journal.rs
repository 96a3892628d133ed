//! One release's journal: JSON lines, each an envelope with a format version, a
//! CRC-32 of the record's exact text, and the record. Appends are fsync'ed before
//! they are reported, so what the screen shows as done is on disk.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::domain::events::{Event, Recorded};

/// The line format version written today.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Envelope<'a> {
    v: u32,
    sum: String,
    #[serde(borrow)]
    rec: &'a RawValue,
}

#[derive(Debug)]
pub enum JournalError {
    Io { path: PathBuf, error: io::Error },
    Encode(serde_json::Error),
}

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "journal {}: {error}", path.display()),
            Self::Encode(error) => write!(f, "cannot encode the event: {error}"),
        }
    }
}

impl std::error::Error for JournalError {}

/// What reading a journal found: the valid records, and where reading stopped
/// if the rest could not be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub records: Vec<Recorded>,
    /// Byte offset of the first line that failed to parse or check, and why.
    pub bad_tail: Option<(u64, String)>,
    /// Where `Journal::open` moved that tail, so appends continue after the
    /// last valid line and nothing is thrown away.
    pub set_aside: Option<SetAside>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub offset: u64,
    pub bytes: u64,
    pub reason: String,
    pub side_file: PathBuf,
}

impl std::fmt::Display for SetAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} bytes from byte {} set aside in {} ({})",
            self.bytes,
            self.offset,
            self.side_file.display(),
            self.reason
        )
    }
}

/// Copies the untrusted tail to a side file next to the journal, synced, then
/// cuts the journal back to its valid prefix.
fn set_aside(
    path: &Path,
    file: &File,
    bytes: &[u8],
    offset: u64,
    reason: &str,
) -> io::Result<SetAside> {
    let start = usize::try_from(offset)
        .unwrap_or(bytes.len())
        .min(bytes.len());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut side_path = path.as_os_str().to_owned();
    side_path.push(format!(".{stamp}.tail"));
    let side_file = PathBuf::from(side_path);
    let mut side = crate::paths::private_file()
        .create_new(true)
        .write(true)
        .open(&side_file)?;
    side.write_all(&bytes[start..])?;
    side.sync_all()?;
    file.set_len(offset)?;
    file.sync_all()?;
    tracing::warn!(journal = %path.display(), offset, bytes = bytes.len() - start, reason, side_file = %side_file.display(), "journal tail set aside");
    Ok(SetAside {
        offset,
        bytes: (bytes.len() - start) as u64,
        reason: reason.to_owned(),
        side_file,
    })
}

pub struct Journal {
    path: PathBuf,
    file: File,
    next_seq: u64,
}

impl Journal {
    /// Opens (creating) the journal at `path` and replays what it holds.
    pub fn open(path: &Path) -> Result<(Self, Replay), JournalError> {
        let io = |error| JournalError::Io {
            path: path.to_path_buf(),
            error,
        };
        if let Some(dir) = path.parent() {
            crate::paths::create_private_dir_all(dir).map_err(io)?;
        }
        let mut file = crate::paths::private_file()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let mut replay = replay(&bytes);
        if let Some((offset, reason)) = &replay.bad_tail {
            replay.set_aside = Some(set_aside(path, &file, &bytes, *offset, reason).map_err(io)?);
        }
        let next_seq = replay.records.last().map_or(1, |r| r.seq + 1);
        Ok((
            Self {
                path: path.to_path_buf(),
                file,
                next_seq,
            },
            replay,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends an event and syncs it to disk; returns it as recorded.
    pub fn append(
        &mut self,
        operator: &str,
        at: DateTime<Utc>,
        event: Event,
    ) -> Result<Recorded, JournalError> {
        let recorded = Recorded {
            seq: self.next_seq,
            at,
            operator: operator.to_owned(),
            event,
        };
        let line = encode(&recorded)?;
        let io = |error| JournalError::Io {
            path: self.path.clone(),
            error,
        };
        self.file.write_all(line.as_bytes()).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.next_seq += 1;
        Ok(recorded)
    }
}

/// One journal line, newline included.
pub fn encode(recorded: &Recorded) -> Result<String, JournalError> {
    let body = serde_json::to_string(recorded).map_err(JournalError::Encode)?;
    let sum = format!("{:08x}", crc32fast::hash(body.as_bytes()));
    Ok(format!(
        "{{\"v\":{FORMAT_VERSION},\"sum\":\"{sum}\",\"rec\":{body}}}\n"
    ))
}

/// Every valid record up to the first line that is torn, corrupt or out of
/// sequence; never panics, whatever the bytes.
pub fn replay(bytes: &[u8]) -> Replay {
    let mut records: Vec<Recorded> = Vec::new();
    let mut offset = 0u64;
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let complete = line.ends_with(b"\n");
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        if text.iter().all(u8::is_ascii_whitespace) && complete {
            offset += line.len() as u64;
            continue;
        }
        let parsed = if complete {
            decode(text)
        } else {
            Err("the last line is incomplete (torn write)".to_owned())
        };
        match parsed {
            Ok(record) if records.last().is_none_or(|last| record.seq > last.seq) => {
                records.push(record)
            }
            Ok(record) => {
                return Replay {
                    records,
                    set_aside: None,
                    bad_tail: Some((
                        offset,
                        format!(
                            "sequence number {} does not follow the previous one",
                            record.seq
                        ),
                    )),
                };
            }
            Err(reason) => {
                return Replay {
                    records,
                    bad_tail: Some((offset, reason)),
                    set_aside: None,
                };
            }
        }
        offset += line.len() as u64;
    }
    Replay {
        records,
        bad_tail: None,
        set_aside: None,
    }
}

fn decode(text: &[u8]) -> Result<Recorded, String> {
    let text = std::str::from_utf8(text).map_err(|_| "not UTF-8".to_owned())?;
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| format!("not a journal line: {e}"))?;
    if envelope.v != FORMAT_VERSION {
        return Err(format!(
            "format version {} is not known to this build",
            envelope.v
        ));
    }
    let sum = format!("{:08x}", crc32fast::hash(envelope.rec.get().as_bytes()));
    if sum != envelope.sum {
        return Err(format!(
            "checksum mismatch (line says {}, content gives {sum})",
            envelope.sum
        ));
    }
    serde_json::from_str(envelope.rec.get()).map_err(|e| format!("unreadable event: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(step: &str) -> Event {
        Event::StepCompleted {
            step: step.to_owned(),
        }
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap()
    }

    #[test]
    fn appends_survive_reopening_with_sequence_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("releases/r.jsonl");
        let (mut journal, replayed) = Journal::open(&path).unwrap();
        assert!(replayed.records.is_empty());
        let first = journal.append("alice", at(), event("a")).unwrap();
        let second = journal.append("bob", at(), event("b")).unwrap();
        assert_eq!((first.seq, second.seq), (1, 2));
        drop(journal);
        let (mut journal, replayed) = Journal::open(&path).unwrap();
        assert_eq!(replayed.records, vec![first, second]);
        assert_eq!(journal.append("alice", at(), event("c")).unwrap().seq, 3);
    }

    #[test]
    fn a_torn_last_line_keeps_everything_before_it() {
        let a = encode(&Recorded {
            seq: 1,
            at: at(),
            operator: "a".into(),
            event: event("x"),
        })
        .unwrap();
        let b = encode(&Recorded {
            seq: 2,
            at: at(),
            operator: "a".into(),
            event: event("y"),
        })
        .unwrap();
        let mut bytes = format!("{a}{b}").into_bytes();
        bytes.truncate(a.len() + b.len() / 2);
        let replayed = replay(&bytes);
        assert_eq!(replayed.records.len(), 1);
        assert_eq!(
            replayed.bad_tail.as_ref().map(|(o, _)| *o),
            Some(a.len() as u64)
        );
    }

    #[test]
    fn a_flipped_byte_fails_the_checksum() {
        let line = encode(&Recorded {
            seq: 1,
            at: at(),
            operator: "alice".into(),
            event: event("x"),
        })
        .unwrap();
        let corrupt = line.replace("alice", "alicf");
        let replayed = replay(corrupt.as_bytes());
        assert!(replayed.records.is_empty());
        assert!(replayed.bad_tail.unwrap().1.contains("checksum"));
    }
}
