//! One release's journal: JSON lines, each an envelope with a format version, a
//! CRC-32 of the record's exact text, and the record. Appends are fsync'ed before
//! they are reported, so what the screen shows as done is on disk. How a journal
//! reads back is in `session::replay`.
//!
//! # A failed append
//!
//! A write or sync that fails (a full disk, an I/O error) may leave a fragment
//! of the line, or the whole line unsynced. The journal cuts the file back to
//! its last good length at once, and before any later append if that cut failed
//! too (it refuses to append until the cut succeeds), so no later event lands
//! after a fragment. The failed event's sequence number is burned: it is never
//! handed out again by this journal, because a follower may have read a line
//! that was written but whose sync failed. Replay allows such gaps.
//!
//! A number burned this way leaves no trace on disk, so a writer that starts
//! after a crash may hand it out again. Only a follower that read the cut line
//! (a sync that failed after its write succeeded) can have seen it; it goes on
//! from the cut (`runtime::follow`) but would pass over the reused number. That
//! takes a failed sync and then a crash before the next good append; closing
//! it would need the number written somewhere durable, which a full disk is not.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::domain::events::{Event, Recorded};

pub use super::replay::{FORMAT_VERSION, Replay, Skipped, replay};

#[derive(Debug)]
pub enum JournalError {
    Io {
        path: PathBuf,
        error: io::Error,
    },
    Encode(serde_json::Error),
    /// A line carries a newer format version: this build must not append.
    NewerFormat {
        path: PathBuf,
        version: u32,
    },
    /// The append failed; the file was cut back to `len` unless `cut` says why
    /// it could not be.
    Append {
        path: PathBuf,
        seq: u64,
        error: io::Error,
        len: u64,
        cut: Option<io::Error>,
    },
    /// An earlier failed append left bytes that could not be cut off yet.
    Uncut {
        path: PathBuf,
        len: u64,
        error: io::Error,
    },
}

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "{error}: journal {}", path.display()),
            Self::Encode(error) => write!(f, "cannot encode the event: {error}"),
            Self::NewerFormat { path, version } => write!(
                f,
                "journal {} is written by a newer release-cockpit (format {version}; this build writes format {FORMAT_VERSION}): opened read-only; upgrade release-cockpit to write to it",
                path.display()
            ),
            Self::Append {
                path,
                seq,
                error,
                len,
                cut: None,
            } => write!(
                f,
                "event #{seq} was not recorded: {error}; journal {} is cut back to its last good line (byte {len}); free space and try again",
                path.display()
            ),
            Self::Append {
                path,
                seq,
                error,
                len,
                cut: Some(cut),
            } => write!(
                f,
                "event #{seq} was not recorded: {error}; and the fragment after byte {len} of journal {} could not be cut ({cut}): nothing more is written until it can be",
                path.display()
            ),
            Self::Uncut { path, len, error } => write!(
                f,
                "nothing was recorded: a fragment after byte {len} left by a failed append still cannot be cut ({error}) from journal {}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for JournalError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub offset: u64,
    pub bytes: u64,
    pub reason: String,
    pub side_file: PathBuf,
}

impl std::fmt::Display for SetAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Why first: the side file's path is long and a status bar is not.
        write!(
            f,
            "{} bytes from byte {}: {}; set aside in {}",
            self.bytes,
            self.offset,
            self.reason,
            self.side_file.display()
        )
    }
}

/// Copies the torn tail to a side file next to the journal, synced, then cuts
/// the journal back to its complete lines.
fn set_aside(path: &Path, file: &File, bytes: &[u8], offset: u64) -> io::Result<SetAside> {
    let reason = "the last line is incomplete (torn write)";
    let start = usize::try_from(offset)
        .unwrap_or(bytes.len())
        .min(bytes.len());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut side_path = path.as_os_str().to_owned();
    side_path.push(format!(".{stamp}.tail"));
    let side_file = PathBuf::from(side_path);
    let mut side = crate::config::paths::private_file()
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

/// Where a journal's lines go: the file, or in tests a writer that fails on cue.
pub trait Storage: Send {
    /// Writes all of `bytes` at the end.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes what was appended durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Cuts the file back to `len` bytes, durably.
    fn cut(&mut self, len: u64) -> io::Result<()>;
}

impl Storage for File {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }

    fn cut(&mut self, len: u64) -> io::Result<()> {
        self.set_len(len)?;
        self.sync_all()
    }
}

