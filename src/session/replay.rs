//! Reading a journal back: which lines are trusted, which replay, and what is
//! reported. Never panics and never loops, whatever the bytes; linear in them.
//!
//! # The contract
//!
//! - A line is *trusted* when it is complete (ends in `\n`), UTF-8, an envelope
//!   of format version [`FORMAT_VERSION`] whose CRC-32 matches the record's
//!   exact text, and the record decodes as an event.
//! - A trusted record *replays consistently* when its sequence number is
//!   greater than that of the last record replayed. Sequence numbers strictly
//!   increase; gaps are allowed (a failed append burns its number, see
//!   `Journal::append`). A trusted record whose number repeats or goes back
//!   (a line copied twice, two files joined) is set aside: reported, left in
//!   the file, not replayed.
//! - A complete line that is not trusted (a flipped byte, garbage) is skipped
//!   and reported, and the lines after it still replay. It stays in the file:
//!   nothing that cannot be fully explained is ever cut.
//! - A line of a newer format version cannot be read by this build. It is
//!   skipped and reported, and [`Replay::newer_format`] says so: a writer must
//!   not append to such a journal (`Journal::open` refuses), a reader may show
//!   the events it understands.
//! - Only an incomplete final line (no `\n`: a write torn by a crash or a full
//!   disk) is not replayed and may be cut, after `Journal::open` has copied it
//!   aside. A follower leaves it for its next read: the writer may be midway.
//! - Blank lines are ignored.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::domain::events::Recorded;

/// The line format version written today.
pub const FORMAT_VERSION: u32 = 1;

/// A line's envelope. Only `v` is required to read: a newer format may shape
/// the rest differently, and must still be recognised as newer.
#[derive(Deserialize)]
struct Envelope<'a> {
    v: u32,
    sum: Option<String>,
    #[serde(borrow)]
    rec: Option<&'a RawValue>,
}

/// A complete line that was not replayed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// 1-based line number in the bytes read.
    pub line: u64,
    /// Byte offset where the line starts.
    pub offset: u64,
    /// Its length, newline included.
    pub len: u64,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} (byte {}, {} bytes) not replayed: {}",
            self.line, self.offset, self.len, self.reason
        )
    }
}

/// What reading a journal found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// Every record that replays, in order, sequence numbers increasing.
    pub records: Vec<Recorded>,
    /// Complete lines that did not replay; they are left where they are.
    pub skipped: Vec<Skipped>,
    /// Where an incomplete final line starts, if there is one.
    pub torn_tail: Option<u64>,
    /// The highest format version newer than this build's that a line carries.
    pub newer_format: Option<u32>,
    /// Bytes up to the end of the last complete line: where a follower
    /// continues and what a writer keeps when it cuts a torn tail.
    pub complete_len: u64,
    /// The first number a writer may hand out: past every trusted number in the
    /// file, and past one more for each record an untrusted line (torn tail
    /// included) after the highest may hold: it may have carried the next number, and a follower
    /// may have read it before it was damaged. Gaps are harmless; a number
    /// handed out twice would not be.
    pub next_seq: u64,
    /// Where `Journal::open` copied the torn tail before cutting it.
    pub set_aside: Option<super::journal::SetAside>,
}

impl Replay {
    /// One sentence per problem, for the screen and the log; empty when the
    /// journal is whole.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self.skipped.iter().map(ToString::to_string).collect();
        if let Some(version) = self.newer_format {
            problems.push(format!(
                "written by a newer release-cockpit (format {version}; this build reads format {FORMAT_VERSION}): read-only until you upgrade"
            ));
        }
        match (&self.set_aside, self.torn_tail) {
            (Some(side), _) => problems.push(side.to_string()),
            (None, Some(offset)) => problems.push(format!(
                "the last line, from byte {offset}, is incomplete (torn write) and was not replayed"
            )),
            (None, None) => {}
        }
        problems
    }
}

