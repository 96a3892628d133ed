#!/usr/bin/env bash
# Idle CPU and memory of a running cockpit.
#
# Starts the release binary in tmux at 200x50 (the demo, no config), lets it
# settle, then reads its CPU time from /proc over SECONDS_IDLE seconds (default
# 30) and its resident memory. Budgets: idle CPU < 0.5% of a core, RSS < 50 MB.
#
#   scripts/idle-cpu.sh
#   SECONDS_IDLE=60 BIN=path/to/release-cockpit scripts/idle-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_IDLE=${SECONDS_IDLE:-30}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/release-cockpit
fi
BIN=$(realpath "$BIN")
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }

home=$(mktemp -d)
socket=rc-idle-$$
cleanup() { tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT
tmux -L "$socket" -f /dev/null new-session -d -x 200 -y 50 -s idle \
  "env XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state $BIN"
sleep 2
shell=$(tmux -L "$socket" display-message -p -t idle '#{pane_pid}')
pid=$(cut -d' ' -f1 "/proc/$shell/task/$shell/children" 2>/dev/null || true)
[ -n "$pid" ] || pid=$shell # tmux may exec the command directly
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }

echo "measuring pid $pid ($(cat "/proc/$pid/comm"))"
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$SECONDS_IDLE"
after=$(ticks)
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
awk -v t=$((after - before)) -v hz="$hz" -v s="$SECONDS_IDLE" -v rss="$rss_kb" 'BEGIN {
  printf "idle CPU over %d s: %.3f%% of one core (%d ticks at %d Hz)\n", s, 100 * t / hz / s, t, hz
  printf "resident memory: %.1f MB\n", rss / 1024
}'
