//! Tier 5: the real binary in a real terminal (tmux at 200x50): first frame, help,
//! quit, SIGTERM, panic and Ctrl-Z all leave the terminal as the shell expects.
//! tmux is required: CI installs it; a machine without it fails here, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");
/// Shell commands printing the cockpit's exit code and the tty modes it left.
const REPORT: &str =
    "echo EXIT=$?; echo TTY: $(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$')";
const TITLES: [&str; 4] = ["1 Calendar", "2 Checklist", "3 Rollout", "4 Health"];

struct Tmux {
    socket: String,
    home: std::rc::Rc<tempfile::TempDir>,
}

impl Tmux {
    /// Starts the cockpit in a fresh tmux server with an empty config and state
    /// dir. After it exits, the shell prints its exit code and the tty modes.
    fn start(env: &[(&str, &str)], args: &[&str]) -> Self {
        Self::start_in(false, env, args)
    }

    /// Like `start`, but typed into an interactive bash, for job control (Ctrl-Z).
    fn start_interactive() -> Self {
        Self::start_in(true, &[], &[])
    }

    fn start_in(interactive: bool, env: &[(&str, &str)], args: &[&str]) -> Self {
        Self::launch(
            std::rc::Rc::new(tempfile::tempdir().expect("temp home")),
            interactive,
            env,
            args,
        )
    }

    /// A new cockpit in the same home (config and state) as `previous`.
    fn start_in_home(previous: Tmux, args: &[&str]) -> Self {
        let home = previous.home.clone();
        drop(previous);
        Self::launch(home, false, &[], args)
    }

    /// Like `start_in_home`, under `umask 000`.
    fn start_in_home_umask_000(previous: Tmux, args: &[&str]) -> Self {
        let home = previous.home.clone();
        drop(previous);
        Self::launch_with(home, "umask 000; ", false, &[], args)
    }

    /// Another cockpit in the same home, alongside this one.
    fn another_in_home(&self, args: &[&str]) -> Self {
        Self::launch(self.home.clone(), false, &[], args)
    }

    fn home(&self) -> PathBuf {
        self.home.path().to_path_buf()
    }

