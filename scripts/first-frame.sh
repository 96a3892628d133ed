#!/usr/bin/env bash
# Start-up to first frame, in a real pseudo-terminal.
#
# Runs the release binary N times with --exit-after-first-frame (it draws the
# first frame and exits) under `script`, and prints p50/p95/max in milliseconds.
# The same loop with `true` in place of the cockpit is measured too, so the
# pty's own cost can be subtracted. Budget: p95 <= 100 ms.
#
#   scripts/first-frame.sh            # builds --release first
#   N=50 BIN=path/to/release-cockpit scripts/first-frame.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/release-cockpit
fi
command -v script >/dev/null || { echo "needs script(1) from util-linux" >&2; exit 1; }

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state TERM=${TERM:-xterm-256color}

measure() {
  local cmd=$1
  for _ in $(seq "$N"); do
    local start end
    start=$(date +%s%N)
    script -qec "stty cols 200 rows 50; $cmd" /dev/null >/dev/null
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
  done | sort -n | awk -v n="$N" '
    { v[NR] = $1 }
    END {
      p50 = v[int((n + 1) * 0.50)]; p95 = v[int((n * 0.95) + 0.5)]; max = v[n]
      printf "p50 %.1f ms  p95 %.1f ms  max %.1f ms  (n=%d)\n", p50 / 1000, p95 / 1000, max / 1000, n
    }'
}

echo "pty + shell alone:        $(measure true)"
echo "cockpit to first frame:   $(measure "$BIN --exit-after-first-frame")"
