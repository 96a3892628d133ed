//! `release-cockpit watch` against `release-cockpit sandbox`, driven by the
//! real `kubectl`: a complete rollout that holds (0), a `-bad` image past
//! its progress deadline (1), a health check failing its critical rule (1),
//! a paused rollout past the timeout (3).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

struct Sandbox {
    child: Child,
    kubeconfig: PathBuf,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox() -> Sandbox {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(BIN)
        .args(["sandbox", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    let url = first
        .strip_prefix("sandbox cluster serving ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{first}"))
        .trim_end_matches(['.', ',', ':'])
        .to_owned();
    Sandbox {
        child,
        kubeconfig,
        url,
        _dir: dir,
    }
}

fn kubectl(sandbox: &Sandbox, args: &[&str]) {
    let out = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", &sandbox.kubeconfig)
        .env("HOME", sandbox.kubeconfig.parent().unwrap())
        .output()
        .unwrap_or_else(|e| {
            panic!("kubectl could not be run ({e}): install it (Debian: apt-get install kubernetes-client); .ci/run does")
        });
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A config watching production's `billing`, verified for 2 seconds, with
/// `signals` appended.
fn watch(sandbox: &Sandbox, home: &Path, signals: &str, timeout: &str) -> Output {
    let config = home.join("config/release-cockpit/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\nkubeconfig = \"{}\"\nnamespace = \"production\"\ndeployment = \"billing\"\n\n[rollback]\nverify = \"2s\"\n\n{signals}",
            sandbox.kubeconfig.display()
        ),
    )
    .unwrap();
    Command::new(BIN)
        .args(["watch", "--timeout", timeout])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
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

#[test]
fn a_complete_rollout_that_holds_is_healthy() {
    let sandbox = sandbox();
    let home = tempfile::tempdir().unwrap();
    let out = watch(&sandbox, home.path(), "", "60s");
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        said(&out).contains("healthy: every rollout complete"),
        "{}",
        said(&out)
    );
}

#[test]
fn a_bad_image_past_its_progress_deadline_fails_the_watch() {
    let sandbox = sandbox();
    kubectl(
        &sandbox,
        &[
            "-n",
            "production",
            "patch",
            "deployment/billing",
            "-p",
            r#"{"spec":{"progressDeadlineSeconds":2}}"#,
        ],
    );
    kubectl(
        &sandbox,
        &[
            "-n",
            "production",
            "set",
            "image",
            "deployment/billing",
            "billing=registry.example.com/shop/billing:2.4.0-bad",
        ],
    );
    let home = tempfile::tempdir().unwrap();
    let out = watch(&sandbox, home.path(), "", "60s");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("production/billing"), "{}", said(&out));
}

#[test]
fn a_failing_health_check_fires_its_trigger_and_fails_the_watch() {
    let sandbox = sandbox();
    let home = tempfile::tempdir().unwrap();
    let signal = format!(
        "[[signal]]\nname = \"gone\"\nsource = \"health\"\nurl = \"{}/services/production/nothing-here/health\"\ninterval = \"1s\"\ncritical = \"failing for 2s\"\n",
        sandbox.url
    );
    let out = watch(&sandbox, home.path(), &signal, "60s");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("trigger fired: gone"), "{}", said(&out));
}

#[test]
fn a_paused_rollout_runs_out_of_time() {
    let sandbox = sandbox();
    kubectl(
        &sandbox,
        &["-n", "production", "rollout", "pause", "deployment/billing"],
    );
    let home = tempfile::tempdir().unwrap();
    let out = watch(&sandbox, home.path(), "", "3s");
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    assert!(said(&out).contains("paused"), "{}", said(&out));
}