    fn launch(
        home: std::rc::Rc<tempfile::TempDir>,
        interactive: bool,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Self {
        Self::launch_with(home, "", interactive, env, args)
    }

    /// `prefix` is shell text run before the cockpit, in the same shell.
    fn launch_with(
        home: std::rc::Rc<tempfile::TempDir>,
        prefix: &str,
        interactive: bool,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "rc-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let mut vars = vec![
            format!("XDG_CONFIG_HOME={}", home.path().join("config").display()),
            format!("XDG_STATE_HOME={}", home.path().join("state").display()),
            "USER=tester".to_owned(),
            "RUST_BACKTRACE=0".to_owned(),
            "RELEASE_COCKPIT_CONFIG=".to_owned(),
        ];
        vars.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        let cockpit = format!("{prefix}env {} {BIN} {}", vars.join(" "), args.join(" "));
        let this = Self { socket, home };
        let new_session = [
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "50",
            "-s",
            "t",
        ];
        if interactive {
            // The report is typed after the cockpit exits: a stopped job would
            // otherwise let bash run on to the rest of the line.
            this.tmux(&[&new_session[..], &["bash --norc --noprofile -i"]].concat());
            this.type_line(&cockpit);
        } else {
            let script = format!("{cockpit}; {REPORT}; sleep 600");
            this.tmux(&[&new_session[..], &[script.as_str()]].concat());
        }
        this
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("tmux is required for the end-to-end tests (apt-get install tmux): {e}")
            });
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn type_line(&self, line: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", line]);
        self.tmux(&["send-keys", "-t", "t", "Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    fn send(&self, keys: &str) {
        self.tmux(&["send-keys", "-t", "t", keys]);
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_timeout(&self, what: &str, within: Duration, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    fn alternate_screen(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "t", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// The cockpit's pid: the one child of the pane's shell.
    fn cockpit_pid(&self) -> u32 {
        let shell = self.tmux(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
        let shell = shell.trim();
        let children = PathBuf::from(format!("/proc/{shell}/task/{shell}/children"));
        let text = std::fs::read_to_string(&children).expect("children of the pane shell");
        text.split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the cockpit runs")
    }

    /// Waits until the cockpit has exited with `code` and the shell has printed the
    /// tty modes after it.
    fn wait_for_exit(&self, code: i32) -> String {
        let exit = format!("EXIT={code}");
        self.wait_for(&exit, |s| {
            s.contains(&exit) && s.lines().any(|l| l.starts_with("TTY: "))
        })
    }

    fn assert_restored(&self, screen: &str) {
        assert!(
            screen.contains("TTY: icanon echo"),
            "tty not restored:\n{screen}"
        );
        assert!(!self.alternate_screen(), "still on the alternate screen");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

fn wait_for_frame(tmux: &Tmux) -> String {
    tmux.wait_for("the four panes", |s| TITLES.iter().all(|t| s.contains(t)))
}

#[test]
fn first_frame_help_and_quit_restore_the_terminal() {
    let tmux = Tmux::start(&[], &[]);
    let screen = wait_for_frame(&tmux);
    assert!(screen.contains("DEMO: no config file"), "{screen}");
    assert!(screen.contains("tester"), "operator from $USER:\n{screen}");
    assert!(tmux.alternate_screen());

    tmux.send("?");
    // The whole dialog, down to its last line: a capture can land while a
    // frame is still being written, and an Escape sent then can reach the
    // cockpit together with the next key, which a terminal reads as Alt-q.
    tmux.wait_for("the whole help", |s| {
        s.contains("Keys") && s.contains("Remap any command")
    });
    tmux.send("Escape");
    tmux.wait_for("help to close", |s| {
        !s.contains("Remap any command") && s.contains("┏ 2 Checklist")
    });

    tmux.send("q");
    let screen = tmux.wait_for_exit(0);
    tmux.assert_restored(&screen);
}

#[test]
fn sigterm_restores_the_terminal() {
    let tmux = Tmux::start(&[], &[]);
    wait_for_frame(&tmux);
    kill(tmux.cockpit_pid(), "-TERM");
    let screen = tmux.wait_for_exit(143);
    tmux.assert_restored(&screen);
}

#[test]
fn sighup_restores_the_terminal() {
    let tmux = Tmux::start(&[], &[]);
    wait_for_frame(&tmux);
    kill(tmux.cockpit_pid(), "-HUP");
    let screen = tmux.wait_for_exit(129);
    tmux.assert_restored(&screen);
}

#[test]
fn every_catchable_terminating_signal_restores_the_terminal() {
    for (signal, code) in [
        ("-INT", 130),
        ("-QUIT", 131),
        ("-USR1", 138),
        ("-USR2", 140),
        ("-ALRM", 142),
    ] {
        let tmux = Tmux::start(&[], &[]);
        wait_for_frame(&tmux);
        kill(tmux.cockpit_pid(), signal);
        let screen = tmux.wait_for_exit(code);
        assert!(
            screen.contains("TTY: icanon echo"),
            "{signal}: tty not restored:\n{screen}"
        );
        assert!(
            !tmux.alternate_screen(),
            "{signal}: still on the alternate screen"
        );
    }
}

#[test]
fn a_panic_in_a_background_task_restores_the_terminal() {
    let tmux = Tmux::start(&[("RELEASE_COCKPIT_DEBUG_PANIC", "1")], &[]);
    let screen = tmux.wait_for_exit(101);
    assert!(
        screen.contains("panic requested"),
        "the report is printed:\n{screen}"
    );
    tmux.assert_restored(&screen);
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_resumes() {
    let tmux = Tmux::start_interactive();
    wait_for_frame(&tmux);
    let pid = tmux.cockpit_pid();
    tmux.send("C-z");
    let deadline = Instant::now() + Duration::from_secs(10);
    while process_state(pid) != 'T' {
        assert!(
            Instant::now() < deadline,
            "not stopped after ctrl-z: {}",
            process_state(pid)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !tmux.alternate_screen(),
        "the shell gets its screen back while suspended"
    );

    tmux.wait_for_text("Stopped");
    tmux.type_line("fg");
    tmux.wait_for("the cockpit to come back", |s| {
        TITLES.iter().all(|t| s.contains(t)) && !s.contains("Stopped")
    });
    assert!(tmux.alternate_screen());
    tmux.send("q");
    tmux.wait_for("the shell prompt", |s| {
        s.contains("bash-") && !s.contains("1 Calendar")
    });
    tmux.type_line(REPORT);
    let screen = tmux.wait_for_exit(0);
    tmux.assert_restored(&screen);
}

#[test]
fn small_terminal_shows_tabs_and_resizes_live() {
    let tmux = Tmux::start(&[], &[]);
    wait_for_frame(&tmux);
    tmux.tmux(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    let screen = tmux.wait_for("the tabbed layout", |s| {
        s.contains("┏ 2 Checklist") && !s.contains("┌ 1 Calendar")
    });
    assert!(screen.contains(" 1 Calendar   2 Checklist"), "{screen}");
    tmux.send("q");
    tmux.wait_for_exit(0);
}

/// A home with a config naming operator alice, and a minor release started.
fn home_with_release(tmux: &Tmux) -> String {
    let home = tmux.home();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        "[operator]\nname = \"alice\"\ntimezone = \"UTC\"\n",
    )
    .unwrap();
    let start = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "start",
            "--type",
            "minor",
            "--version",
            "2.4.0",
            "--at",
            "2026-01-06 10:00 UTC",
        ])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
    format!("--config {}", config.display())
}

fn row<'a>(screen: &'a str, title: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(title))
        .unwrap_or_default()
}

const FIRST_THREE: [&str; 3] = [
    "Announce the release",
    "Code quality gate",
    "Cut the release branch",
];

#[test]
fn three_completed_steps_and_the_focused_pane_survive_kill_9() {
    let tmux = Tmux::start(&[], &["--version"]);
    let config = home_with_release(&tmux);
    let tmux = Tmux::start_in_home(tmux, &[&config]);
    tmux.wait_for_text("minor 2.4.0");
    for title in FIRST_THREE {
        tmux.send("j");
        tmux.send("Space");
        tmux.wait_for(title, |s| row(s, title).contains("✓ done"));
    }
    tmux.send("4");
    tmux.wait_for_text("┏ 4 Health");
    let pid = tmux.cockpit_pid();
    kill(pid, "-KILL");
    // kill -9 leaves the terminal raw; only the process being gone matters here.
    let deadline = Instant::now() + Duration::from_secs(10);
    while PathBuf::from(format!("/proc/{pid}")).exists() && process_state(pid) != 'Z' {
        assert!(Instant::now() < deadline, "still alive after kill -9");
        std::thread::sleep(Duration::from_millis(20));
    }

    let tmux = Tmux::start_in_home(tmux, &[&config]);
    let screen = tmux.wait_for("the whole frame", |s| {
        s.contains("minor 2.4.0")
            && s.contains("4 Health")
            && FIRST_THREE.iter().all(|t| s.contains(t))
    });
    assert!(
        screen.contains("┏ 4 Health"),
        "the Health pane is focused again:\n{screen}"
    );
    assert!(
        screen.contains("took over"),
        "the lock of the killed process is taken over with a message:\n{screen}"
    );
    for title in FIRST_THREE {
        assert!(
            row(&screen, title).contains("✓ done"),
            "`{title}` is still done after kill -9:\n{screen}"
        );
    }
}

#[test]
fn a_second_cockpit_follows_the_first_read_only_within_a_second() {
    let tmux = Tmux::start(&[], &["--version"]);
    let config = home_with_release(&tmux);
    let writer = Tmux::start_in_home(tmux, &[&config]);
    writer.wait_for_text("minor 2.4.0");
    let follower = writer.another_in_home(&[&config]);
    let screen = follower.wait_for_text("minor 2.4.0");
    assert!(screen.contains("following "), "{screen}");

    follower.send("j");
    follower.send("Space");
    follower.wait_for_text("read-only");

    writer.send("j");
    writer.send("Space");
    writer.wait_for("the writer's step", |s| {
        row(s, FIRST_THREE[0]).contains("✓ done")
    });
    let seen = Instant::now();
    follower.wait_for("the follower to show it", |s| {
        row(s, FIRST_THREE[0]).contains("✓ done")
    });
    assert!(
        seen.elapsed() < Duration::from_millis(1500),
        "followed in {:?}",
        seen.elapsed()
    );
}

/// A team on Render (no Kubernetes, nothing to roll back) declares an
/// incident: journaled first, then its report and follow-ups, in its words.
#[test]
fn an_incident_is_declared_without_a_rollback_and_reported() {
    let tmux = Tmux::start(&[], &["--version"]);
    let config = home_with_release(&tmux);
    std::fs::write(
        tmux.home().join("cockpit.toml"),
        r#"[operator]
name = "alice"
timezone = "UTC"

[rollback]
report = "1h"
follow_ups = [{ title = "Root cause analysis", due = "24h" }, { title = "Regression test added", due = "1w" }]
severities = [{ name = "SEV1", level = "P0" }, { name = "SEV2", level = "P1" }, { name = "SEV3", level = "P2" }]
"#,
    )
    .unwrap();
    let tmux = Tmux::start_in_home(tmux, &[&config]);
    tmux.wait_for_text("minor 2.4.0");
    tmux.tmux(&["send-keys", "-t", "t", "-l", ":incident"]);
    tmux.send("Enter");
    tmux.wait_for_text("Declare an incident");
    tmux.send("Up");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "api returns 500 on Render"]);
    tmux.send("Enter");
    tmux.wait_for_text("Declare a SEV1 (P0) incident");
    tmux.send("y");
    let screen = tmux.wait_for_text("Incident report of INCIDENT-0001 due");
    // Due an hour from now: tomorrow when run in the day's last hour.
    let due = row(&screen, "Incident report of INCIDENT-0001");
    assert!(
        due.contains("today") || due.contains("tomorrow"),
        "{screen}"
    );
    tmux.send("q");
    tmux.wait_for_exit(0);
    let history = Command::new(BIN)
        .args([
            "--config",
            tmux.home().join("cockpit.toml").to_str().unwrap(),
            "history",
        ])
        .env("XDG_STATE_HOME", tmux.home().join("state"))
        .env("XDG_CONFIG_HOME", tmux.home().join("config"))
        .output()
        .unwrap();
    let journal = String::from_utf8_lossy(&history.stdout);
    let at = |what: &str| {
        journal
            .find(what)
            .unwrap_or_else(|| panic!("`{what}` missing from the journal:\n{journal}"))
    };
    let declared =
        at("incident declared, SEV1 (P0) (roll back now), no rollback: api returns 500 on Render");
    let written = at("incident report written: ");
    assert!(
        declared < written,
        "journaled before the report:\n{journal}"
    );
    at("follow-up added: Incident report of INCIDENT-0001");
    at("follow-up added: Root cause analysis of INCIDENT-0001");
    at("follow-up added: Regression test added of INCIDENT-0001");
    let path = journal[written..]
        .lines()
        .next()
        .and_then(|l| l.split("incident report written: ").nth(1))
        .map(str::trim)
        .unwrap();
    let report = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for shown in [
        "INCIDENT-0001: minor 2.4.0: incident (SEV1 (P0)), no rollback",
        "| Declared by | alice |",
        "- [ ] Root cause analysis: due",
    ] {
        assert!(report.contains(shown), "no `{shown}` in:\n{report}");
    }
    assert!(!report.contains("What was rolled back"), "{report}");
}

#[test]
fn a_follower_whose_writer_is_killed_takes_the_release_over_and_writes() {
    let tmux = Tmux::start(&[], &["--version"]);
    let config = home_with_release(&tmux);
    let writer = Tmux::start_in_home(tmux, &[&config]);
    writer.wait_for_text("minor 2.4.0");
    let follower = writer.another_in_home(&[&config]);
    let screen = follower.wait_for_text("minor 2.4.0");
    assert!(screen.contains("following "), "{screen}");
    let pid = writer.cockpit_pid();
    kill(pid, "-KILL");
    follower.wait_for("the follower to take over", |s| {
        s.contains("taking over") || !s.contains("following ")
    });
    let screen = follower.wait_for("no longer following", |s| !s.contains("following "));
    assert!(!screen.contains("READ-ONLY"), "{screen}");
    // It writes now: a step it completes is done.
    follower.send("j");
    follower.send("Space");
    follower.wait_for("the step done by the new writer", |s| {
        row(s, FIRST_THREE[0]).contains("✓ done")
    });
}

#[test]
fn everything_a_running_cockpit_writes_is_private_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let tmux = Tmux::start(&[], &["--version"]);
    let config = home_with_release(&tmux);
    let state = tmux.home().join("state");
    let tmux = Tmux::start_in_home_umask_000(tmux, &[&config]);
    tmux.wait_for_text("minor 2.4.0");
    tmux.send("4");
    tmux.wait_for_text("┏ 4 Health");
    tmux.send("q");
    tmux.wait_for_exit(0);
    let mut queue = vec![state.clone()];
    let mut seen = Vec::new();
    while let Some(path) = queue.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
        if path != state {
            assert_eq!(mode, wanted, "{} is {mode:o}", path.display());
        }
        if meta.is_dir() {
            queue.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
        seen.push(path.strip_prefix(&state).unwrap().display().to_string());
    }
    for written in [".log", ".lock", ".view", ".jsonl"] {
        assert!(
            seen.iter().any(|p| p.ends_with(written)),
            "a {written} file was written: {seen:?}"
        );
    }
}

#[test]
fn the_demo_writes_its_state_private_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let home = std::rc::Rc::new(tempfile::tempdir().unwrap());
    let state = home.path().join("state");
    let tmux = Tmux::launch_with(home, "umask 000; ", false, &[], &[]);
    wait_for_frame(&tmux);
    tmux.send("q");
    tmux.wait_for_exit(0);
    let mut queue = vec![state.clone()];
    let mut seen = Vec::new();
    while let Some(path) = queue.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, wanted, "{} is {mode:o}", path.display());
        if meta.is_dir() {
            queue.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
        seen.push(path);
    }
    assert!(
        seen.iter().any(|p| p.ends_with("kubeconfig")),
        "the demo's kubeconfig is among them: {seen:?}"
    );
}

