//! The command-line surface: subcommands and config errors before any TUI.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

fn run(args: &[&str], home: &std::path::Path) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .expect("run the binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_config_accepts_the_example() {
    let home = tempfile::tempdir().expect("tempdir");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let out = run(&["check-config", example], home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ok: "));
}

#[test]
fn bad_config_exits_2_with_file_line_key_and_fix_before_any_tui() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("bad.toml");
    std::fs::write(&file, "[ui]\ntheme = \"drak\"\n").expect("write");
    for args in [
        vec!["check-config", file.to_str().expect("utf-8")],
        vec!["--config", file.to_str().expect("utf-8")],
    ] {
        let out = run(&args, home.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!(
                "{}, line 2, column 9, key `ui.theme`",
                file.display()
            )),
            "{err}"
        );
        assert!(err.contains("did you mean `dark`?"), "{err}");
        assert!(err.contains("fix:"), "{err}");
        assert!(
            !text(&out.stdout).contains("\u{1b}[?1049h"),
            "no alternate screen was entered"
        );
    }
}

#[test]
fn env_var_names_the_config() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("env.toml");
    std::fs::write(&file, "[log]\nlevel = \"chatty\"\n").expect("write");
    let out = Command::new(BIN)
        .arg("check-config")
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("RELEASE_COCKPIT_CONFIG", &file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown log level `chatty`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unknown_theme_on_the_command_line_is_rejected() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(&["--theme", "lihgt"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `light`?"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn info_prints_every_path() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(&["info"], home.path());
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    for label in [
        "config file:",
        "themes dir:",
        "playbooks dir:",
        "state dir:",
        "log file:",
        "built-in demo config",
    ] {
        assert!(stdout.contains(label), "{label} missing:\n{stdout}");
    }
    assert!(
        stdout.contains(&home.path().join("config").display().to_string()),
        "{stdout}"
    );
}

#[test]
fn version_and_completions() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(&["--version"], home.path());
    assert_eq!(
        text(&out.stdout).trim(),
        format!("release-cockpit {}", env!("CARGO_PKG_VERSION"))
    );
    let out = run(&["completions", "bash"], home.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("check-config"));
}

#[test]
fn start_writes_a_release_journal_and_refuses_a_duplicate() {
    let home = tempfile::tempdir().expect("tempdir");
    let args = [
        "start",
        "--type",
        "minor",
        "--version",
        "2.4.0",
        "--at",
        "2026-12-01 10:00 America/Los_Angeles",
    ];
    let out = run(&args, home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(
            "started minor-2.4.0-20261201 (minor 2.4.0, minor playbook), T-0 2026-12-01 10:00 PST"
        ),
        "{stdout}"
    );
    let journal = home
        .path()
        .join("state/release-cockpit/releases/minor-2.4.0-20261201.jsonl");
    let line = std::fs::read_to_string(&journal).expect("journal written");
    assert!(line.contains("\"type\":\"release_started\""), "{line}");
    assert!(line.contains("\"t0\":\"2026-12-01T18:00:00Z\""), "{line}");

    let again = run(&args, home.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("exists already"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn start_rejects_bad_input_with_a_reason() {
    let home = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            [
                "--type",
                "weekly",
                "--version",
                "1.0.0",
                "--at",
                "2026-12-01 10:00 UTC",
            ],
            "not a release type",
        ),
        (
            [
                "--type",
                "patch",
                "--version",
                "1.0",
                "--at",
                "2026-12-01 10:00 UTC",
            ],
            "not a semantic version",
        ),
        (
            [
                "--type",
                "patch",
                "--version",
                "1.0.1",
                "--at",
                "2026-03-08 02:30 America/Los_Angeles",
            ],
            "does not exist",
        ),
        (
            ["--type", "patch", "--version", "1.0.1", "--at", "tomorrow"],
            "is not a time",
        ),
    ];
    for (args, expected) in cases {
        let out = run(&[&["start"][..], &args[..]].concat(), home.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(expected),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn releases_and_history_read_the_journals() {
    let home = tempfile::tempdir().expect("tempdir");
    for (kind, version, at) in [
        ("minor", "2.4.0", "2026-12-01 10:00 UTC"),
        ("hotfix", "2.3.2", "2026-11-25 15:00 UTC"),
    ] {
        let out = run(
            &["start", "--type", kind, "--version", version, "--at", at],
            home.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let out = run(&["releases"], home.path());
    let listing = text(&out.stdout);
    assert!(listing.starts_with("ID "), "{listing}");
    assert!(listing.contains("minor-2.4.0-20261201"), "{listing}");
    assert!(listing.contains("hotfix-2.3.2-20261125"), "{listing}");

    let out = run(
        &["history", "--release", "minor-2.4.0-20261201"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let trail = text(&out.stdout);
    assert!(
        trail.contains("#1") && trail.contains("started minor 2.4.0 (minor playbook)"),
        "{trail}"
    );

    let out = run(
        &["history", "--release", "minor-2.4.0-20261201", "--json"],
        home.path(),
    );
    let first: serde_json::Value =
        serde_json::from_str(text(&out.stdout).lines().next().expect("a line")).expect("json");
    assert_eq!(first["release"], "minor-2.4.0-20261201");
    assert_eq!(first["seq"], 1);
    assert_eq!(first["event"]["type"], "release_started");

    let out = run(&["history", "--release", "nope"], home.path());
    assert_eq!(out.status.code(), Some(1));
}

/// A playbook whose `deploy` gate gets `env`, in the user's playbook dir.
fn secret_playbook(home: &std::path::Path, env: &str) {
    let dir = home.join("config/release-cockpit/playbooks");
    std::fs::create_dir_all(&dir).expect("playbooks dir");
    std::fs::write(
        dir.join("secret.toml"),
        format!(
            "name = \"secret\"\n\n[[phase]]\nname = \"ship\"\n\n[[phase.step]]\nid = \"deploy\"\ntitle = \"Deploy\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"echo $TOKEN\"\nenv = {env}\n"
        ),
    )
    .expect("write playbook");
}

const START_SECRET: [&str; 9] = [
    "start",
    "--type",
    "patch",
    "--version",
    "1.0.1",
    "--at",
    "2026-12-01 10:00 UTC",
    "--playbook",
    "secret",
];

#[test]
fn a_secret_never_enters_the_journal_or_history() {
    let home = tempfile::tempdir().expect("tempdir");
    secret_playbook(
        home.path(),
        "{ TOKEN = { from_env = \"DEPLOY_TOKEN\" }, RUST_LOG = \"info\" }",
    );
    let out = Command::new(BIN)
        .args(START_SECRET)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("DEPLOY_TOKEN", "s3cr3t-xyz")
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let journal = std::fs::read_to_string(
        home.path()
            .join("state/release-cockpit/releases/patch-1.0.1-20261201.jsonl"),
    )
    .expect("journal written");
    assert!(!journal.contains("s3cr3t-xyz"), "{journal}");
    assert!(
        journal.contains("from_env"),
        "the reference is kept: {journal}"
    );
    let history = run(&["history", "--json"], home.path());
    assert_eq!(history.status.code(), Some(0), "{}", text(&history.stderr));
    assert!(text(&history.stdout).contains("DEPLOY_TOKEN"));
    assert!(!text(&history.stdout).contains("s3cr3t-xyz"));
}

#[test]
fn a_literal_secret_in_a_playbook_is_a_config_error_that_does_not_repeat_it() {
    let home = tempfile::tempdir().expect("tempdir");
    secret_playbook(home.path(), "{ TOKEN = \"s3cr3t-xyz\" }");
    let out = run(&START_SECRET, home.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("secret.toml, line 12"), "{err}");
    assert!(err.contains("env `TOKEN` has a literal value"), "{err}");
    assert!(err.contains("use { from_env = \"TOKEN\" }"), "{err}");
    assert!(!err.contains("s3cr3t-xyz"), "{err}");
    assert!(!home.path().join("state/release-cockpit/releases").exists());
}

#[test]
fn history_and_its_json_never_print_raw_control_characters() {
    let home = tempfile::tempdir().expect("tempdir");
    let hostile = "eve\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}1m";
    let out = Command::new(BIN)
        .args([
            "start",
            "--type",
            "patch",
            "--version",
            "1.0.1",
            "--at",
            "2026-12-01 10:00 UTC",
        ])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("USER", hostile)
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let trail = run(&["history"], home.path());
    let shown = text(&trail.stdout);
    assert!(shown.contains("eve]0;owned[2J1m"), "{shown:?}");
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{shown:?}"
    );

    let json = run(&["history", "--json"], home.path());
    let lines = text(&json.stdout);
    assert!(
        !lines.chars().any(|c| c.is_control() && c != '\n'),
        "{lines:?}"
    );
    let first: serde_json::Value =
        serde_json::from_str(lines.lines().next().expect("a line")).expect("json");
    assert_eq!(first["operator"], hostile, "JSON keeps the text, escaped");
}

#[test]
fn a_reader_that_stops_early_ends_every_printing_command_quietly() {
    let home = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["info"],
        vec!["releases"],
        vec!["completions", "bash"],
        vec!["check-config"],
    ] {
        // Closed before the program can write, as `| head -0` would: the
        // reading end is gone before it starts (closing it after the spawn
        // raced a fast program that had written everything already).
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(BIN)
            .args(&args)
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env_remove("RELEASE_COCKPIT_CONFIG")
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("run");
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            out.status.code(),
            Some(141),
            "{args:?}: 128 + SIGPIPE; {err}"
        );
    }
}

/// Every file and dir under `root` with its permission bits.
fn modes(root: &std::path::Path) -> Vec<(std::path::PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut queue = vec![root.to_path_buf()];
    while let Some(path) = queue.pop() {
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        found.push((path.clone(), meta.permissions().mode() & 0o777));
        if meta.is_dir() {
            queue.extend(
                std::fs::read_dir(&path)
                    .expect("list")
                    .map(|e| e.expect("entry").path()),
            );
        }
    }
    found
}

/// Asserts the cockpit's state is private: dirs 0700, files 0600.
pub fn assert_private(root: &std::path::Path) {
    let found = modes(root);
    assert!(found.len() > 2, "something was created: {found:?}");
    for (path, mode) in found {
        let wanted = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, wanted, "{} is {mode:o}", path.display());
    }
}

#[test]
fn state_files_are_private_even_under_umask_000() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = Command::new("sh")
        .args(["-c", "umask 000; exec \"$@\"", "sh", BIN])
        .args([
            "start",
            "--type",
            "patch",
            "--version",
            "1.0.1",
            "--at",
            "2026-12-01 10:00 UTC",
        ])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_private(&home.path().join("state"));
}

/// Every path under `root` with its size and modification time.
pub fn snapshot(root: &std::path::Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    let mut found: Vec<_> = modes(root)
        .into_iter()
        .map(|(path, _)| {
            let meta = std::fs::symlink_metadata(&path).expect("stat");
            (path, meta.len(), meta.modified().expect("mtime"))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn start_under_read_only_is_refused_and_writes_nothing() {
    let home = tempfile::tempdir().expect("tempdir");
    let start = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend([
            "start",
            "--type",
            "patch",
            "--version",
            "1.0.1",
            "--at",
            "2026-12-01 10:00 UTC",
        ]);
        run(&args, home.path())
    };
    let out = start(&["--read-only"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--read-only writes nothing"),
        "{}",
        text(&out.stderr)
    );
    assert!(!home.path().join("state").exists(), "no state dir was made");

    assert_eq!(start(&[]).status.code(), Some(0));
    let before = snapshot(&home.path().join("state"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(start(&["--read-only"]).status.code(), Some(2));
    assert_eq!(snapshot(&home.path().join("state")), before);
}

#[test]
fn check_config_says_which_steps_go_no_go_gates_and_flags_unmarked_deploys() {
    let home = tempfile::tempdir().expect("tempdir");
    let example = team_folder(home.path());
    let playbooks = home.path().join("team/playbooks");
    std::fs::write(
        playbooks.join("render.toml"),
        r#"
name = "render"

[[phase]]
name = "Release day"

[[phase.step]]
id = "ship"
title = "Deploy"
at = "T-0"
kind = "command"
run = "npm run deploy:production"
"#,
    )
    .expect("write");
    let out = run(&["check-config", &example], home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("go/no-go: playbook `minor` gates deploy-production (production)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("go/no-go: playbook `render` gates nothing: no step deploys to production"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "note: playbook `render`, step `ship` runs a command that reads like a deploy"
        ),
        "{stderr}"
    );
}

/// A team's folder, `<home>/team`: the example config as `cockpit.toml` and
/// an empty `playbooks/` beside it; returns the config's path.
fn team_folder(home: &std::path::Path) -> String {
    let team = home.join("team");
    std::fs::create_dir_all(team.join("playbooks")).expect("mkdir");
    let config = team.join("cockpit.toml");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"),
        &config,
    )
    .expect("copy the example");
    config.display().to_string()
}

#[test]
fn a_teams_folder_holds_its_playbooks_and_a_broken_one_fails_check_config() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = team_folder(home.path());
    let broken = home.path().join("team/playbooks/broken.toml");
    std::fs::write(&broken, far_playbook("T-4hours")).expect("write");
    // The personal config dir is not read for a team's config.
    let personal = home.path().join("config/release-cockpit/playbooks");
    std::fs::create_dir_all(&personal).expect("mkdir");
    std::fs::write(personal.join("mine.toml"), far_playbook("T-9999999999w")).expect("write");
    for args in [
        vec!["check-config", config.as_str()],
        vec!["--config", config.as_str(), "check-config"],
    ] {
        let out = run(&args, home.path());
        assert_config_error(
            &out,
            &format!(
                "{}, line 14, column 6, key `phase.step.at`",
                broken.display()
            ),
            "step `fix-merged`",
        );
        assert!(
            !text(&out.stderr).contains("mine.toml"),
            "{}",
            text(&out.stderr)
        );
    }
    std::fs::write(&broken, far_playbook("T-4h")).expect("fix it");
    let out = run(&["check-config", &config], home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("go/no-go: playbook `far`"),
        "{}",
        text(&out.stdout)
    );
    let info = text(&run(&["--config", &config, "info"], home.path()).stdout);
    let team = home.path().join("team");
    for line in [
        format!("playbooks dir:  {}", team.join("playbooks").display()),
        format!("templates dir:  {}", team.join("templates").display()),
    ] {
        assert!(info.contains(&line), "{line}:\n{info}");
    }
    assert!(
        info.contains("far"),
        "the team's playbook is listed: {info}"
    );
}

#[test]
fn check_config_reports_an_unknown_variable_in_a_playbook_at_its_line() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = team_folder(home.path());
    let playbook = home.path().join("team/playbooks/render.toml");
    std::fs::write(
        &playbook,
        "name = \"render\"\n\n[[phase]]\nname = \"Release day\"\n\n[[phase.step]]\nid = \"ship\"\ntitle = \"Deploy v{version}\"\nat = \"T-0\"\nkind = \"command\"\nenvironment = \"production\"\nrun = \"render deploy --tag v{verison}\"\n",
    )
    .expect("write");
    let out = run(&["check-config", &config], home.path());
    assert_config_error(
        &out,
        &format!(
            "{}, line 12, column 29, key `phase.step.run`",
            playbook.display()
        ),
        "step `ship`: `{verison}` in `run` is not a variable",
    );
    let err = text(&out.stderr);
    assert!(err.contains("did you mean `{version}`?"), "{err}");
    assert!(
        err.contains("use one of {version}, {previous_version}, {release}"),
        "{err}"
    );
}

#[test]
fn a_relative_config_path_reads_the_folder_it_names() {
    let home = tempfile::tempdir().expect("tempdir");
    team_folder(home.path());
    std::fs::write(
        home.path().join("team/playbooks/broken.toml"),
        far_playbook("T-4hours"),
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["check-config", "team/cockpit.toml"])
        .current_dir(home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .expect("run");
    assert_config_error(
        &out,
        "team/playbooks/broken.toml, line 14",
        "step `fix-merged`",
    );
}

/// A config with one train; `field` is its last line (line 7).
fn train_config(home: &std::path::Path, rrule: &str, field: &str) -> std::path::PathBuf {
    let file = home.join("trains.toml");
    let config = format!(
        "[[train]]\nname = \"modules\"\ntype = \"minor\"\ntimezone = \"UTC\"\nstart = \"2026-01-06 10:00\"\nrrule = \"{rrule}\"\n{field}\n"
    );
    std::fs::write(&file, config).expect("write");
    file
}

fn assert_config_error(out: &Output, at: &str, problem: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit 2, not a panic:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(at), "{at}:\n{err}");
    assert!(err.contains(problem), "{problem}:\n{err}");
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn check_config_bounds_a_train_offset_instead_of_panicking() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = train_config(home.path(), "FREQ=WEEKLY", "freeze = \"T-99999999999999d\"");
    let out = run(
        &["check-config", file.to_str().expect("utf-8")],
        home.path(),
    );
    assert_config_error(
        &out,
        &format!(
            "{}, line 7, column 10, key `train[0].freeze`",
            file.display()
        ),
        "further from T-0 than 10 years (3653d)",
    );
}

#[test]
fn check_config_rejects_a_cadence_that_never_yields_a_release() {
    let home = tempfile::tempdir().expect("tempdir");
    for rule in [
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    ] {
        let file = train_config(home.path(), rule, "freeze = \"T-2d\"");
        let out = run(
            &["check-config", file.to_str().expect("utf-8")],
            home.path(),
        );
        assert_config_error(
            &out,
            &format!("{}, line 6, column 9, key `train[0].rrule`", file.display()),
            "train `modules`: ",
        );
    }
}

/// The patch playbook under another name, with its first offset replaced.
fn far_playbook(offset: &str) -> String {
    include_str!("../assets/playbooks/patch.toml")
        .replace("name = \"patch\"", "name = \"far\"")
        .replace("release_types = [\"patch\"]", "release_types = []")
        .replace("at = \"T-4h\"", &format!("at = \"{offset}\""))
}

#[test]
fn check_config_bounds_a_playbook_offset_instead_of_panicking_later() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("config/release-cockpit/playbooks");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let playbook = dir.join("far.toml");
    std::fs::write(&playbook, far_playbook("T-9999999999w")).expect("write");
    // The default config file: its playbooks are the config dir's.
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    std::fs::copy(
        example,
        home.path().join("config/release-cockpit/config.toml"),
    )
    .expect("copy");
    let out = run(&["check-config"], home.path());
    assert_config_error(
        &out,
        &format!(
            "{}, line 14, column 6, key `phase.step.at`",
            playbook.display()
        ),
        "`T-9999999999w` is further from T-0 than 10 years (3653d)",
    );
    let start = run(
        &[
            "start",
            "--type",
            "patch",
            "--playbook",
            "far",
            "--version",
            "1.0.1",
            "--at",
            "2026-12-01 10:00 UTC",
        ],
        home.path(),
    );
    assert_eq!(start.status.code(), Some(2), "{}", text(&start.stderr));
}

#[test]
fn a_journal_whose_recorded_playbook_is_out_of_range_is_an_error_not_a_panic() {
    use release_cockpit::domain::events::Event;
    use release_cockpit::session::journal::{encode, replay};

    let home = tempfile::tempdir().expect("tempdir");
    let out = run(
        &[
            "start",
            "--type",
            "patch",
            "--version",
            "1.0.1",
            "--at",
            "2026-12-01 10:00 UTC",
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // What an older build wrote before offsets were bounded.
    let journal = home
        .path()
        .join("state/release-cockpit/releases/patch-1.0.1-20261201.jsonl");
    let mut records = replay(&std::fs::read(&journal).expect("read")).records;
    let Event::ReleaseStarted { playbook_text, .. } = &mut records[0].event else {
        panic!("the first line starts the release");
    };
    *playbook_text = playbook_text.replace("at = \"T-4h\"", "at = \"T-9999999999w\"");
    let forged: String = records.iter().map(|r| encode(r).expect("encode")).collect();
    std::fs::write(&journal, forged).expect("write");

    {
        let args = ["history", "--release", "patch-1.0.1-20261201"];
        let out = run(&args, home.path());
        let err = text(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked:\n{err}");
        assert!(!err.contains("panicked"), "{args:?}:\n{err}");
        assert!(
            err.contains("the recorded playbook no longer parses")
                && err.contains("10 years (3653d)"),
            "{args:?}: a clear error\n{err}"
        );
    }
    let listing = text(&run(&["releases"], home.path()).stdout);
    assert!(
        listing.contains("patch-1.0.1-20261201") && listing.contains("unreadable"),
        "{listing}"
    );
}

#[test]
fn check_config_reports_an_unknown_variable_in_a_command_target_at_its_line() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("cockpit.toml");
    std::fs::write(
        &config,
        "[[target]]\nname = \"web\"\nkind = \"command\"\nenvironment = \"production\"\n\
         deploy = \"npm run deploy -- --tag v{version}\"\n\
         rollback = [\"render deploys rollback --service srv-1\", \"npm run migrate:down -- {previous_verison}\"]\n",
    )
    .expect("write");
    let out = run(
        &["check-config", config.to_str().expect("utf-8")],
        home.path(),
    );
    assert_config_error(
        &out,
        &format!("{}, line 6, column", config.display()),
        "`{previous_verison}` is not a variable",
    );
    assert!(
        text(&out.stderr).contains("target[0].rollback"),
        "{}",
        text(&out.stderr)
    );
}
