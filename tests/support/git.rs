//! Git repositories in temp dirs for tests, made with the real `git` under
//! a sandboxed config (no user or system config is read), with fixed
//! author and dates so that ids and notes are the same on every run.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Repo {
    pub dir: tempfile::TempDir,
    /// Seconds added to each commit's date, so commits have an order.
    clock: std::cell::Cell<i64>,
}

impl Repo {
    pub fn new() -> Self {
        let repo = Self {
            dir: tempfile::tempdir().expect("a temp dir"),
            clock: std::cell::Cell::new(1_767_225_600), // 2026-01-01
        };
        repo.git(&["init", "-q", "-b", "main"]);
        // The cockpit runs `git` as the user would, with the user's config:
        // the repository's own gives it an identity here.
        repo.git(&["config", "user.name", "Ana Tester"]);
        repo.git(&["config", "user.email", "ana@example.com"]);
        repo.git(&["config", "tag.gpgSign", "false"]);
        repo
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// `git ARGS` in the repo; its stdout. Panics with stderr on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let when = format!("@{} +0000", self.clock.get());
        let output = Command::new("git")
            .args(args)
            .current_dir(self.dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ana Tester")
            .env("GIT_AUTHOR_EMAIL", "ana@example.com")
            .env("GIT_COMMITTER_NAME", "Ana Tester")
            .env("GIT_COMMITTER_EMAIL", "ana@example.com")
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .output()
            .unwrap_or_else(|e| panic!("these tests need the git command: {e}"));
        assert!(
            output.status.success(),
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Writes `file` (under the repo) and commits it with `message`.
    pub fn commit(&self, file: &str, message: &str) -> String {
        self.clock.set(self.clock.get() + 3600);
        let path = self.dir.path().join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("dir");
        }
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, format!("{before}{message}\n")).expect("write");
        self.git(&["add", file]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// An annotated tag at HEAD.
    pub fn tag(&self, name: &str) {
        self.git(&["tag", "-a", name, "-m", name]);
    }

    pub fn exists(&self, file: &str) -> bool {
        Path::new(&self.dir.path().join(file)).exists()
    }
}

/// A repository with a bare remote as `origin`, as a team's clone is.
pub fn with_remote() -> (Repo, tempfile::TempDir) {
    let remote = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    repo.git(&[
        "init",
        "-q",
        "--bare",
        "-b",
        "main",
        remote.path().to_str().unwrap(),
    ]);
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.commit("a", "feat: first");
    repo.git(&["push", "-q", "origin", "main"]);
    (repo, remote)
}

pub fn remote_refs(remote: &tempfile::TempDir) -> String {
    let output = Command::new("git")
        .args(["ls-remote", remote.path().to_str().unwrap()])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}
