#!/usr/bin/env bash
# The cockpit watching 1,000 Deployments: the sandbox serves them in its own
# process (`release-cockpit sandbox --deployments 1000`), the cockpit runs in
# tmux at 200x50 with one target matching all of them, and this reports the
# time until the rows are on screen, the cockpit's memory, its CPU while the
# cluster is quiet, and the sandbox's request counts seen through the cockpit's
# behaviour (it must not list again). Budgets: first data frame < 1 s,
# RSS < 50 MB, idle CPU < 0.5% of a core.
#
#   scripts/rollout-load.sh
#   BIN=path/to/release-cockpit SECONDS_IDLE=20 scripts/rollout-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_IDLE=${SECONDS_IDLE:-20}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/release-cockpit
fi
BIN=$(realpath "$BIN")
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

"$BIN" sandbox --deployments 1000 --kubeconfig "$home/kubeconfig" >"$home/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do grep -q serving "$home/sandbox.log" && break; sleep 0.1; done
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
for _ in $(seq 500); do
  if tmux -L "$socket" capture-pane -p -t load | grep -q "bench/svc-0000"; then
    shown=$(date +%s%N)
    break
  fi
  sleep 0.01
done
[ -n "$shown" ] || { echo "the rows never appeared" >&2; tmux -L "$socket" capture-pane -p -t load >&2; exit 1; }
echo "first data frame (process start to rows on screen, 10 ms polling): $(( (shown - start) / 1000000 )) ms"

shell=$(tmux -L "$socket" display-message -p -t load '#{pane_pid}')
pid=$(cut -d' ' -f1 "/proc/$shell/task/$shell/children" 2>/dev/null || true)
[ -n "$pid" ] || pid=$shell
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
sleep 2
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$SECONDS_IDLE"
after=$(ticks)
awk -v t=$((after - before)) -v hz="$hz" -v s="$SECONDS_IDLE" 'BEGIN {
  printf "CPU with 1000 quiet deployments over %d s: %.3f%% of one core (%d ticks)\n", s, 100 * t / hz / s, t
}'
awk '/^VmRSS:|^VmHWM:/ { printf "%s %.1f MB\n", $1, $2 / 1024 }' "/proc/$pid/status"