/// Reads every line; see the module doc for what replays.
pub fn replay(bytes: &[u8]) -> Replay {
    let mut records: Vec<Recorded> = Vec::new();
    let mut skipped = Vec::new();
    let mut torn_tail = None;
    let mut newer_format = None;
    let mut complete_len = 0u64;
    let mut highest_seq = 0u64;
    let mut untrusted_after_highest = 0u64;
    let mut offset = 0u64;
    for (index, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let len = line.len() as u64;
        let Some(text) = line.strip_suffix(b"\n") else {
            torn_tail = Some(offset);
            // Usually a write that never completed, but it may be a whole line
            // whose newline was damaged later, read by a follower meanwhile.
            untrusted_after_highest += records_in(line);
            break;
        };
        complete_len = offset + len;
        let mut skip = |reason: String| {
            skipped.push(Skipped {
                line: index as u64 + 1,
                offset,
                len,
                reason: printable(&reason),
            })
        };
        if !text.iter().all(u8::is_ascii_whitespace) {
            match decode(text) {
                Ok(record) => {
                    highest_seq = highest_seq.max(record.seq);
                    if highest_seq == record.seq {
                        untrusted_after_highest = 0;
                    }
                    match records.last() {
                        Some(last) if record.seq <= last.seq => skip(format!(
                            "sequence number {} does not follow {} (set aside)",
                            record.seq, last.seq
                        )),
                        _ => records.push(record),
                    }
                }
                Err(Untrusted::Newer(version)) => {
                    newer_format = newer_format.max(Some(version));
                    untrusted_after_highest += records_in(text);
                    skip(format!(
                        "format version {version} is newer than this build's ({FORMAT_VERSION})"
                    ));
                }
                Err(Untrusted::Damaged(reason)) => {
                    untrusted_after_highest += records_in(text);
                    skip(reason);
                }
            }
        }
        offset += len;
    }
    Replay {
        records,
        skipped,
        torn_tail,
        newer_format,
        complete_len,
        next_seq: highest_seq
            .saturating_add(1)
            .saturating_add(untrusted_after_highest),
        set_aside: None,
    }
}

/// The longest reason kept: decoder messages may quote the line.
const MAX_REASON_CHARS: usize = 200;

/// A reason fit for a terminal and a log: decoder messages quote what the line
/// says, so control characters are escaped and the length is bounded.
fn printable(reason: &str) -> String {
    let mut out: String = reason
        .chars()
        .take(MAX_REASON_CHARS)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if reason.chars().nth(MAX_REASON_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// How many records an untrusted line may have held: one, or more when a
/// damaged newline joined lines (each record names its `seq`).
fn records_in(line: &[u8]) -> u64 {
    let key = b"\"seq\":";
    let found = line.windows(key.len()).filter(|w| *w == key).count();
    (found as u64).max(1)
}

enum Untrusted {
    Newer(u32),
    Damaged(String),
}

fn decode(text: &[u8]) -> Result<Recorded, Untrusted> {
    let damaged = Untrusted::Damaged;
    let text = std::str::from_utf8(text).map_err(|_| damaged("not UTF-8".to_owned()))?;
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| damaged(format!("not a journal line: {e}")))?;
    if envelope.v > FORMAT_VERSION {
        return Err(Untrusted::Newer(envelope.v));
    }
    if envelope.v != FORMAT_VERSION {
        return Err(damaged(format!(
            "format version {} is not known to this build",
            envelope.v
        )));
    }
    let (Some(expected), Some(rec)) = (envelope.sum, envelope.rec) else {
        return Err(damaged(
            "not a journal line: it lacks `sum` or `rec`".to_owned(),
        ));
    };
    let sum = format!("{:08x}", crc32fast::hash(rec.get().as_bytes()));
    if sum != expected {
        return Err(damaged(format!(
            "checksum mismatch (line says {expected}, content gives {sum})"
        )));
    }
    serde_json::from_str(rec.get()).map_err(|e| damaged(format!("unreadable event: {e}")))
}
