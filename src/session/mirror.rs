//! The journal's mirror, as text: the local journal stays the write-ahead
//! log, and its lines are copied, in order, into chunks the cluster keeps.
//! Each mirrored line is the journal's own line (checksummed) after the
//! fence of the writer that copied it, the Lease's transition count. A
//! reader takes a line only if it comes after the last it took and its
//! fence is not older than one already taken: a writer that lost its Lease
//! (partitioned while another took over) cannot slip its late lines in.

use crate::domain::events::Recorded;

/// The most text a chunk holds before the next one is started: half of what
/// a ConfigMap may hold, so a chunk is never refused for its size.
pub const CHUNK_BYTES: usize = 512 * 1024;

/// `journal_line` (ending in `\n`) as the mirror keeps it.
pub fn mirrored_line(fence: i32, journal_line: &str) -> String {
    let line = journal_line.strip_suffix('\n').unwrap_or(journal_line);
    format!("{fence} {line}\n")
}

/// What a reader has taken of the mirror so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorRead {
    /// The newest fence taken: lines of an older one are refused.
    pub fence: i32,
    /// The last sequence number taken.
    pub last_seq: u64,
    /// Lines refused for their fence, and lines that did not replay.
    pub refused: usize,
    pub unreadable: usize,
}

/// One line taken, with the fence it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub fence: i32,
    pub recorded: Recorded,
    /// The journal's line, as the local copy writes it.
    pub line: String,
}

impl MirrorRead {
    /// A reader that has the local journal up to `last_seq`.
    pub fn after(last_seq: u64) -> Self {
        Self {
            last_seq,
            ..Self::default()
        }
    }

    /// The lines of a chunk's text not taken yet, in order.
    pub fn take(&mut self, text: &str) -> Vec<Taken> {
        let mut taken = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Some((fence, journal_line)) = line
                .split_once(' ')
                .and_then(|(f, rest)| Some((f.parse::<i32>().ok()?, rest)))
            else {
                self.unreadable += 1;
                continue;
            };
            let journal_line = format!("{journal_line}\n");
            let replayed = super::journal::replay(journal_line.as_bytes());
            let Some(recorded) = replayed.records.into_iter().next() else {
                self.unreadable += 1;
                continue;
            };
            if recorded.seq <= self.last_seq {
                // Taken already (a chunk read again after an update).
                if fence < self.fence {
                    self.refused += 1;
                }
                continue;
            }
            if fence < self.fence {
                self.refused += 1;
                continue;
            }
            self.fence = fence;
            self.last_seq = recorded.seq;
            taken.push(Taken {
                fence,
                recorded,
                line: journal_line,
            });
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::events::Event;
    use crate::session::journal::encode;

    fn line(seq: u64, step: &str) -> String {
        encode(&Recorded {
            seq,
            at: Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap(),
            operator: "alice".into(),
            event: Event::StepCompleted { step: step.into() },
        })
        .unwrap()
    }

    #[test]
    fn lines_are_taken_once_in_order() {
        let mut read = MirrorRead::after(1);
        let text: String = [line(1, "a"), line(2, "b"), line(3, "c")]
            .iter()
            .map(|l| mirrored_line(0, l))
            .collect();
        let taken = read.take(&text);
        assert_eq!(
            taken.iter().map(|t| t.recorded.seq).collect::<Vec<_>>(),
            [2, 3],
            "1 was in the local journal already"
        );
        assert_eq!(taken[0].line, line(2, "b"));
        assert!(read.take(&text).is_empty(), "read again: nothing new");
        assert_eq!(read.last_seq, 3);
    }

    #[test]
    fn a_fenced_writers_late_lines_are_refused() {
        let mut read = MirrorRead::default();
        // Alice wrote 1 and 2 at fence 0; Bob took over (fence 1) and wrote 3.
        let mut text: String = [
            mirrored_line(0, &line(1, "a")),
            mirrored_line(0, &line(2, "b")),
        ]
        .concat();
        text.push_str(&mirrored_line(1, &line(3, "c")));
        assert_eq!(read.take(&text).len(), 3);
        // Alice, partitioned, still thinks she writes: her 4 comes late.
        let late = mirrored_line(0, &line(4, "late"));
        assert!(read.take(&late).is_empty());
        assert_eq!(read.refused, 1);
        // Bob's next line is taken.
        assert_eq!(read.take(&mirrored_line(1, &line(4, "d"))).len(), 1);
    }

    #[test]
    fn a_damaged_line_is_counted_and_the_rest_taken() {
        let mut read = MirrorRead::default();
        let mut damaged = mirrored_line(0, &line(1, "a"));
        damaged = damaged.replace("\"a\"", "\"x\"");
        let text = [
            damaged,
            "garbage\n".to_owned(),
            mirrored_line(0, &line(2, "b")),
        ]
        .concat();
        let taken = read.take(&text);
        assert_eq!(taken.len(), 1);
        assert_eq!(read.unreadable, 2);
    }
}
