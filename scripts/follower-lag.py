#!/usr/bin/env python3
"""Follower lag through the cluster ([share], issue #21), writer's key to
the other machine's screen.

Serves the sandbox cluster with the release binary (`release-cockpit
sandbox`), starts a release on machine A (its own state dir), runs A's
cockpit (the writer: it holds the Lease and mirrors its journal into
ConfigMaps) and B's (another state dir: it copies the release from the
mirror and follows it) in tmux at 200x50. Then, N times (default 20), A
completes the first step (Space) or undoes it (u), and B's screen is read
every 5 ms until its row says so. Prints p50/p95/max in ms. Budget: p95 under
1 s on loopback.

    scripts/follower-lag.py                 # builds --release first
    N=50 BIN=target/debug/release-cockpit scripts/follower-lag.py
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROW = "Announce the release"


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    n = int(os.environ.get("N", "20"))
    binary = os.environ.get("BIN")
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
        binary = str(root / "target/release/release-cockpit")
    if not shutil.which("tmux"):
        print("needs tmux", file=sys.stderr)
        return 1
    work = pathlib.Path(tempfile.mkdtemp())
    socket = f"rc-lag-{os.getpid()}"
    kubeconfig = work / "kubeconfig"
    sandbox = subprocess.Popen(
        [binary, "sandbox", "--kubeconfig", str(kubeconfig)],
        env={**os.environ, "XDG_STATE_HOME": str(work / "sandbox")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 10
        while not kubeconfig.exists():
            if time.time() > deadline:
                print("the sandbox did not start", file=sys.stderr)
                return 1
            time.sleep(0.05)
        homes = {}
        for machine, operator in (("a", "alice"), ("b", "bob")):
            home = work / machine
            home.mkdir()
            (home / "cockpit.toml").write_text(
                f'[operator]\nname = "{operator}"\ntimezone = "UTC"\n\n'
                f'[share]\nkind = "kubernetes"\nkubeconfig = "{kubeconfig}"\n'
                'namespace = "release"\n'
            )
            homes[machine] = home

        def env(home: pathlib.Path) -> dict:
            return {
                **os.environ,
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_STATE_HOME": str(home / "state"),
                "RELEASE_COCKPIT_CONFIG": "",
            }

        subprocess.run(
            [binary, "--config", str(homes["a"] / "cockpit.toml"), "start", "--type", "minor",
             "--version", "2.4.0", "--at", "2026-01-06 10:00 UTC"],
            env=env(homes["a"]), check=True, capture_output=True,
        )

        def tmux(*args: str) -> str:
            return subprocess.run(
                ["tmux", "-L", socket, *args], check=True, capture_output=True, text=True
            ).stdout

        for machine in ("a", "b"):
            home = homes[machine]
            command = (
                f"env XDG_CONFIG_HOME={home}/config XDG_STATE_HOME={home}/state "
                f"RELEASE_COCKPIT_CONFIG= {binary} --config {home}/cockpit.toml"
            )
            first = machine == "a"
            tmux(*(["-f", "/dev/null"] if first else []), "new-session", "-d", "-x", "200",
                 "-y", "50", "-s", machine, command)
            wait_for(lambda: "minor 2.4.0" in tmux("capture-pane", "-p", "-t", machine), 20)

        def row(machine: str) -> str:
            for line in tmux("capture-pane", "-p", "-t", machine).splitlines():
                if ROW in line:
                    return line
            return ""

        tmux("send-keys", "-t", "a", "j")
        wait_for(lambda: "following alice@" in tmux("capture-pane", "-p", "-t", "b"), 20)
        lags = []
        for i in range(n):
            done = i % 2 == 0
            sent = time.perf_counter()
            tmux("send-keys", "-t", "a", "Space" if done else "u")
            wait_for(lambda: ("✓ done" in row("b")) == done, 10, step=0.005)
            lags.append((time.perf_counter() - sent) * 1000)
            time.sleep(0.1)
        lags.sort()
        pick = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
        print(
            f"follower lag over {n} steps: p50 {pick(0.5):.0f} ms, "
            f"p95 {pick(0.95):.0f} ms, max {lags[-1]:.0f} ms"
        )
        return 0
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        sandbox.kill()
        sandbox.wait()
        shutil.rmtree(work, ignore_errors=True)


def wait_for(ok, within: float, step: float = 0.05) -> None:
    deadline = time.time() + within
    while not ok():
        if time.time() > deadline:
            raise SystemExit("timed out")
        time.sleep(step)


if __name__ == "__main__":
    sys.exit(main())
