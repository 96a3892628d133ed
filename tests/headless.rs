//! `release-cockpit step complete|skip|approve`: the Checklist's rules from
//! the command line, journaled by the binary, refused while a cockpit holds
//! the release's lock, and never running what only the cockpit runs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

fn run(args: &[&str], home: &Path, user: &str) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("USER", user)
        .env_remove("LOGNAME")
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A minor release two days ahead, started by alice, in a real store.
fn started() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/release-cockpit/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[ui]\n").unwrap();
    let at = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d %H:%M UTC")
        .to_string();
    let out = run(
        &[
            "start",
            "--type",
            "minor",
            "--version",
            "2.4.0",
            "--at",
            &at,
        ],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    home
}

fn history(home: &Path) -> String {
    said(&run(&["history"], home, "alice"))
}

#[test]
fn complete_skip_and_approve_are_journaled_by_the_checklists_rules() {
    let home = started();
    let out = run(&["step", "complete", "announce"], home.path(), "alice");
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(said(&out).contains("announce: completed"), "{}", said(&out));

    let out = run(&["step", "skip", "code-quality"], home.path(), "alice");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a reason is needed: {}",
        said(&out)
    );
    let out = run(
        &["step", "skip", "code-quality", "--reason", "CI is green"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));

    let out = run(&["step", "approve", "team-approval"], home.path(), "alice");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        said(&out).contains("self-approval refused"),
        "{}",
        said(&out)
    );
    let out = run(&["step", "approve", "team-approval"], home.path(), "bob");
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));

    let trail = history(home.path());
    for line in ["completed", "skipped: CI is green", "approved"] {
        assert!(trail.contains(line), "{line}: {trail}");
    }
    assert!(trail.contains("bob"), "who approved: {trail}");
}

#[test]
fn a_deploy_step_or_no_step_is_refused_and_not_journaled() {
    let home = started();
    let before = history(home.path());
    let out = run(
        &["step", "complete", "deploy-production"],
        home.path(),
        "alice",
    );
    // A deploy step is `deploy`'s, where go/no-go holds it (tested there).
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        said(&out).contains("release-cockpit deploy --environment production"),
        "{}",
        said(&out)
    );

    let out = run(&["step", "complete", "no-such-step"], home.path(), "alice");
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert_eq!(history(home.path()), before, "nothing was journaled");
}

#[test]
fn a_release_another_process_writes_is_refused_with_its_name() {
    let home = started();
    let store = release_cockpit::session::ReleaseStore::new(
        home.path().join("state/release-cockpit/releases"),
    );
    let id = store.list().into_iter().next().unwrap();
    let lock = release_cockpit::session::lock::acquire(&store.lock_path(&id).unwrap()).unwrap();
    assert!(matches!(
        lock,
        release_cockpit::session::lock::LockOutcome::Acquired { .. }
    ));
    let out = run(&["step", "complete", "announce"], home.path(), "alice");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    let holder = release_cockpit::session::lock::holder_name();
    assert!(
        said(&out).contains(&holder),
        "names {holder}: {}",
        said(&out)
    );
    drop(lock);
}

/// A command target in staging, and one in production.
fn with_targets(home: &Path) {
    let config = home.join("config/release-cockpit/config.toml");
    std::fs::write(
        &config,
        "[[target]]\nname = \"docs-staging\"\nkind = \"command\"\nenvironment = \"staging\"\ndeploy = \"echo deploying {version} to staging\"\nrollback = \"echo back to {version}\"\n\n[[target]]\nname = \"docs\"\nkind = \"command\"\nenvironment = \"production\"\ndeploy = \"echo deploying {version} to production\"\nrollback = \"echo back to {version}\"\n",
    )
    .unwrap();
}