#[test]
fn a_gate_secret_is_masked_in_the_journal_and_history_and_its_version_filled_in() {
    let tmux = Tmux::start(&[], &["--version"]);
    let home = tmux.home();
    // Beside the config file, as a team keeps its playbooks.
    let playbooks = home.join("playbooks");
    std::fs::create_dir_all(&playbooks).unwrap();
    std::fs::write(
        playbooks.join("secret.toml"),
        "name = \"secret\"\n\n[[phase]]\nname = \"ship\"\n\n[[phase.step]]\nid = \"publish\"\ntitle = \"Publish with the token\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"echo token=$TOKEN for v{version}; echo \\\"auth $TOKEN\\\" >&2\"\nenv = { TOKEN = { from_env = \"DEPLOY_TOKEN\" } }\n",
    )
    .unwrap();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        "[operator]\nname = \"alice\"\ntimezone = \"UTC\"\n",
    )
    .unwrap();
    let start = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "start",
            "--type",
            "patch",
        ])
        .args([
            "--version",
            "1.0.1",
            "--at",
            "2026-01-06 10:00 UTC",
            "--playbook",
            "secret",
        ])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
    let journal = home.join("state/release-cockpit/releases/patch-1.0.1-20260106.jsonl");
    let config_arg = format!("--config {}", config.display());
    let home_dir = tmux.home.clone();
    drop(tmux);
    let tmux = Tmux::launch(
        home_dir,
        false,
        &[("DEPLOY_TOKEN", "s3cr3t-xyz")],
        &[&config_arg],
    );
    tmux.wait_for_text("Publish with the token");
    tmux.send("j");
    tmux.send("Space");
    let deadline = Instant::now() + Duration::from_secs(20);
    let written = loop {
        let written = std::fs::read_to_string(&journal).unwrap();
        if written.contains("gate_finished") {
            break written;
        }
        assert!(
            Instant::now() < deadline,
            "the gate did not finish:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    tmux.send("q");
    tmux.wait_for_exit(0);
    assert!(
        written.contains("token=*** for v1.0.1") && written.contains("auth ***"),
        "the secret masked and the version filled in: {written}"
    );
    assert!(!written.contains("s3cr3t-xyz"), "{written}");
    let history = Command::new(BIN)
        .args(["history", "--json"])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    let history = String::from_utf8_lossy(&history.stdout);
    assert!(history.contains("gate_finished"), "{history}");
    assert!(!history.contains("s3cr3t-xyz"), "{history}");
}

/// Every path under `root` with its size and modification time.
fn snapshot(root: &std::path::Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut found = Vec::new();
    let mut queue = vec![root.to_path_buf()];
    while let Some(path) = queue.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            queue.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
        found.push((path, meta.len(), meta.modified().unwrap()));
    }
    found.sort();
    found
}

