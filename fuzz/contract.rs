// The journal reader's contract, checked on any bytes. Shared by the fuzz
// target (fuzz_targets/journal_reader.rs) and the property tests
// (tests/journal_props.rs), which `include!` it, so the tests build what the
// fuzzer runs.

/// Panics when `replay(data)` breaks the reader's contract (see
/// `session::replay`'s module doc).
pub fn check_replay_contract(data: &[u8]) {
    let replayed = release_cockpit::session::journal::replay(data);
    let len = data.len() as u64;
    // Sequence numbers of what was recovered strictly increase, and a writer
    // continues past all of them.
    assert!(replayed.records.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(replayed.records.iter().all(|r| r.seq < replayed.next_seq));
    // Complete lines end where a newline does.
    let complete = replayed.complete_len;
    assert!(complete <= len);
    assert!(complete == 0 || data[complete as usize - 1] == b'\n');
    // Only an incomplete final line is torn, and it is all that follows.
    match replayed.torn_tail {
        Some(offset) => assert!(offset == complete && complete < len),
        None => assert_eq!(complete, len),
    }
    // Skipped lines lie within the complete lines, in order, apart.
    let mut end = 0;
    for skipped in &replayed.skipped {
        assert!(skipped.offset >= end && skipped.len > 0);
        end = skipped.offset + skipped.len;
        assert!(end <= complete);
    }
}
