use std::sync::{Arc, Mutex};

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

fn line(seq: u64, step: &str) -> String {
    encode(&Recorded {
        seq,
        at: at(),
        operator: "alice".into(),
        event: event(step),
    })
    .unwrap()
}

fn seqs(replay: &Replay) -> Vec<u64> {
    replay.records.iter().map(|r| r.seq).collect()
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
    let (a, b) = (line(1, "x"), line(2, "y"));
    let mut bytes = format!("{a}{b}").into_bytes();
    bytes.truncate(a.len() + b.len() / 2);
    let replayed = replay(&bytes);
    assert_eq!(seqs(&replayed), [1]);
    assert_eq!(replayed.torn_tail, Some(a.len() as u64));
    assert_eq!(replayed.complete_len, a.len() as u64);
    assert_eq!(replayed.skipped, []);
}

#[test]
fn a_flipped_byte_mid_journal_skips_only_its_line() {
    let lines = [line(1, "a"), line(2, "b"), line(3, "c")];
    let corrupt = format!(
        "{}{}{}",
        lines[0],
        lines[1].replace("alice", "alicf"),
        lines[2]
    );
    let replayed = replay(corrupt.as_bytes());
    assert_eq!(seqs(&replayed), [1, 3]);
    assert_eq!(replayed.skipped.len(), 1);
    assert_eq!(replayed.skipped[0].line, 2);
    assert_eq!(replayed.skipped[0].offset, lines[0].len() as u64);
    assert!(replayed.skipped[0].reason.contains("checksum"));
    assert_eq!(replayed.torn_tail, None);
    assert_eq!(replayed.next_seq, 4);
}

#[test]
fn a_repeated_or_backward_sequence_number_is_set_aside() {
    let text = [
        line(1, "a"),
        line(3, "b"),
        line(3, "dup"),
        line(2, "back"),
        line(4, "c"),
    ]
    .concat();
    let replayed = replay(text.as_bytes());
    assert_eq!(seqs(&replayed), [1, 3, 4]);
    let set_aside: Vec<u64> = replayed.skipped.iter().map(|s| s.line).collect();
    assert_eq!(set_aside, [3, 4]);
    assert!(replayed.skipped[0].reason.contains("does not follow 3"));
}

#[test]
fn damaged_lines_after_the_highest_number_burn_a_number_each() {
    let text = format!(
        "{}{}garbage\n",
        line(1, "a"),
        line(2, "b").replace("alice", "alicf")
    );
    // Line 2 may have carried #2 and line 3 #3; a follower may have read them.
    assert_eq!(replay(text.as_bytes()).next_seq, 4);
}

#[test]
fn a_newer_format_is_reported_not_emptied() {
    let newer = line(2, "b").replace("{\"v\":1,", "{\"v\":2,");
    let text = format!("{}{newer}{}", line(1, "a"), line(3, "c"));
    let replayed = replay(text.as_bytes());
    assert_eq!(replayed.newer_format, Some(2));
    assert_eq!(seqs(&replayed), [1, 3]);
    assert!(
        replayed
            .problems()
            .iter()
            .any(|p| p.contains("newer release-cockpit"))
    );
}

#[test]
fn open_refuses_to_write_a_newer_format_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let text = format!(
        "{}{}{{\"v\":1,\"su",
        line(1, "a").replace("{\"v\":1,", "{\"v\":7,"),
        line(2, "b")
    );
    std::fs::write(&path, &text).unwrap();
    let error = Journal::open(&path)
        .err()
        .expect("a newer format is refused");
    assert!(
        matches!(error, JournalError::NewerFormat { version: 7, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("read-only"), "{error}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "not even the torn tail is cut"
    );
}

#[test]
fn open_keeps_a_damaged_middle_line_in_place_and_appends_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let text = format!(
        "{}{}{}",
        line(1, "a"),
        line(2, "b").replace("alice", "alicf"),
        line(3, "c")
    );
    std::fs::write(&path, &text).unwrap();
    let (mut journal, replayed) = Journal::open(&path).unwrap();
    assert_eq!(seqs(&replayed), [1, 3]);
    assert_eq!(replayed.set_aside, None);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "nothing is cut"
    );
    assert_eq!(journal.append("bob", at(), event("d")).unwrap().seq, 4);
    drop(journal);
    let (_, again) = Journal::open(&path).unwrap();
    assert_eq!(seqs(&again), [1, 3, 4]);
    assert_eq!(again.skipped.len(), 1);
}