#[test]
fn a_read_only_cockpit_changes_nothing_under_the_state_dir() {
    let tmux = Tmux::start(&[], &["--version"]);
    let config = home_with_release(&tmux);
    let state = tmux.home().join("state");
    let before = snapshot(&state);
    let tmux = Tmux::start_in_home(tmux, &["--read-only", &config]);
    tmux.wait_for_text("minor 2.4.0");
    tmux.send("4");
    tmux.wait_for_text("┏ 4 Health");
    tmux.send("j");
    tmux.send("Space");
    // Switching (here to the same release) opens it to follow, without a lock.
    tmux.send(":");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "release-switch"]);
    tmux.send("Enter");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "minor-2.4.0-20260106"]);
    tmux.send("Enter");
    tmux.wait_for_text("minor 2.4.0");
    std::thread::sleep(Duration::from_millis(300));
    tmux.send("q");
    tmux.wait_for_exit(0);
    assert_eq!(snapshot(&state), before);

    // With no config and no release: the demo, read-only, makes no state dir.
    let tmux = Tmux::start(&[], &["--read-only"]);
    wait_for_frame(&tmux);
    tmux.send("q");
    tmux.wait_for_exit(0);
    assert!(!tmux.home().join("state").exists(), "a state dir was made");
}

fn process_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The state follows the parenthesised command name.
    stat.rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next())
        .unwrap_or('?')
}

/// The demo's production go/no-go is blocked (one approval of two, a failed
/// gate): `d` offers staging alone and holds production back, `O` in the
/// dialog overrides with a reason, and then `d` `y` deploys everywhere.
fn override_go_no_go_and_deploy(tmux: &Tmux) {
    tmux.send("d");
    let dialog = tmux.wait_for_text("Held back by go/no-go");
    assert!(
        dialog.contains("Deploy 2.4.0 to 3 Deployment(s)")
            && dialog.contains("production waits for go/no-go on `deploy-production`"),
        "{dialog}"
    );
    tmux.send("O");
    tmux.wait_for_text("Override go/no-go for `deploy-production`");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "demo: ship the bad build"]);
    tmux.send("Enter");
    tmux.wait_for_text("go/no-go overridden");
    tmux.send("d");
    tmux.wait_for_text("Deploy 2.4.0 to 7 unit(s)");
    tmux.send("y");
}

#[test]
fn the_demo_deploys_its_version_to_the_sandbox_cluster_and_journals_it() {
    let tmux = Tmux::start(&[], &[]);
    wait_for_frame(&tmux);
    tmux.send("3");
    tmux.send("z");
    tmux.wait_for("the sandbox's Deployments", |s| {
        s.contains("production/checkout") && s.contains("staging/web") && s.contains("complete")
    });
    override_go_no_go_and_deploy(&tmux);
    tmux.wait_for_text("deploy sent");
    let screen = tmux.wait_for("a rollout in motion", |s| {
        s.contains("2.3.1 → 2.4.0") || s.contains("progressing")
    });
    assert!(screen.contains("production/checkout"), "{screen}");
    // `status` from another process reads the writer's world, where 2.4.0
    // is rolling out, not a fresh sandbox of its own still on 2.3.1.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_release-cockpit"))
        .args(["status"])
        .env("XDG_STATE_HOME", tmux.home().join("state"))
        .env("XDG_CONFIG_HOME", tmux.home().join("config"))
        .env("RELEASE_COCKPIT_CONFIG", "")
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("production/checkout 2.4.0"),
        "status sees the writer's world:\n{status}"
    );
    tmux.send("q");
    tmux.wait_for_exit(0);
    let history = std::process::Command::new(env!("CARGO_BIN_EXE_release-cockpit"))
        .args(["history"])
        .env("XDG_STATE_HOME", tmux.home().join("state"))
        .env("XDG_CONFIG_HOME", tmux.home().join("config"))
        .env("RELEASE_COCKPIT_CONFIG", "")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&history.stdout);
    assert!(
        text.contains("deploy 2.4.0 to production/billing"),
        "{text}"
    );
    assert!(
        text.contains("deploy done"),
        "the outcome is journaled too:\n{text}"
    );
}

/// Issue 8's demo: `demo --speed 60`, a bad checkout 2.4.0, the trigger
/// banner, `R` through every step, the rollback verified, and an incident
/// file whose timeline is the journal's.
#[test]
fn the_demo_rolls_back_a_bad_release_through_the_guided_rollback() {
    let tmux = Tmux::start(&[], &["demo", "--speed", "60"]);
    wait_for_frame(&tmux);
    tmux.send("3");
    tmux.wait_for("the sandbox's Deployments", |s| {
        s.contains("production/checkout") && s.contains("complete")
    });
    override_go_no_go_and_deploy(&tmux);
    let banner = tmux.wait_for_text("ROLLBACK TRIGGER: checkout_errors > 5%");
    assert!(
        banner.contains("press R for the guided rollback"),
        "{banner}"
    );
    tmux.send("R");
    tmux.wait_for_text("How bad is it?");
    tmux.send("Enter");
    tmux.wait_for_text("Which units");
    tmux.send("Enter");
    tmux.wait_for_text("Type the release version (2.4.0)");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "2.4.0"]);
    tmux.send("Tab");
    tmux.send("Enter");
    tmux.wait_for_text("5 Verify");
    let done = tmux.wait_for_text("Incident report:");
    assert!(done.contains("VERIFIED"), "{done}");
    let path = done
        .lines()
        .find_map(|l| l.split("Incident report: ").nth(1))
        .and_then(|p| p.split_whitespace().next())
        .map(str::to_owned)
        .unwrap();
    let report = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    tmux.send("Enter");
    tmux.send("q");
    tmux.wait_for_exit(0);
    let history = std::process::Command::new(BIN)
        .args(["history"])
        .env("XDG_STATE_HOME", tmux.home().join("state"))
        .env("XDG_CONFIG_HOME", tmux.home().join("config"))
        .env("RELEASE_COCKPIT_CONFIG", "")
        .output()
        .unwrap();
    let journal = String::from_utf8_lossy(&history.stdout);
    // Every line of the report's timeline is a line of the journal.
    let timeline: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("## Timeline"))
        .skip(2)
        .take_while(|l| l.starts_with("- "))
        .collect();
    for what in [
        "deploy 2.4.0",
        "trigger fired",
        "assessed P1",
        "rollback (P1)",
        "rollback verified",
    ] {
        assert!(
            timeline.iter().any(|l| l.contains(what)),
            "`{what}` missing from the timeline:\n{report}"
        );
        assert!(
            journal.contains(what),
            "`{what}` missing from the journal:\n{journal}"
        );
    }
    for line in &timeline {
        let what = line.split_once(": ").map_or(*line, |(_, w)| w);
        assert!(
            journal.contains(what),
            "the timeline's `{what}` is not in the journal:\n{journal}"
        );
    }
    assert!(journal.contains("incident report written"), "{journal}");
    assert!(
        journal.contains("follow-up added: Post-mortem of INCIDENT-0001"),
        "{journal}"
    );

    // The post-mortem: the same day shown again from the journal,
    // read-only, stepped through line by line, and nothing written.
    let releases = std::process::Command::new(BIN)
        .args(["releases"])
        .env("XDG_STATE_HOME", tmux.home().join("state"))
        .env("XDG_CONFIG_HOME", tmux.home().join("config"))
        .env("RELEASE_COCKPIT_CONFIG", "")
        .output()
        .unwrap();
    let releases = String::from_utf8_lossy(&releases.stdout).into_owned();
    let id = releases
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("a release: {releases}"));
    assert!(releases.contains("rolled back"), "{releases}");
    let state = tmux.home().join("state");
    let before = snapshot(&state);
    let replay = Tmux::start_in_home(tmux, &["replay", &id, "--speed", "600"]);
    let first = wait_for_frame(&replay);
    assert!(first.contains("REPLAY"), "{first}");
    replay.send("P");
    replay.wait_for_text("REPLAY ❚❚");
    // `REPLAY ❚❚ ×600 34/34`: every line shown.
    let finished = |s: &str| {
        s.split("×600 ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.split_once('/'))
            .is_some_and(|(shown, total)| shown == total)
    };
    for _ in 0..400 {
        if finished(&replay.screen()) {
            break;
        }
        replay.send(".");
        std::thread::sleep(Duration::from_millis(20));
    }
    let end = replay.wait_for("every line replayed", finished);
    for what in [
        "minor 2.4.0 rolled back",
        "Targets, as the journal has them",
        "rollback (P1)",
        "Signals, as the journal has them",
        "trigger fired",
    ] {
        assert!(end.contains(what), "`{what}` in the replay's end:\n{end}");
    }
    replay.send("q");
    replay.wait_for_exit(0);
    assert_eq!(snapshot(&state), before, "a replay writes nothing");
}

