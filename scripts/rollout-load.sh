#!/usr/bin/env bash
# The cockpit watching DEPLOYMENTS Deployments (default 1,000): the sandbox
# serves them in its own process (`release-cockpit sandbox --deployments N`),
# the cockpit runs in tmux at 200x50 with one target matching all of them, and
# this reports the time until the rows are on screen, the cockpit's memory
# (VmHWM, the peak, and VmRSS once quiet), and its CPU while the cluster is
# quiet. With KDASH=path/to/kdash, kdash then watches the same sandbox (it
# reads the kubeconfig the sandbox wrote) for KDASH_SECONDS, and its memory is
# reported the same way. SANDBOX=path serves the Deployments with another
# build (default: BIN), to compare two cockpits against one sandbox. Budgets: first rows < 1 s; RSS < 60 MB at 5,000
# (< 50 MB at 1,000); idle CPU < 0.5% of a core.
#
#   scripts/rollout-load.sh
#   DEPLOYMENTS=5000 BIN=path/to/release-cockpit KDASH=~/.cargo/bin/kdash scripts/rollout-load.sh
#   CARGO_TARGET_DIR=/work/target-release DEPLOYMENTS=5000 scripts/rollout-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DEPLOYMENTS=${DEPLOYMENTS:-1000}
SECONDS_IDLE=${SECONDS_IDLE:-20}
KDASH_SECONDS=${KDASH_SECONDS:-30}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/release-cockpit
fi
BIN=$(realpath "$BIN")
SANDBOX=$(realpath "${SANDBOX:-$BIN}")
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }

home=$(mktemp -d)
socket=rc-load-$$
sandbox_pid=
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

# The process tmux runs in a session's pane (tmux may exec it directly).
pane_process() {
  local shell pid
  shell=$(tmux -L "$socket" display-message -p -t "$1" '#{pane_pid}')
  pid=$(cut -d' ' -f1 "/proc/$shell/task/$shell/children" 2>/dev/null || true)
  echo "${pid:-$shell}"
}
memory() {
  awk -v who="$1" '/^VmRSS:|^VmHWM:/ { printf "%s %s %.1f MB\n", who, $1, $2 / 1024 }' "/proc/$2/status"
}

"$SANDBOX" sandbox --deployments "$DEPLOYMENTS" --kubeconfig "$home/kubeconfig" >"$home/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 300); do grep -q serving "$home/sandbox.log" && break; sleep 0.1; done
grep -q serving "$home/sandbox.log" || { echo "the sandbox did not start" >&2; cat "$home/sandbox.log" >&2; exit 1; }
cat >"$home/config.toml" <<TOML
[[target]]
name = "bench"
kind = "kubernetes"
kubeconfig = "$home/kubeconfig"
namespace = "bench"
selector = "bench=yes"
TOML

start=$(date +%s%N)
tmux -L "$socket" -f /dev/null new-session -d -x 200 -y 50 -s load \
  "env XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state $BIN --config $home/config.toml"
tmux -L "$socket" send-keys -t load 3 z
shown=
for _ in $(seq 1000); do
  if tmux -L "$socket" capture-pane -p -t load | grep -q "bench/svc-0000"; then
    shown=$(date +%s%N)
    break
  fi
  sleep 0.01
done
[ -n "$shown" ] || { echo "the rows never appeared" >&2; tmux -L "$socket" capture-pane -p -t load >&2; exit 1; }
echo "$DEPLOYMENTS deployments, first data frame (process start to rows on screen, 10 ms polling): $(( (shown - start) / 1000000 )) ms"

pid=$(pane_process load)
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
sleep 2
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$SECONDS_IDLE"
after=$(ticks)
awk -v t=$((after - before)) -v hz="$hz" -v s="$SECONDS_IDLE" -v n="$DEPLOYMENTS" 'BEGIN {
  printf "CPU with %d quiet deployments over %d s: %.3f%% of one core (%d ticks)\n", n, s, 100 * t / hz / s, t
}'
memory cockpit "$pid"

[ -n "${KDASH:-}" ] || exit 0
tmux -L "$socket" kill-session -t load
start=$(date +%s%N)
tmux -L "$socket" new-session -d -x 200 -y 50 -s kdash \
  "env KUBECONFIG=$home/kubeconfig HOME=$home $(realpath "$KDASH")"
shown=
for _ in $(seq 3000); do
  # kdash opens on its Pods tab; 7 is its Deployments tab.
  tmux -L "$socket" send-keys -t kdash 7
  if tmux -L "$socket" capture-pane -p -t kdash | grep -q "svc-0000"; then
    shown=$(date +%s%N)
    break
  fi
  sleep 0.01
done
[ -n "$shown" ] || { echo "kdash never showed the rows" >&2; tmux -L "$socket" capture-pane -p -t kdash >&2; exit 1; }
echo "kdash, first rows (process start to rows on screen, 10 ms polling): $(( (shown - start) / 1000000 )) ms"
sleep "$KDASH_SECONDS"
kdash_pid=$(pane_process kdash)
[ -d "/proc/$kdash_pid" ] || { echo "kdash exited" >&2; exit 1; }
memory "kdash after ${KDASH_SECONDS}s:" "$kdash_pid"
