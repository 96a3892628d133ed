#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `kubectl` itself against `release-cockpit sandbox`: the sandbox speaks the
//! API well enough for the standard client, unchanged.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn kubectl(kubeconfig: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", kubeconfig.parent().unwrap())
        .output()
        .unwrap_or_else(|e| {
            panic!("kubectl could not be run ({e}): install it (Debian: apt-get install kubernetes-client); .ci/run does")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn ok(kubeconfig: &Path, args: &[&str]) -> String {
    let (success, text) = kubectl(kubeconfig, args);
    assert!(success, "kubectl {args:?} failed:\n{text}");
    text
}

fn image_now(kubeconfig: &Path) -> String {
    let path = "jsonpath={.spec.template.spec.containers[0].image}";
    ok(kubeconfig, &["get", "deployment/checkout", "-o", path])
}

#[test]
fn kubectl_lists_sets_images_waits_and_rolls_back_against_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_release-cockpit"))
        .args(["sandbox", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let served = Served(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    // Keep reading, as a terminal would.
    std::thread::spawn(move || lines.for_each(drop));
    assert!(
        first.starts_with("sandbox cluster serving http://127.0.0.1:"),
        "{first}"
    );

    let listed = ok(&kubeconfig, &["get", "deployments", "--all-namespaces"]);
    assert!(
        listed.contains("READY   UP-TO-DATE   AVAILABLE"),
        "the server's Table columns:\n{listed}"
    );
    assert!(listed.contains("3/3"), "{listed}");
    for name in ["checkout", "billing", "web", "production", "staging"] {
        assert!(listed.contains(name), "{name} missing from:\n{listed}");
    }
    let history = ok(&kubeconfig, &["rollout", "history", "deployment/checkout"]);
    assert!(history.contains("3         release 2.3.1"), "{history}");

    let image = "checkout=registry.example.com/shop/checkout:2.4.0";
    ok(&kubeconfig, &["set", "image", "deployment/checkout", image]);
    let status = ok(
        &kubeconfig,
        &["rollout", "status", "deployment/checkout", "--timeout=60s"],
    );
    assert!(
        status.contains("deployment \"checkout\" successfully rolled out"),
        "{status}"
    );
    assert!(
        status.contains("new replicas have been updated"),
        "it watched the rollout move:\n{status}"
    );
    let history = ok(&kubeconfig, &["rollout", "history", "deployment/checkout"]);
    assert!(history.contains("\n4 "), "a new revision:\n{history}");

    let undone = ok(&kubeconfig, &["rollout", "undo", "deployment/checkout"]);
    assert!(undone.contains("rolled back"), "{undone}");
    ok(
        &kubeconfig,
        &["rollout", "status", "deployment/checkout", "--timeout=60s"],
    );
    assert_eq!(
        image_now(&kubeconfig),
        "registry.example.com/shop/checkout:2.3.1"
    );

    ok(
        &kubeconfig,
        &["rollout", "undo", "deployment/checkout", "--to-revision=1"],
    );
    assert_eq!(
        image_now(&kubeconfig),
        "registry.example.com/shop/checkout:2.2.0"
    );
    let (success, text) = kubectl(
        &kubeconfig,
        &["rollout", "undo", "deployment/checkout", "--to-revision=99"],
    );
    assert!(
        !success && text.contains("unable to find specified revision 99"),
        "{text}"
    );
    drop(served);
}