/// Serves `/metrics` with an error ratio that is high while `live-version`
/// in `dir` says `bad`: a service whose health follows what the command
/// target deployed. Returns its port.
fn serve_version_metrics(dir: PathBuf, bad: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 2048];
            let _ = stream.read(&mut request);
            let live = std::fs::read_to_string(dir.join("live-version")).unwrap_or_default();
            let ratio = if live.trim() == bad { "0.3" } else { "0.0" };
            let body = format!("# TYPE app_error_ratio gauge\napp_error_ratio {ratio}\n");
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// A team on a platform driven by its CLI (Render, Coolify, npm scripts):
/// only a command target, no Kubernetes anywhere. `d` is held by go/no-go
/// until overridden, shows the exact command, deploys; the service's own
/// /metrics fires the trigger; `R` rolls back through the rollback commands,
/// in order; verification passes; the incident report names the rollback.
/// `check-config` must pass on `config`, then a minor 2.4.0 release starts
/// in `home`'s state dir, as an operator would set one up.
fn check_and_start_minor_2_4_0(home: &std::path::Path, config: &std::path::Path) {
    let check = Command::new(BIN)
        .args(["check-config", config.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let start = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "start",
            "--type",
            "minor",
        ])
        .args(["--version", "2.4.0", "--at", "2026-01-06 10:00 UTC"])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
}

#[test]
fn a_command_target_deploys_fires_a_trigger_and_rolls_back_to_an_incident_report() {
    let tmux_home = std::rc::Rc::new(tempfile::tempdir().unwrap());
    let home = tmux_home.path().to_path_buf();
    let app = home.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("live-version"), "2.3.1\n").unwrap();
    std::fs::write(
        app.join("deploy.sh"),
        "echo \"deploying $1 to $TARGET_ENV\"\necho \"deploy $1\" >> actions.log\necho \"$1\" > live-version\n",
    )
    .unwrap();
    std::fs::write(
        app.join("rollback.sh"),
        "echo \"rollback $2 -> $1\" >> actions.log\necho \"$1\" > live-version\n",
    )
    .unwrap();
    std::fs::write(
        app.join("migrate-down.sh"),
        "echo \"migrate down\" >> actions.log\n",
    )
    .unwrap();
    let port = serve_version_metrics(app.clone(), "2.4.0");
    // What an earlier release's deploy left in the target's ledger.
    let ledger = home.join("state/release-cockpit/targets/web.jsonl");
    std::fs::create_dir_all(ledger.parent().unwrap()).unwrap();
    std::fs::write(
        &ledger,
        "{\"seq\":1,\"at\":\"2026-11-30T10:00:00Z\",\"action\":\"deploy\",\"version\":\"2.3.1\",\"ok\":true,\"release\":\"2026-11-30-minor\",\"by\":\"bob\",\"summary\":\"1 command exited 0\"}\n",
    )
    .unwrap();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        format!(
            r#"[operator]
name = "alice"
timezone = "UTC"

[[target]]
name = "web"
kind = "command"
environment = "production"
workdir = "app"
deploy = "sh deploy.sh {{version}}"
rollback = ["sh rollback.sh {{version}} {{previous_version}}", "sh migrate-down.sh"]
env = {{ TARGET_ENV = "{{environment}}" }}
timeout = "30s"

[[signal]]
name = "web_errors"
source = "scrape"
url = "http://127.0.0.1:{port}/metrics"
unit = "ratio"
measure = "gauge(app_error_ratio)"
interval = "1s"
critical = "> 5% for 2s"

[rollback]
verify = "3s"
"#
        ),
    )
    .unwrap();
    check_and_start_minor_2_4_0(&home, &config);
    let tmux = Tmux::launch(
        tmux_home,
        false,
        &[],
        &["--config", config.to_str().unwrap()],
    );
    wait_for_frame(&tmux);
    tmux.send("3");
    tmux.wait_for("the command target's unit", |s| {
        s.contains("production/web") && s.contains("2.3.1") && s.contains("complete")
    });
    tmux.send("d");
    let held = tmux.wait_for_text("Held back by go/no-go");
    assert!(held.contains("Nothing may deploy 2.4.0 now"), "{held}");
    tmux.send("O");
    tmux.wait_for_text("Override go/no-go for");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "platform team: ship it"]);
    tmux.send("Enter");
    tmux.wait_for_text("go/no-go overridden");
    tmux.send("d");
    let dialog = tmux.wait_for_text("Deploy 2.4.0 to 1 unit(s)");
    assert!(dialog.contains("$ sh deploy.sh 2.4.0"), "{dialog}");
    tmux.send("y");
    let output = tmux.wait_for_text("deploying 2.4.0 to production");
    assert!(
        output.contains("web: deploy 2.4.0"),
        "the output opens: {output}"
    );
    tmux.send("Escape");
    let banner = tmux.wait_for_text("ROLLBACK TRIGGER: web_errors > 5%");
    assert!(banner.contains("production/web"), "{banner}");
    tmux.send("R");
    tmux.wait_for_text("How bad is it?");
    tmux.send("Enter");
    let scope = tmux.wait_for_text("Which units");
    assert!(scope.contains("[x] production/web"), "{scope}");
    assert!(scope.contains("#1 2.3.1"), "{scope}");
    tmux.send("Enter");
    let confirm = tmux.wait_for_text("Type the release version (2.4.0)");
    assert!(
        confirm.contains("$ sh rollback.sh 2.3.1 2.4.0")
            && confirm.contains("$ sh migrate-down.sh"),
        "the exact commands: {confirm}"
    );
    tmux.tmux(&["send-keys", "-t", "t", "-l", "2.4.0"]);
    tmux.send("Tab");
    tmux.send("Enter");
    let done = tmux.wait_for_text("Incident report:");
    assert!(done.contains("VERIFIED"), "{done}");
    let actions = std::fs::read_to_string(app.join("actions.log")).unwrap();
    assert_eq!(
        actions, "deploy 2.4.0\nrollback 2.4.0 -> 2.3.1\nmigrate down\n",
        "every command in order"
    );
    let path = done
        .lines()
        .find_map(|l| l.split("Incident report: ").nth(1))
        .and_then(|p| p.split_whitespace().next())
        .map(str::to_owned)
        .unwrap();
    let report = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(report.contains("production/web 2.4.0 -> 2.3.1"), "{report}");
    let entries = std::fs::read_to_string(&ledger).unwrap();
    assert_eq!(entries.lines().count(), 3, "{entries}");
    assert!(
        entries
            .lines()
            .last()
            .unwrap()
            .contains("\"action\":\"rollback\"")
    );
    tmux.send("Enter");
    tmux.send("q");
    tmux.wait_for_exit(0);
}

