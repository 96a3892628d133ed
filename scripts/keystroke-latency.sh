#!/usr/bin/env bash
# Keystroke to screen, in a real terminal, through tmux control mode.
#
# Runs the release binary's demo (`release-cockpit demo`, its health signals
# polling) in tmux at 200x50, focuses the Checklist and sends N keys (default
# 150) through a control-mode client (`tmux -C`): `j` and `k` in turn, so each
# one moves the selection between the first two rows. A key is timed from the
# moment its `send-keys` command is written to the moment the `%output` that
# carries its redraw arrives: the output holding the text of the second row
# (MARKER), whose highlight every key moves; background frames (polls, the
# rollout's ages) never redraw that text. Keys are 40-140 ms apart at random,
# so they land at every phase of the background frames. The same keys sent to
# a pane running `cat` (raw, echoing) give the cost of tmux and the pty alone.
# Then CHASE_N keys (default 20) are each sent as soon as a background frame's
# output arrives: the worst case, a key landing just after a health poll's or
# a watch's frame. Prints p50/p95/p99/max in ms. Budget: p99 <= 8 ms.
#
#   scripts/keystroke-latency.sh             # builds --release first
#   N=300 CHASE_N=0 BIN=path/to/release-cockpit scripts/keystroke-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-150}
CHASE_N=${CHASE_N:-20}
MARKER=${MARKER:-Announce the release}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/release-cockpit
fi
BIN=$(realpath "$BIN")
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }

home=$(mktemp -d)
socket=rc-keys-$$
cleanup() { tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT
tmux -L "$socket" -f /dev/null new-session -d -x 200 -y 50 -s cockpit \
  "env XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state TERM=xterm-256color $BIN demo"
tmux -L "$socket" new-session -d -x 200 -y 50 -s echo "stty raw -echo; exec cat"
# Control clients must not resize the windows (set after the sessions exist:
# tmux 3.3a's server dies on a new-session after it).
tmux -L "$socket" set-option -g window-size manual
for _ in $(seq 100); do
  tmux -L "$socket" capture-pane -p -t cockpit | grep -q "2 Checklist" && break
  sleep 0.1
done
tmux -L "$socket" send-keys -t cockpit 2
sleep 1
tmux -L "$socket" capture-pane -p -t cockpit | grep -q "$MARKER" ||
  { echo "the Checklist does not show \"$MARKER\"" >&2; tmux -L "$socket" capture-pane -p -t cockpit >&2; exit 1; }

python3 - "$socket" "$N" "$CHASE_N" "$MARKER" <<'PY'
import os, random, re, select, subprocess, sys, time

socket, n, chase_n, marker = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode()
OCTAL = re.compile(rb"\\([0-7]{3})")


def measure(session, markers, n, chase=False):
    """Sends n keys to `session` through a control client; returns the seconds
    from each send-keys to the %output completing that key's marker. With
    chase, each key goes as soon as other output (a background frame) arrives."""
    client = subprocess.Popen(
        ["tmux", "-L", socket, "-C", "attach-session", "-t", session],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    fd, partial = client.stdout.fileno(), b""

    def read_until(deadline, on_line):
        """Feeds each complete line, with the time it was read, to on_line
        until it returns True (-> True) or the deadline passes (-> False)."""
        nonlocal partial
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return False
            chunk = os.read(fd, 1 << 16)
            at = time.perf_counter()
            if not chunk:
                sys.exit(f"tmux control client for {session} ended")
            *lines, partial = (partial + chunk).split(b"\n")
            for line in lines:
                if on_line(line, at):
                    return True

    client.stdin.write(b"refresh-client -C 200x50\n")
    read_until(time.perf_counter() + 0.5, lambda line, at: False)
    samples = []
    for i in range(n):
        key, expect = markers[i % len(markers)]
        # Output arriving in the gap (background frames, the tail of the last
        # key's frame) is read and dropped.
        read_until(time.perf_counter() + random.uniform(0.04, 0.14), lambda line, at: False)
        if chase and not read_until(time.perf_counter() + 10, lambda line, at: line.startswith(b"%output ")):
            sys.exit(f"{session}: no background frame within 10 s")
        seen = bytearray()

        def on_line(line, at):
            if not line.startswith(b"%output "):
                return False
            seen.extend(OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), line.split(b" ", 2)[2]))
            if expect in seen:
                samples.append(at - sent)
                return True
            return False

        sent = time.perf_counter()
        client.stdin.write(f"send-keys -t {session} {key}\n".encode())
        if not read_until(sent + 1.0, on_line):
            sys.exit(f"key {i} ({key}) to {session}: no redraw with {expect!r} within 1 s")
    client.stdin.close()
    client.wait()
    return samples


def report(label, samples):
    v = sorted(s * 1000 for s in samples)
    rank = lambda p: v[max(0, -(-len(v) * p // 100) - 1)]  # nearest rank
    print(f"{label}p50 {rank(50):.1f} ms  p95 {rank(95):.1f} ms  "
          f"p99 {rank(99):.1f} ms  max {v[-1]:.1f} ms  (n={len(v)})")


keys = [("j", marker), ("k", marker)]
report("tmux + pty alone (cat):        ", measure("echo", [("j", b"j"), ("k", b"k")], n))
report("keystroke to screen:           ", measure("cockpit", keys, n))
if chase_n:
    report("key after a background frame: ", measure("cockpit", keys, chase_n, chase=True))
PY
