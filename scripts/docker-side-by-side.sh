#!/usr/bin/env bash
# The cockpit and oxker side by side on the same Docker engine: CONTAINERS
# containers (default 50) of a compose-labelled service, made from a busybox
# image imported here (no registry), each with a healthcheck every
# HEALTH_INTERVAL. The cockpit runs in tmux at 200x50 with one Docker target
# for the service; this reports the time from process start to the rows on
# screen, CPU over SECONDS_IDLE while nothing changes but the healthchecks,
# and memory (VmHWM, the peak; VmRSS now). With OXKER=path/to/oxker, oxker
# is measured the same way in the same run. Budgets: idle CPU < 0.5% of a
# core, RSS < 50 MB.
#
#   scripts/docker-side-by-side.sh
#   OXKER=/work/oxker/bin/oxker CONTAINERS=50 scripts/docker-side-by-side.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CONTAINERS=${CONTAINERS:-50}
SECONDS_IDLE=${SECONDS_IDLE:-30}
# Seconds between the rows on screen and the CPU count (the Rollout pane
# counts ages in seconds for a minute after a container moved).
WARMUP=${WARMUP:-2}
HEALTH_INTERVAL=${HEALTH_INTERVAL:-10s}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/release-cockpit
fi
BIN=$(realpath "$BIN")
for tool in tmux docker; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "needs a static /bin/busybox: apt-get install busybox-static" >&2; exit 1; }
docker version --format '{{.Server.APIVersion}}' >/dev/null

prefix=rc-bench-$$
image=$prefix/web:1.0.0
home=$(mktemp -d)
socket=rc-docker-$$
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  docker ps -aq --filter "label=com.docker.compose.project=$prefix" | xargs -r docker rm -f >/dev/null
  docker rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT

mkdir -p "$home/root/bin" "$home/root/www"
cp /bin/busybox "$home/root/bin/busybox"
for tool in sh wget httpd; do ln -s busybox "$home/root/bin/$tool"; done
echo ok >"$home/root/www/health"
tar -C "$home/root" -c . | docker import \
  --change 'CMD ["/bin/busybox","httpd","-f","-p","8080","-h","/www"]' - "$image" >/dev/null
for i in $(seq -w 1 "$CONTAINERS"); do
  docker run -d --name "$prefix-web-$i" --stop-timeout 1 \
    --label "com.docker.compose.project=$prefix" --label com.docker.compose.service=web \
    --health-cmd 'wget -q -O /dev/null http://127.0.0.1:8080/health' \
    --health-interval "$HEALTH_INTERVAL" "$image" >/dev/null
done
echo "$CONTAINERS containers running, healthcheck every $HEALTH_INTERVAL"
sleep 3

pane_process() {
  local shell pid
  shell=$(tmux -L "$socket" display-message -p -t "$1" '#{pane_pid}')
  pid=$(cut -d' ' -f1 "/proc/$shell/task/$shell/children" 2>/dev/null || true)
  echo "${pid:-$shell}"
}
memory() {
  awk -v who="$1" '/^VmRSS:|^VmHWM:/ { printf "%s %s %.1f MB\n", who, $1, $2 / 1024 }' "/proc/$2/status"
}
# Starts `$2` in tmux session `$1`, sends keys `$3` while waiting for `$4`
# on screen; then CPU and memory over SECONDS_IDLE.
measure() {
  local session=$1 command=$2 keys=$3 wanted=$4 start shown pid before after
  start=$(date +%s%N)
  tmux -L "$socket" -f /dev/null new-session -d -x 200 -y 50 -s "$session" "$command"
  shown=
  for _ in $(seq 3000); do
    [ -n "$keys" ] && tmux -L "$socket" send-keys -t "$session" $keys
    if tmux -L "$socket" capture-pane -p -t "$session" | grep -q -- "$wanted"; then
      shown=$(date +%s%N)
      break
    fi
    sleep 0.01
  done
  [ -n "$shown" ] || { echo "$session never showed $wanted" >&2; tmux -L "$socket" capture-pane -p -t "$session" >&2; exit 1; }
  echo "$session, first rows (process start to rows on screen, 10 ms polling): $(( (shown - start) / 1000000 )) ms"
  pid=$(pane_process "$session")
  sleep "$WARMUP"
  ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
  before=$(ticks)
  sleep "$SECONDS_IDLE"
  after=$(ticks)
  awk -v who="$session" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v s="$SECONDS_IDLE" -v n="$CONTAINERS" 'BEGIN {
    printf "%s, CPU with %d healthy containers over %d s: %.3f%% of one core (%d ticks)\n", who, n, s, 100 * t / hz / s, t
  }'
  memory "$session" "$pid"
  tmux -L "$socket" kill-session -t "$session"
}

cat >"$home/config.toml" <<TOML
[[target]]
name = "shop-web"
kind = "docker"
environment = "production"
compose_project = "$prefix"
compose_service = "web"
TOML
measure cockpit \
  "env XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state $BIN --config $home/config.toml" \
  "" "$prefix-web-01"

[ -n "${OXKER:-}" ] || exit 0
OXKER=$(realpath "$OXKER")
measure oxker "env HOME=$home $OXKER" "" "$prefix-web-01"