/// Deploys `2.4.0` to a Docker target past go/no-go; its `/metrics` says 50%
/// errors, so the trigger fires, and `R` puts 2.3.1 back on the same port.
#[test]
fn a_docker_target_deploys_fires_a_trigger_and_rolls_back_to_an_incident_report() {
    use support::docker::{Image, Kit, Run, free_port, http_get, inspect, wait_healthy};
    let kit = Kit::with(&[
        Image {
            version: "2.3.1",
            healthy: true,
            error_ratio: 0.0,
        },
        Image {
            version: "2.4.0",
            healthy: true,
            error_ratio: 0.5,
        },
    ]);
    let web = kit.name("web");
    let port = kit
        .run(&Run {
            name: &web,
            version: "2.3.1",
            env: &[("GREETING", "hello")],
            publish: Some(free_port()),
            ..Run::default()
        })
        .unwrap();
    wait_healthy(&web, Duration::from_secs(20));
    let tmux_home = std::rc::Rc::new(tempfile::tempdir().unwrap());
    let home = tmux_home.path().to_path_buf();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        format!(
            r#"[operator]
name = "alice"
timezone = "UTC"

[[target]]
name = "web"
kind = "docker"
container = "{web}"
environment = "production"
deadline = "30s"

[[signal]]
name = "web_errors"
source = "scrape"
url = "http://127.0.0.1:{port}/metrics"
unit = "ratio"
measure = "gauge(app_error_ratio)"
interval = "1s"
critical = "> 5% for 2s"

[rollback]
verify = "3s"
"#
        ),
    )
    .unwrap();
    check_and_start_minor_2_4_0(&home, &config);
    let tmux = Tmux::launch(
        tmux_home,
        false,
        &[],
        &["--config", config.to_str().unwrap()],
    );
    wait_for_frame(&tmux);
    tmux.send("3");
    let unit = format!("production/{web}");
    tmux.wait_for("the container's row", |s| {
        let row = row(s, &unit);
        row.contains("2.3.1") && row.contains("healthy")
    });
    tmux.send("d");
    tmux.wait_for_text("Held back by go/no-go");
    tmux.send("O");
    tmux.wait_for_text("Override go/no-go for");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "single host: ship it"]);
    tmux.send("Enter");
    tmux.wait_for_text("go/no-go overridden");
    tmux.send("d");
    let dialog = tmux.wait_for_text("Deploy 2.4.0 to 1 container(s)");
    assert!(dialog.contains("put back by itself"), "{dialog}");
    tmux.send("y");
    let output = tmux.wait_for_text(&format!("{web} runs {}", kit.image("2.4.0")));
    assert!(output.contains(&format!("stopping {web}")), "{output}");
    tmux.send("Escape");
    let banner = tmux.wait_for_text("ROLLBACK TRIGGER: web_errors > 5%");
    assert!(banner.contains(&unit), "{banner}");
    assert_eq!(
        http_get(port, "/metrics").map(|m| m.contains("0.5")),
        Some(true)
    );
    tmux.send("R");
    tmux.wait_for_text("How bad is it?");
    tmux.send("Enter");
    let scope = tmux.wait_for_text("Which containers");
    assert!(scope.contains(&format!("[x] {unit}")), "{scope}");
    assert!(scope.contains("rev 1 2.3.1"), "{scope}");
    tmux.send("Enter");
    tmux.wait_for_text("Type the release version (2.4.0)");
    tmux.tmux(&["send-keys", "-t", "t", "-l", "2.4.0"]);
    tmux.send("Tab");
    tmux.send("Enter");
    let done = tmux.wait_for_text("Incident report:");
    assert!(done.contains("VERIFIED"), "{done}");
    // Back on 2.3.1, on the same port, with its environment.
    let config_now = inspect(&web)["Config"].clone();
    assert_eq!(config_now["Image"], kit.image("2.3.1"));
    assert!(config_now["Env"].to_string().contains("GREETING=hello"));
    assert_eq!(kit.port(&web), port);
    let ledger =
        std::fs::read_to_string(home.join("state/release-cockpit/targets/web.jsonl")).unwrap();
    let actions: Vec<&str> = ledger
        .lines()
        .filter_map(|l| l.split("\"action\":\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(actions, ["deploy", "rollback"], "{ledger}");
    tmux.send("Enter");
    tmux.send("q");
    tmux.wait_for_exit(0);
}

/// A release of three components from one repository, through the real
/// binary: the prompt's components on the Checklist, a branch check that
/// starts unasked, the notes written into the CHANGELOG, and, once they are
/// committed, one tag per component with its own version, pushed to a bare
/// remote; the journal keeps the commits each tag released.
#[test]
fn a_release_of_three_components_checks_writes_its_notes_and_tags_each() {
    let (repo, remote) = support::git::with_remote();
    repo.commit("backend/main.rs", "feat(api): first endpoints");
    repo.commit("frontend/app.ts", "feat: first screen");
    repo.commit("bot/bot.py", "feat: first command");
    for tag in ["backend-v1.4.0", "frontend-v2.0.0", "bot-v0.8.0"] {
        repo.tag(tag);
    }
    repo.commit("backend/orders.rs", "feat(orders): export as CSV (#51)");
    repo.commit("frontend/cart.ts", "fix(cart): round totals");
    repo.commit("bot/bot.py", "feat(bot)!: commands take a project");
    repo.git(&["push", "-q", "origin", "main"]);
    let tmux_home = std::rc::Rc::new(tempfile::tempdir().unwrap());
    let home = tmux_home.path().to_path_buf();
    let playbooks = home.join("playbooks");
    std::fs::create_dir_all(&playbooks).unwrap();
    std::fs::write(
        playbooks.join("repo.toml"),
        r#"name = "repo"

[[phase]]
name = "Release day"

[[phase.step]]
id = "on-main"
title = "Released from main"
at = "T-0"
kind = "git"
check = "branch"
pattern = "main"

[[phase.step]]
id = "notes"
title = "Write the release notes"
at = "T-0"
kind = "notes"

[[phase.step]]
id = "tag"
title = "Tag each component"
at = "T-0"
kind = "tag"
"#,
    )
    .unwrap();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        format!(
            "[operator]\nname = \"alice\"\ntimezone = \"UTC\"\n\n[[repo]]\npath = \"{}\"\n\n\
             [[component]]\nname = \"backend\"\npath = \"backend\"\n\n\
             [[component]]\nname = \"frontend\"\npath = \"frontend\"\n\n\
             [[component]]\nname = \"bot\"\npath = \"bot\"\n",
            repo.path().display()
        ),
    )
    .unwrap();
    let start = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "start",
            "--type",
            "minor",
        ])
        .args(["--version", "2026.12.0", "--at", "2026-01-06 10:00 UTC"])
        .args(["--playbook", "repo"])
        .args([
            "--component",
            "backend=1.5.0",
            "--component",
            "frontend=2.0.1",
        ])
        .args(["--component", "bot=0.9.0"])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
    let journal = home.join("state/release-cockpit/releases/minor-2026.12.0-20260106.jsonl");
    let tmux = Tmux::launch(
        tmux_home,
        false,
        &[],
        &["--config", config.to_str().unwrap()],
    );
    tmux.wait_for_text("backend 1.5.0 · bot 0.9.0 · frontend 2.0.1");
    let passed = |count: usize| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let written = std::fs::read_to_string(&journal).unwrap();
            if written.matches("\"passed\":true").count() >= count {
                return written;
            }
            assert!(
                Instant::now() < deadline,
                "{count} steps did not pass:\n{}\n{written}",
                tmux.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    // The branch check runs on Space, without a dialog.
    tmux.send("j");
    tmux.send("Space");
    let written = passed(1);
    for component in ["backend", "frontend", "bot"] {
        assert!(
            written.contains(&format!("{component}: on main")),
            "{written}"
        );
    }

    tmux.send("j");
    tmux.send("Space");
    tmux.wait_for_text("Write the release notes?");
    tmux.send("y");
    passed(2);
    let changelog = std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap();
    for section in [
        "## [backend 1.5.0]",
        "## [frontend 2.0.1]",
        "## [bot 0.9.0]",
    ] {
        assert!(changelog.contains(section), "{changelog}");
    }
    // The team commits its notes; then the tags go on that commit.
    repo.git(&["add", "CHANGELOG.md"]);
    repo.git(&["commit", "-q", "-m", "docs: notes for 2026.12.0"]);

    tmux.send("j");
    tmux.send("Space");
    let dialog = tmux.wait_for_text("Tag the release?");
    assert!(
        dialog.contains("backend-v1.5.0, frontend-v2.0.1, bot-v0.9.0"),
        "{dialog}"
    );
    tmux.send("y");
    let written = passed(3);
    let refs = support::git::remote_refs(&remote);
    for tag in ["backend-v1.5.0", "frontend-v2.0.1", "bot-v0.9.0"] {
        assert!(refs.contains(&format!("refs/tags/{tag}")), "{refs}");
    }
    assert_eq!(
        repo.git(&["rev-parse", "backend-v1.5.0^{commit}"]),
        repo.git(&["rev-parse", "HEAD"]),
        "on the commit that holds the notes"
    );
    assert!(written.contains("\"released\":["), "{written}");
    tmux.send("q");
    tmux.wait_for_exit(0);
}

