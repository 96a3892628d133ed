//! Property tests of the journal reader: whatever is cut off or flipped, replay
//! yields a prefix of what was written, and never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use release_cockpit::domain::events::{Event, GateOutcome, Recorded};
use release_cockpit::session::journal::{encode, replay};

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
                    duration_ms: u64::from(ms)
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_whole_journal_replays_exactly(events in prop::collection::vec(("[a-z]{1,8}", event()), 0..40)) {
        let (records, bytes) = journal(&events);
        let replayed = replay(&bytes);
        prop_assert_eq!(replayed.records, records);
        prop_assert_eq!(replayed.bad_tail, None);
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
    }

    #[test]
    fn a_flipped_byte_never_yields_a_wrong_record(events in prop::collection::vec(("[a-z]{1,8}", event()), 1..20), position in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let (records, mut bytes) = journal(&events);
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        let replayed = replay(&bytes);
        // What survives is a prefix of what was written: the checksum stops the
        // damaged line and everything after it.
        prop_assert_eq!(&replayed.records[..], &records[..replayed.records.len()]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = replay(&bytes);
    }
}