pub struct Journal {
    path: PathBuf,
    file: Box<dyn Storage>,
    next_seq: u64,
    /// Bytes of complete, synced lines: what a failed append is cut back to.
    len: u64,
    /// A failed append may have left bytes past `len`.
    needs_cut: bool,
}

impl Journal {
    /// Opens (creating) the journal at `path` and replays what it holds. A torn
    /// last line is copied aside and cut; nothing else in the file changes. A
    /// journal with lines of a newer format is refused untouched
    /// ([`JournalError::NewerFormat`]): read it with [`replay`] instead.
    pub fn open(path: &Path) -> Result<(Self, Replay), JournalError> {
        let io = |error| JournalError::Io {
            path: path.to_path_buf(),
            error,
        };
        if let Some(dir) = path.parent() {
            crate::config::paths::create_private_dir_all(dir).map_err(io)?;
        }
        let mut file = crate::config::paths::private_file()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let mut replay = replay(&bytes);
        if let Some(version) = replay.newer_format {
            return Err(JournalError::NewerFormat {
                path: path.to_path_buf(),
                version,
            });
        }
        if let Some(offset) = replay.torn_tail {
            replay.set_aside = Some(set_aside(path, &file, &bytes, offset).map_err(io)?);
        }
        for skipped in &replay.skipped {
            tracing::warn!(journal = %path.display(), %skipped, "journal line kept but not replayed");
        }
        let journal =
            Self::with_storage(path, Box::new(file), replay.complete_len, replay.next_seq);
        Ok((journal, replay))
    }

    /// A journal over any storage that already holds `len` bytes of lines, the
    /// next number to hand out being `next_seq`.
    pub fn with_storage(path: &Path, file: Box<dyn Storage>, len: u64, next_seq: u64) -> Self {
        Self {
            path: path.to_path_buf(),
            file,
            next_seq,
            len,
            needs_cut: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The number of the last event recorded (0: none yet).
    pub fn last_seq(&self) -> u64 {
        self.next_seq.saturating_sub(1)
    }

    /// Appends an event and syncs it to disk; returns it as recorded. On error
    /// nothing is recorded and the file holds only its complete lines (see the
    /// module doc).
    pub fn append(
        &mut self,
        operator: &str,
        at: DateTime<Utc>,
        event: Event,
    ) -> Result<Recorded, JournalError> {
        if self.needs_cut {
            self.file
                .cut(self.len)
                .map_err(|error| JournalError::Uncut {
                    path: self.path.clone(),
                    len: self.len,
                    error,
                })?;
            self.needs_cut = false;
        }
        let recorded = Recorded {
            seq: self.next_seq,
            at,
            operator: operator.to_owned(),
            event,
        };
        let line = encode(&recorded)?;
        // Burned whatever happens next: a line whose sync fails may be read.
        self.next_seq += 1;
        let written = self
            .file
            .append(line.as_bytes())
            .and_then(|()| self.file.sync());
        match written {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(recorded)
            }
            Err(error) => {
                let cut = self.file.cut(self.len).err();
                self.needs_cut = cut.is_some();
                tracing::error!(journal = %self.path.display(), seq = recorded.seq, %error, cut_failed = ?cut, "journal append failed");
                Err(JournalError::Append {
                    path: self.path.clone(),
                    seq: recorded.seq,
                    error,
                    len: self.len,
                    cut,
                })
            }
        }
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

#[cfg(test)]
mod tests;
