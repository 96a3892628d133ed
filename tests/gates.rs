//! Gates against real peers: shell commands that pass, fail, print and hang past
//! their timeout; HTTP checks against a real HTTP server on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::collections::BTreeMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use release_cockpit::domain::playbook::{CommandGate, EnvValue, HttpCheck, StepKind};
use release_cockpit::domain::vars::Vars;
use release_cockpit::runtime::gates;

fn command(run: &str, timeout: Duration) -> StepKind {
    StepKind::Command(CommandGate {
        run: run.into(),
        workdir: None,
        env: BTreeMap::new(),
        timeout,
        deploys_to: None,
    })
}

#[tokio::test]
async fn a_passing_command_captures_its_output() {
    let outcome = gates::run(
        &command("echo out; echo err >&2", Duration::seconds(10)),
        &Vars::new(),
    )
    .await;
    assert!(outcome.passed, "{outcome:?}");
    assert!(
        outcome.summary.starts_with("exit 0 in"),
        "{}",
        outcome.summary
    );
    assert_eq!(outcome.output, "out\nerr\n");
}

#[tokio::test]
async fn a_failing_command_reports_its_exit_code() {
    let outcome = gates::run(
        &command("echo 'tests: 3 failed'; exit 3", Duration::seconds(10)),
        &Vars::new(),
    )
    .await;
    assert!(!outcome.passed);
    assert!(
        outcome.summary.starts_with("exit 3 in"),
        "{}",
        outcome.summary
    );
    assert!(outcome.output.contains("3 failed"));
}

#[tokio::test]
async fn env_and_workdir_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let gate = StepKind::Command(CommandGate {
        run: "echo \"$RELEASE $(pwd)\"".into(),
        workdir: Some(dir.path().display().to_string()),
        env: BTreeMap::from([("RELEASE".to_owned(), EnvValue::Literal("2.4.0".to_owned()))]),
        timeout: Duration::seconds(10),
        deploys_to: None,
    });
    let outcome = gates::run(&gate, &Vars::new()).await;
    let dir = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(outcome.output.trim(), format!("2.4.0 {}", dir.display()));
}

#[tokio::test]
async fn a_command_runs_with_its_variables_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("production")).unwrap();
    let gate = StepKind::Command(CommandGate {
        run: "echo \"tag v{version} of {release}, $TAG in $(basename \"$(pwd)\") ${HOME:+home} {{x}}\"".into(),
        workdir: Some(format!("{}/{{environment}}", dir.path().display())),
        env: BTreeMap::from([("TAG".to_owned(), EnvValue::Literal("v{version}".to_owned()))]),
        timeout: Duration::seconds(10),
        deploys_to: Some("production".into()),
    });
    let vars = Vars::new()
        .set("version", "2.4.0")
        .set("release", "minor-2.4.0-20261201")
        .set("environment", "production");
    let outcome = gates::run(&gate, &vars).await;
    assert!(outcome.passed, "{outcome:?}");
    assert_eq!(
        outcome.output.trim(),
        "tag v2.4.0 of minor-2.4.0-20261201, v2.4.0 in production home {x}"
    );
}

#[tokio::test]
async fn a_variable_without_a_value_fails_the_gate_before_anything_runs() {
    let marker = tempfile::tempdir().unwrap();
    let file = marker.path().join("ran");
    let run = format!(
        "touch {}; deploy --from {{previous_version}}",
        file.display()
    );
    let outcome = gates::run(
        &command(&run, Duration::seconds(10)),
        &Vars::new().set("version", "2.4.0"),
    )
    .await;
    assert!(!outcome.passed);
    assert_eq!(
        outcome.summary,
        "not run: `{previous_version}` in `run` has no value (no earlier release of this train is known)"
    );
    assert!(!file.exists(), "nothing ran");
}

