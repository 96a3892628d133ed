//! The journal reader must accept any bytes: keep every trusted record that
//! replays consistently, report the rest, and never panic, loop or allocate
//! without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../contract.rs");

fuzz_target!(|data: &[u8]| {
    check_replay_contract(data);
});