/// A notify step through the real terminal: Space shows the message and
/// where it goes, `y` sends it to a real local webhook; the webhook's URL
/// (from the environment) is in neither the journal, `history --json`, the
/// log nor the screen.
#[test]
fn a_notify_step_sends_its_message_to_a_webhook_and_its_secret_url_stays_out_of_everything() {
    let receiver = support::webhook::Receiver::start(Vec::new());
    let secret_url = format!("{}/hooks/SeCrEtToKeN123456", receiver.url);
    let tmux_home = std::rc::Rc::new(tempfile::tempdir().unwrap());
    let home = tmux_home.path().to_path_buf();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        "[operator]\nname = \"alice\"\ntimezone = \"UTC\"\n\n[[channel]]\nname = \"team\"\nkind = \"webhook\"\nurl = { from_env = \"TEAM_WEBHOOK\" }\nretries = 0\n",
    )
    .unwrap();
    let start = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "start",
            "--type",
            "minor",
        ])
        .args(["--version", "2.4.0", "--at", "2030-01-08 10:00 UTC"])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
    let config_arg = format!("--config {}", config.display());
    let tmux = Tmux::launch(
        tmux_home,
        false,
        &[("TEAM_WEBHOOK", &secret_url)],
        &[&config_arg, "--log-level", "debug"],
    );
    tmux.wait_for_text("Announce the release");
    tmux.send("2");
    tmux.send("j");
    tmux.send("Space");
    let dialog = tmux.wait_for_text("Send the message?");
    assert!(
        dialog.contains("sends `notice` to team (webhook)"),
        "{dialog}"
    );
    tmux.send("y");
    let got = receiver.wait_for(1, Duration::from_secs(20));
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert!(body["text"].as_str().unwrap().contains("2.4.0"), "{body}");
    assert_eq!(got[0].path, "/hooks/SeCrEtToKeN123456");
    let journal = home.join("state/release-cockpit/releases/minor-2.4.0-20300108.jsonl");
    let deadline = Instant::now() + Duration::from_secs(20);
    let written = loop {
        let written = std::fs::read_to_string(&journal).unwrap();
        if written.contains("gate_finished") {
            break written;
        }
        assert!(Instant::now() < deadline, "no outcome:\n{}", tmux.screen());
        std::thread::sleep(Duration::from_millis(50));
    };
    let screen = tmux.screen();
    tmux.send("q");
    tmux.wait_for_exit(0);
    assert!(
        written.contains("sent to `team` (HTTP 200, 1 attempt)"),
        "{written}"
    );
    let history = Command::new(BIN)
        .args(["history", "--json"])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    let history = String::from_utf8_lossy(&history.stdout).into_owned();
    assert!(history.contains("gate_finished"), "{history}");
    let log = std::fs::read_to_string(home.join("state/release-cockpit/logs/release-cockpit.log"))
        .unwrap_or_else(|e| panic!("the log: {e}"));
    assert!(log.contains("message sent"), "{log}");
    for (what, text) in [
        ("journal", &written),
        ("history", &history),
        ("log", &log),
        ("screen", &screen),
    ] {
        assert!(
            !text.contains("SeCrEtToKeN123456"),
            "the secret in the {what}: {text}"
        );
    }
}

