//! The journal reader must accept any bytes: recover a prefix of valid records,
//! report where it stopped, and never panic, loop or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use release_cockpit::session::journal::replay;

fuzz_target!(|data: &[u8]| {
    let replayed = replay(data);
    // Sequence numbers of what was recovered always increase.
    assert!(replayed.records.windows(2).all(|w| w[0].seq < w[1].seq));
    if let Some((offset, _)) = replayed.bad_tail {
        assert!(offset as usize <= data.len());
    }
});
