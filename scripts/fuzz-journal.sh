#!/usr/bin/env bash
# Fuzzes the journal reader with cargo fuzz (libFuzzer + AddressSanitizer) for
# SECONDS_FUZZ seconds (default 60). The toolchain here is stable; cargo fuzz
# needs unstable compiler flags, which RUSTC_BOOTSTRAP=1 allows.
#
#   scripts/fuzz-journal.sh            # installs cargo-fuzz if missing
#   SECONDS_FUZZ=600 scripts/fuzz-journal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_FUZZ=${SECONDS_FUZZ:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
corpus=fuzz/corpus/journal_reader
mkdir -p "$corpus"
# Seed the corpus with a real journal line so the fuzzer starts from valid input.
[ -n "$(ls -A "$corpus")" ] || cp fuzz/seeds/* "$corpus"/
RUSTC_BOOTSTRAP=1 cargo fuzz run journal_reader "$corpus" -- -max_total_time="$SECONDS_FUZZ" -rss_limit_mb=2048