#[test]
fn deploy_shows_its_plan_asks_for_yes_runs_the_commands_and_completes_the_step() {
    let home = started();
    with_targets(home.path());
    let out = run(
        &["step", "complete", "deploy-staging"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        said(&out).contains("release-cockpit deploy --environment staging"),
        "{}",
        said(&out)
    );
    let out = run(
        &["deploy", "--environment", "staging"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("add --yes"), "{}", said(&out));
    assert!(
        !history(home.path()).contains("deploy 2.4.0"),
        "nothing journaled"
    );

    let out = run(
        &["deploy", "--environment", "staging", "--yes"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        said(&out).contains("docs-staging: deploying 2.4.0 to staging"),
        "the command's output: {}",
        said(&out)
    );
    let trail = history(home.path());
    for line in [
        "deploy 2.4.0 to staging/docs-staging",
        "deploy done",
        "completed",
    ] {
        assert!(trail.contains(line), "{line}: {trail}");
    }

    // Production waits for go/no-go, from here as from the cockpit.
    let out = run(
        &["deploy", "--environment", "production", "--yes"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("go/no-go"), "{}", said(&out));
    assert!(!said(&out).contains("to production\n"), "{}", said(&out));
}

/// What an earlier release's deploy left in a command target's ledger.
fn deployed_before(home: &Path, target: &str, version: &str) {
    let ledger = home.join(format!("state/release-cockpit/targets/{target}.jsonl"));
    std::fs::create_dir_all(ledger.parent().unwrap()).unwrap();
    std::fs::write(
        &ledger,
        format!(
            "{{\"seq\":1,\"at\":\"2026-11-30T10:00:00Z\",\"action\":\"deploy\",\"version\":\"{version}\",\"ok\":true,\"release\":\"2026-11-30-minor\",\"by\":\"bob\",\"summary\":\"1 command exited 0\"}}\n"
        ),
    )
    .unwrap();
}

#[test]
fn rollback_shows_its_plan_asks_for_yes_reverts_verifies_and_writes_the_incident() {
    let home = started();
    with_targets(home.path());
    let config = home.path().join("config/release-cockpit/config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[rollback]\nverify = \"1s\"\n");
    std::fs::write(&config, text).unwrap();
    deployed_before(home.path(), "docs-staging", "2.3.1");
    let out = run(
        &["deploy", "--environment", "staging", "--yes"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));

    let out = run(&["rollback", "--reason", "errors up"], home.path(), "alice");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        said(&out).contains("staging/docs-staging 2.4.0 -> 2.3.1")
            && said(&out).contains("$ echo back to 2.3.1")
            && said(&out).contains("add --yes"),
        "the plan, with its exact command: {}",
        said(&out)
    );
    assert!(
        !history(home.path()).contains("rollback"),
        "nothing journaled"
    );
    let out = run(
        &[
            "rollback",
            "--to",
            "9.9.9",
            "--reason",
            "errors up",
            "--yes",
        ],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(said(&out).contains("--to one of 2.3.1"), "{}", said(&out));
    let out = run(
        &["rollback", "--target", "nope", "--reason", "x", "--yes"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(said(&out).contains("docs-staging"), "{}", said(&out));

    let out = run(
        &[
            "rollback",
            "--to",
            "2.3.1",
            "--severity",
            "P0",
            "--reason",
            "errors up",
            "--yes",
        ],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        said(&out).contains("docs-staging: back to 2.3.1"),
        "the command's output: {}",
        said(&out)
    );
    let report = said(&out)
        .lines()
        .find_map(|l| l.strip_prefix("incident report: "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("a report: {}", said(&out)));
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(report.contains("errors up"), "{report}");
    let trail = history(home.path());
    for line in [
        "rollback (P0) of staging/docs-staging 2.4.0 -> 2.3.1",
        "rollback of staging/docs-staging sent",
        "rollback verified",
        "incident report written",
    ] {
        assert!(trail.contains(line), "{line}: {trail}");
    }
    let releases = said(&run(&["releases"], home.path(), "alice"));
    assert!(releases.contains("rolled back"), "{releases}");

    // Once verified, there is nothing left that this release changed.
    let out = run(
        &["rollback", "--reason", "again", "--yes"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        said(&out).contains("nothing to roll back"),
        "{}",
        said(&out)
    );
}

#[test]
fn a_failed_revert_ends_the_rollback_at_once_and_says_how_to_go_on() {
    let home = started();
    let config = home.path().join("config/release-cockpit/config.toml");
    std::fs::write(
        &config,
        "[[target]]\nname = \"docs-staging\"\nkind = \"command\"\nenvironment = \"staging\"\ndeploy = \"echo deploying {version}\"\nrollback = \"sh -c 'echo no way back; exit 7'\"\n\n[rollback]\nverify = \"1s\"\n",
    )
    .unwrap();
    deployed_before(home.path(), "docs-staging", "2.3.1");
    let out = run(
        &["deploy", "--environment", "staging", "--yes"],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let started = std::time::Instant::now();
    let out = run(
        &[
            "rollback",
            "--severity",
            "p1",
            "--reason",
            "errors up",
            "--yes",
        ],
        home.path(),
        "alice",
    );
    assert_eq!(out.status.code(), Some(4), "{}", said(&out));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "not left to the 30m timeout"
    );
    assert!(
        said(&out).contains("r retries the failed revert"),
        "{}",
        said(&out)
    );
    let trail = history(home.path());
    assert!(
        trail.contains("rollback of staging/docs-staging failed"),
        "{trail}"
    );
}