#[tokio::test]
async fn a_hanging_command_is_killed_with_everything_it_started() {
    let marker = tempfile::tempdir().unwrap();
    let file = marker.path().join("still-running");
    // The background child would create the file after 3 s if it survived.
    let run = format!("(sleep 3; touch {}) & sleep 60", file.display());
    let started = Instant::now();
    let outcome = gates::run(&command(&run, Duration::seconds(1)), &Vars::new()).await;
    assert!(!outcome.passed);
    assert_eq!(outcome.summary, "timed out after 1s");
    assert!(
        started.elapsed() < StdDuration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    tokio::time::sleep(StdDuration::from_secs(3)).await;
    assert!(!file.exists(), "the gate's process group was killed");
}

#[tokio::test]
async fn an_http_check_asks_for_and_expects_the_release_version() {
    let url = serve(200, "{\"version\":\"2.4.0\"}", StdDuration::ZERO).await;
    let check = http(
        url.replace("/health", "/version?release={release}"),
        200,
        Some("\"{version}\""),
        Duration::seconds(5),
    );
    let vars = Vars::new().set("version", "2.4.0").set("release", "r1");
    let outcome = gates::run(&check, &vars).await;
    assert!(outcome.passed, "{outcome:?}");
    let outcome = gates::run(
        &check,
        &Vars::new().set("version", "2.5.0").set("release", "r1"),
    )
    .await;
    assert!(
        !outcome.passed,
        "the body names another version: {outcome:?}"
    );
    assert!(
        outcome.summary.contains("lacks \"\\\"2.5.0\\\"\""),
        "{}",
        outcome.summary
    );
}

/// A real HTTP/1.1 server on loopback answering every request with `status` and
/// `body` after `delay`.
async fn serve(status: u16, body: &'static str, delay: StdDuration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                tokio::time::sleep(delay).await;
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/health")
}

fn http(
    url: String,
    expect_status: u16,
    body_contains: Option<&str>,
    max_latency: Duration,
) -> StepKind {
    StepKind::Http(HttpCheck {
        url,
        expect_status,
        body_contains: body_contains.map(str::to_owned),
        max_latency,
    })
}

#[tokio::test]
async fn http_check_passes_on_status_and_body() {
    let url = serve(200, "{\"status\":\"ok\"}", StdDuration::ZERO).await;
    let outcome = gates::run(
        &http(url, 200, Some("\"ok\""), Duration::seconds(5)),
        &Vars::new(),
    )
    .await;
    assert!(outcome.passed, "{outcome:?}");
    assert!(
        outcome.summary.starts_with("HTTP 200 in"),
        "{}",
        outcome.summary
    );
}

#[tokio::test]
async fn http_check_fails_on_the_wrong_status() {
    let url = serve(503, "down", StdDuration::ZERO).await;
    let outcome = gates::run(&http(url, 200, None, Duration::seconds(5)), &Vars::new()).await;
    assert!(!outcome.passed);
    assert!(
        outcome.summary.starts_with("HTTP 503 (expected 200)"),
        "{}",
        outcome.summary
    );
    assert_eq!(outcome.output, "down");
}

#[tokio::test]
async fn http_check_fails_when_the_body_lacks_the_text() {
    let url = serve(200, "degraded", StdDuration::ZERO).await;
    let outcome = gates::run(
        &http(url, 200, Some("ok"), Duration::seconds(5)),
        &Vars::new(),
    )
    .await;
    assert!(!outcome.passed);
    assert!(
        outcome.summary.contains("lacks \"ok\""),
        "{}",
        outcome.summary
    );
}

#[tokio::test]
async fn http_check_fails_past_its_latency_bound() {
    let url = serve(200, "ok", StdDuration::from_millis(1500)).await;
    let outcome = gates::run(&http(url, 200, None, Duration::seconds(1)), &Vars::new()).await;
    assert!(!outcome.passed);
    assert_eq!(outcome.summary, "no answer within 1s");
}

#[tokio::test]
async fn http_check_reports_a_refused_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let outcome = gates::run(
        &http(
            format!("http://{address}/health"),
            200,
            None,
            Duration::seconds(2),
        ),
        &Vars::new(),
    )
    .await;
    assert!(!outcome.passed);
    assert!(
        outcome.summary.starts_with("GET http://"),
        "{}",
        outcome.summary
    );
}

#[tokio::test]
async fn a_command_filling_stderr_finishes_at_once_with_its_output() {
    // 1 MiB to stderr is far more than a pipe holds: reading stdout to its end
    // first would leave the shell blocked on stderr until the timeout.
    let run = "head -c 1048576 /dev/zero | tr '\\0' e >&2; echo done >&2";
    let started = Instant::now();
    let outcome = gates::run(&command(run, Duration::seconds(20)), &Vars::new()).await;
    assert!(outcome.passed, "{}", outcome.summary);
    assert!(
        started.elapsed() < StdDuration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(outcome.output.starts_with("[... earlier output cut ...]\n"));
    assert!(
        outcome.output.ends_with("eeedone\n"),
        "{}",
        &outcome.output[outcome.output.len() - 20..]
    );
}

fn with_env(run: &str, env: &[(&str, EnvValue)]) -> StepKind {
    StepKind::Command(CommandGate {
        run: run.into(),
        workdir: None,
        env: env
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect(),
        timeout: Duration::seconds(10),
        deploys_to: None,
    })
}

#[tokio::test]
async fn references_are_resolved_when_the_gate_runs_and_masked_in_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "f1le-secret\n").unwrap();
    // A variable of this process's environment stands for the secret (tests
    // may not set variables: that is unsafe in a threaded process).
    let secret = std::env::var("CARGO_MANIFEST_DIR")
        .expect("cargo sets CARGO_MANIFEST_DIR for the tests it runs");
    assert!(secret.len() >= 4);
    let gate = with_env(
        "echo \"token=$TOKEN\"; echo \"cert $CERT\" >&2; echo \"$LEVEL\"",
        &[
            ("TOKEN", EnvValue::FromEnv("CARGO_MANIFEST_DIR".into())),
            ("CERT", EnvValue::File(file)),
            ("LEVEL", EnvValue::Literal("info".into())),
        ],
    );
    let outcome = gates::run(&gate, &Vars::new()).await;
    assert!(outcome.passed, "{outcome:?}");
    assert_eq!(outcome.output, "token=***\ninfo\ncert ***\n");
    assert!(!outcome.output.contains(&secret));
}

#[tokio::test]
async fn an_unresolved_reference_fails_the_gate_naming_the_variable_not_running_it() {
    let marker = tempfile::tempdir().unwrap();
    let ran = marker.path().join("ran");
    let gate = with_env(
        &format!("touch {}", ran.display()),
        &[("TOKEN", EnvValue::FromEnv("GATES_TEST_NEVER_SET_42".into()))],
    );
    let outcome = gates::run(&gate, &Vars::new()).await;
    assert!(!outcome.passed);
    assert_eq!(
        outcome.summary,
        "env `TOKEN`: the environment variable `GATES_TEST_NEVER_SET_42` is not set in the cockpit's environment"
    );
    assert!(!ran.exists(), "the command did not run");

    let missing = marker.path().join("no-such-file");
    let outcome = gates::run(
        &with_env("true", &[("KEY", EnvValue::File(missing.clone()))]),
        &Vars::new(),
    )
    .await;
    assert!(!outcome.passed);
    assert!(
        outcome
            .summary
            .starts_with(&format!("env `KEY`: cannot read {}: ", missing.display())),
        "{}",
        outcome.summary
    );
}