/// A pipeline drives the release from the command line (`deploy`, then
/// `rollback`) on a command target while the on-call watches in a
/// read-only cockpit: the follower shows each step within the polls.
#[test]
fn a_pipeline_deploys_and_rolls_back_while_a_read_only_cockpit_shows_it() {
    let tmux_home = std::rc::Rc::new(tempfile::tempdir().unwrap());
    let home = tmux_home.path().to_path_buf();
    let app = home.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("live-version"), "2.3.1\n").unwrap();
    let ledger = home.join("state/release-cockpit/targets/web.jsonl");
    std::fs::create_dir_all(ledger.parent().unwrap()).unwrap();
    std::fs::write(
        &ledger,
        "{\"seq\":1,\"at\":\"2026-11-30T10:00:00Z\",\"action\":\"deploy\",\"version\":\"2.3.1\",\"ok\":true,\"release\":\"2026-11-30-minor\",\"by\":\"bob\",\"summary\":\"1 command exited 0\"}\n",
    )
    .unwrap();
    let config = home.join("cockpit.toml");
    std::fs::write(
        &config,
        r#"[operator]
name = "ci-bot"
timezone = "UTC"

[[target]]
name = "web"
kind = "command"
environment = "staging"
workdir = "app"
deploy = "sh -c 'echo $0 > live-version' {version}"
rollback = "sh -c 'echo $0 > live-version' {version}"
timeout = "30s"

[rollback]
verify = "1s"
"#,
    )
    .unwrap();
    check_and_start_minor_2_4_0(&home, &config);
    let config = config.to_str().unwrap().to_owned();
    let follower = Tmux::launch(tmux_home, false, &[], &["--read-only", "--config", &config]);
    wait_for_frame(&follower);
    follower.wait_for("the unit before", |s| {
        s.contains("staging/web") && s.contains("2.3.1")
    });
    let pipeline = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(["--config", &config])
            .args(args)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {said}");
        said
    };
    pipeline(&["deploy", "--environment", "staging", "--yes"]);
    follower.wait_for_text("ci-bot on deploy-staging: completed");
    follower.wait_for("the unit on the release", |s| {
        s.contains("staging/web") && s.contains("2.4.0")
    });
    let said = pipeline(&["rollback", "--reason", "smoke tests failed", "--yes"]);
    assert!(said.contains("verified"), "{said}");
    let screen = follower.wait_for_text("minor 2.4.0 rolled back");
    assert!(screen.contains("READ-ONLY"), "{screen}");
    follower.wait_for("the unit back", |s| {
        s.lines()
            .any(|l| l.contains("staging/web") && l.contains("2.3.1"))
    });
    follower.send("q");
    follower.wait_for_exit(0);
}

/// The sandbox served by the binary, as a team's cluster would be: its
/// kubeconfig, and the process (killed when dropped).
struct SharedCluster {
    kubeconfig: PathBuf,
    process: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Drop for SharedCluster {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn shared_cluster() -> SharedCluster {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let process = Command::new(BIN)
        .args(["sandbox", "--kubeconfig", kubeconfig.to_str().unwrap()])
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !kubeconfig.exists() {
        assert!(Instant::now() < deadline, "the sandbox did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    SharedCluster {
        kubeconfig,
        process,
        _dir: dir,
    }
}

/// `[share]` through the cluster: one machine writes (it holds the
/// release's Lease and mirrors its journal), another, with its own state
/// dir and nothing of the release, copies it from the cluster and follows
/// it live, read-only, naming the writer; `kubectl` sees both objects.
#[test]
fn a_second_machine_follows_the_writer_through_the_cluster() {
    let cluster = shared_cluster();
    let config = |home: &std::path::Path, name: &str| {
        let path = home.join("cockpit.toml");
        std::fs::write(
            &path,
            format!(
                "[operator]\nname = \"{name}\"\ntimezone = \"UTC\"\n\n[share]\nkind = \"kubernetes\"\nkubeconfig = \"{}\"\nnamespace = \"release\"\nlease = \"5s\"\n",
                cluster.kubeconfig.display()
            ),
        )
        .unwrap();
        format!("--config {}", path.display())
    };
    let a = Tmux::start(&[], &["--version"]);
    let a_config = config(&a.home(), "alice");
    // Alice says where she is reached while she writes.
    let a_file = a.home().join("cockpit.toml");
    let mut text = std::fs::read_to_string(&a_file).unwrap();
    text.push_str("contact = \"@alice in #releases\"\n");
    std::fs::write(&a_file, text).unwrap();
    let start = Command::new(BIN)
        .args(a_config.split(' '))
        .args(["start", "--type", "minor", "--version", "2.4.0"])
        .args(["--at", "2026-01-06 10:00 UTC"])
        .env("XDG_CONFIG_HOME", a.home().join("config"))
        .env("XDG_STATE_HOME", a.home().join("state"))
        .output()
        .unwrap();
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
    let writer = Tmux::start_in_home(a, &[&a_config]);
    writer.wait_for_text("minor 2.4.0");

    let b = Tmux::start(&[], &["--version"]);
    let b_config = config(&b.home(), "bob");
    let follower = Tmux::start_in_home(b, &[&b_config]);
    let screen = follower.wait_for_text("minor 2.4.0");
    assert!(
        screen.contains("following alice@") && screen.contains("another machine"),
        "{screen}"
    );
    let objects = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&cluster.kubeconfig)
        .args(["get", "lease,configmap", "-n", "release"])
        .output()
        .unwrap();
    let objects = String::from_utf8_lossy(&objects.stdout).into_owned();
    assert!(
        objects.contains("alice@") && objects.contains(".000000"),
        "the Lease held by alice and the first chunk:\n{objects}"
    );

    writer.send("j");
    writer.send("Space");
    writer.wait_for("the writer's step", |s| {
        row(s, FIRST_THREE[0]).contains("✓ done")
    });
    let seen = Instant::now();
    follower.wait_for("the other machine to show it", |s| {
        row(s, FIRST_THREE[0]).contains("✓ done")
    });
    assert!(
        seen.elapsed() < Duration::from_secs(3),
        "followed through the cluster in {:?}",
        seen.elapsed()
    );
    // Bob's keys are refused, naming Alice and where she is reached.
    follower.send("j");
    follower.send("Space");
    follower.wait_for_text("`complete` refused: alice@");
    follower.send("R");
    follower.wait_for_text("a rollback refused: alice@");
    follower.send(":");
    follower.type_line("notices");
    follower.wait_for_text("reach them @alice in #releases");
    follower.send("Escape");

    // The writer dies: once its Lease lapses (5 s), the other machine is
    // offered the takeover; Enter cancels, `:take-over` offers it again,
    // and `y` takes it, without a restart.
    kill(writer.cockpit_pid(), "-9");
    follower.wait_for_timeout("the offer", Duration::from_secs(15), |s| {
        s.contains("Take the release over?") && s.contains("from alice@")
    });
    follower.send("Enter");
    follower.wait_for_text("not taken over: still following");
    follower.send(":");
    follower.type_line("take-over");
    follower.wait_for_text("Take the release over?");
    follower.send("y");
    let screen = follower.wait_for_text("this cockpit writes it now");
    assert!(
        !screen.contains("following") && screen.contains("over from alice@"),
        "{screen}"
    );
    let taken = follower;
    taken.send("j");
    taken.send("j");
    taken.send("Space");
    taken.wait_for("bob's own step", |s| row(s, FIRST_THREE[1]).contains("✓"));
    let lease = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&cluster.kubeconfig)
        .args(["get", "lease", "-n", "release"])
        .output()
        .unwrap();
    let lease = String::from_utf8_lossy(&lease.stdout).into_owned();
    assert!(lease.contains("bob@"), "{lease}");

    // Alice comes back: she gets Bob's lines from the mirror and follows him.
    let back = Tmux::start_in_home(writer, &[&a_config]);
    let screen = back.wait_for("alice following bob", |s| {
        s.contains("following bob@") && row(s, FIRST_THREE[1]).contains("✓")
    });
    assert!(screen.contains("another machine"), "{screen}");
    back.send("q");
    back.wait_for_exit(0);
    taken.send("q");
    taken.wait_for_exit(0);
}