/// Storage in memory that fails the way a full disk does, on cue.
#[derive(Clone, Default)]
struct Faulty {
    bytes: Arc<Mutex<Vec<u8>>>,
    /// The next append writes only half its bytes, then fails.
    fail_write: Arc<Mutex<bool>>,
    /// The next sync fails (after a whole line was written).
    fail_sync: Arc<Mutex<bool>>,
    /// Cuts fail while set.
    fail_cut: Arc<Mutex<bool>>,
}

fn take(flag: &Mutex<bool>) -> bool {
    std::mem::take(&mut *flag.lock().unwrap())
}

impl Storage for Faulty {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut file = self.bytes.lock().unwrap();
        if take(&self.fail_write) {
            file.extend_from_slice(&bytes[..bytes.len() / 2]);
            return Err(io::Error::from_raw_os_error(28)); // ENOSPC
        }
        file.extend_from_slice(bytes);
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        if take(&self.fail_sync) {
            return Err(io::Error::from_raw_os_error(5)); // EIO
        }
        Ok(())
    }

    fn cut(&mut self, len: u64) -> io::Result<()> {
        if *self.fail_cut.lock().unwrap() {
            return Err(io::Error::from_raw_os_error(5));
        }
        self.bytes.lock().unwrap().truncate(len as usize);
        Ok(())
    }
}

fn faulty_journal() -> (Journal, Faulty) {
    let storage = Faulty::default();
    let journal = Journal::with_storage(Path::new("mem.jsonl"), Box::new(storage.clone()), 0, 1);
    (journal, storage)
}

#[test]
fn a_failed_write_is_cut_back_and_later_appends_replay() {
    let (mut journal, storage) = faulty_journal();
    journal.append("a", at(), event("one")).unwrap();
    let good = storage.bytes.lock().unwrap().clone();
    *storage.fail_write.lock().unwrap() = true;
    let error = journal.append("a", at(), event("two")).unwrap_err();
    assert!(
        error.to_string().contains("event #2 was not recorded"),
        "{error}"
    );
    assert_eq!(
        *storage.bytes.lock().unwrap(),
        good,
        "the fragment is cut off"
    );
    let three = journal.append("a", at(), event("three")).unwrap();
    assert_eq!(three.seq, 3, "the failed number is not handed out again");
    let replayed = replay(&storage.bytes.lock().unwrap());
    assert_eq!(seqs(&replayed), [1, 3]);
    assert_eq!((replayed.skipped, replayed.torn_tail), (vec![], None));
}

#[test]
fn a_failed_sync_cuts_the_whole_unsynced_line() {
    let (mut journal, storage) = faulty_journal();
    journal.append("a", at(), event("one")).unwrap();
    *storage.fail_sync.lock().unwrap() = true;
    assert!(journal.append("a", at(), event("two")).is_err());
    journal.append("a", at(), event("three")).unwrap();
    let replayed = replay(&storage.bytes.lock().unwrap());
    assert_eq!(seqs(&replayed), [1, 3]);
}

#[test]
fn a_fragment_that_cannot_be_cut_blocks_appends_until_it_can() {
    let (mut journal, storage) = faulty_journal();
    journal.append("a", at(), event("one")).unwrap();
    *storage.fail_write.lock().unwrap() = true;
    *storage.fail_cut.lock().unwrap() = true;
    let error = journal.append("a", at(), event("two")).unwrap_err();
    assert!(error.to_string().contains("could not be cut"), "{error}");
    let error = journal.append("a", at(), event("three")).unwrap_err();
    assert!(matches!(error, JournalError::Uncut { .. }), "{error}");
    *storage.fail_cut.lock().unwrap() = false;
    assert_eq!(journal.append("a", at(), event("four")).unwrap().seq, 3);
    let replayed = replay(&storage.bytes.lock().unwrap());
    assert_eq!(seqs(&replayed), [1, 3]);
    assert_eq!((replayed.skipped, replayed.torn_tail), (vec![], None));
}

#[test]
fn reasons_quote_no_control_characters_and_stay_short() {
    let hostile = format!(
        "{{\"v\":1,\"sum\":\"\\u001b[2J{}\",\"rec\":{{}}}}\n",
        "x".repeat(500)
    );
    let replayed = replay(hostile.as_bytes());
    let reason = &replayed.skipped[0].reason;
    assert!(!reason.chars().any(char::is_control), "{reason:?}");
    assert!(reason.contains("\\u{1b}[2J"), "{reason}");
    assert!(reason.chars().count() < 300, "{}", reason.len());
}
