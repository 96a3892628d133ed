//! Property tests of the journal reader: whatever is cut off, flipped or
//! repeated, replay keeps every other valid event, never yields a record that
//! was not written, and never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use release_cockpit::domain::events::{Event, GateOutcome, Recorded};
use release_cockpit::session::journal::{encode, replay};

include!("../fuzz/contract.rs");

fn event() -> impl Strategy<Value = Event> {
    let step = "[a-z-]{1,12}";
    let text = "\\PC{0,40}";
    prop_oneof![
        step.prop_map(|step| Event::StepCompleted { step }),
        (step, text).prop_map(|(step, reason)| Event::StepSkipped { step, reason }),
        step.prop_map(|step| Event::ApprovalGiven { step }),
        (step, text).prop_map(|(step, text)| Event::NoteAdded { step, text }),
        step.prop_map(|step| Event::GateStarted { step }),
        (step, any::<bool>(), text, text, any::<u32>()).prop_map(
            |(step, passed, summary, output, ms)| Event::GateFinished {
                step,
                outcome: GateOutcome {
                    passed,
                    summary,
                    output,
                    duration_ms: u64::from(ms),
                    released: Vec::new(),
                },
            }
        ),
        step.prop_map(|step| Event::StepUndone { step }),
    ]
}

fn journal(events: &[(String, Event)]) -> (Vec<Recorded>, Vec<u8>) {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
    let records: Vec<Recorded> = events
        .iter()
        .enumerate()
        .map(|(i, (operator, event))| Recorded {
            seq: i as u64 + 1,
            at: start + chrono::Duration::seconds(i as i64),
            operator: operator.clone(),
            event: event.clone(),
        })
        .collect();
    let bytes = records
        .iter()
        .map(|r| encode(r).unwrap())
        .collect::<String>()
        .into_bytes();
    (records, bytes)
}

/// Each line's byte range, newline included.
fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut start = 0;
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(|line| {
            let span = (start, start + line.len());
            start += line.len();
            span
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_whole_journal_replays_exactly(events in prop::collection::vec(("[a-z]{1,8}", event()), 0..40)) {
        let (records, bytes) = journal(&events);
        let replayed = replay(&bytes);
        prop_assert_eq!(replayed.records, records);
        prop_assert_eq!(replayed.skipped, vec![]);
        prop_assert_eq!(replayed.torn_tail, None);
        prop_assert_eq!(replayed.complete_len, bytes.len() as u64);
    }

    #[test]
    fn a_cut_journal_replays_a_prefix(events in prop::collection::vec(("[a-z]{1,8}", event()), 1..40), cut in any::<prop::sample::Index>()) {
        let (records, bytes) = journal(&events);
        let at = cut.index(bytes.len() + 1);
        let replayed = replay(&bytes[..at]);
        prop_assert!(replayed.records.len() <= records.len());
        prop_assert_eq!(&replayed.records[..], &records[..replayed.records.len()]);
        // Everything complete before the cut is kept.
        let complete_lines = bytes[..at].iter().filter(|b| **b == b'\n').count();
        prop_assert_eq!(replayed.records.len(), complete_lines);
        prop_assert_eq!(replayed.torn_tail.is_some(), at > 0 && bytes[at - 1] != b'\n');
        prop_assert_eq!(replayed.skipped, vec![]);
    }

    #[test]
    fn a_flipped_byte_keeps_every_other_event(events in prop::collection::vec(("[a-z]{1,8}", event()), 1..20), position in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let (records, mut bytes) = journal(&events);
        let spans = line_spans(&bytes);
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        let replayed = replay(&bytes);
        let hit = spans.iter().position(|(start, end)| (*start..*end).contains(&at)).unwrap();
        // A flipped newline joins its line to the next one.
        let newline_hit = at + 1 == spans[hit].1;
        let expected: Vec<Recorded> = records
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != hit && !(newline_hit && *i == hit + 1))
            .map(|(_, r)| r.clone())
            .collect();
        // Every untouched line replays, and the damaged one does not: CRC-32
        // catches any flip in the record, and a flip in the envelope breaks
        // its JSON, its checksum text or its version.
        prop_assert_eq!(&replayed.records, &expected);
        prop_assert!(replayed.records.windows(2).all(|w| w[0].seq < w[1].seq));
        prop_assert!(replayed.next_seq > records.last().unwrap().seq);
    }

    #[test]
    fn a_repeated_line_is_set_aside_and_the_rest_kept(events in prop::collection::vec(("[a-z]{1,8}", event()), 2..20), which in any::<prop::sample::Index>(), to in any::<prop::sample::Index>()) {
        let (records, bytes) = journal(&events);
        let spans = line_spans(&bytes);
        let (start, end) = spans[which.index(spans.len())];
        // Copy one line to a later line boundary: its number goes back there.
        let later: Vec<usize> = spans.iter().map(|(_, e)| *e).filter(|e| *e >= end).collect();
        let at = later[to.index(later.len())];
        let mut copied = bytes[..at].to_vec();
        copied.extend_from_slice(&bytes[start..end]);
        copied.extend_from_slice(&bytes[at..]);
        let replayed = replay(&copied);
        prop_assert_eq!(&replayed.records, &records);
        prop_assert_eq!(replayed.skipped.len(), 1);
    }
    #[test]
    fn arbitrary_bytes_keep_the_fuzz_contract(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_replay_contract(&bytes);
    }

    #[test]
    fn damaged_journals_keep_the_fuzz_contract(events in prop::collection::vec(("[a-z]{1,8}", event()), 1..20), damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6), cut in any::<prop::sample::Index>()) {
        let (_, mut bytes) = journal(&events);
        for (at, byte) in damage {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let at = cut.index(bytes.len() + 1);
        check_replay_contract(&bytes[..at]);
    }
}
