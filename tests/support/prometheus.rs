//! A real Prometheus for integration tests: Debian's `prometheus` binary with
//! a throw-away config and TSDB, on a free loopback port, killed on drop.
//!
//! A missing binary fails the test with the way to install it; skipping would
//! let CI pass without ever testing against Prometheus.
// Each test file uses some of these helpers, not all.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long Prometheus may take to open its TSDB and answer `/-/ready`.
const READY_WITHIN: Duration = Duration::from_secs(30);
/// How long the first successful scrape of a job may take.
const SCRAPED_WITHIN: Duration = Duration::from_secs(30);

/// A running Prometheus. `url` has no trailing '/'.
pub struct PrometheusPeer {
    pub url: String,
    pub port: u16,
    child: Child,
    dir: TempDir,
}

impl PrometheusPeer {
    /// Starts Prometheus scraping `scrape_targets` ("127.0.0.1:PORT") at
    /// `metrics_path` as job `sandbox`, and itself as job `prometheus`, every
    /// `scrape_interval` ("1s"), which is also the rule evaluation interval.
    /// Returns once `/-/ready` answers 200; panics with the log's tail if it
    /// does not within 30 s.
    pub fn start(scrape_targets: &[&str], metrics_path: &str, scrape_interval: &str) -> Self {
        let binary = binary();
        // The port is free when chosen but could be taken before Prometheus
        // binds it (another test doing the same); then try another.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match Self::try_start(&binary, scrape_targets, metrics_path, scrape_interval) {
                Ok(peer) => return peer,
                Err(log) if attempts < 3 && log.contains("address already in use") => continue,
                Err(log) => panic!("Prometheus ({}) did not start:\n{log}", binary.display()),
            }
        }
    }

    fn try_start(
        binary: &Path,
        scrape_targets: &[&str],
        metrics_path: &str,
        scrape_interval: &str,
    ) -> Result<Self, String> {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            config_text(port, scrape_targets, metrics_path, scrape_interval),
        )
        .unwrap();
        let log = File::create(dir.path().join("prometheus.log")).unwrap();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{} could not be run: {e}", binary.display()));
        let mut peer = PrometheusPeer {
            url: format!("http://127.0.0.1:{port}"),
            port,
            child,
            dir,
        };
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Some(status) = peer.child.try_wait().unwrap() {
                return Err(format!(
                    "it exited ({status}); its log ends:\n{}",
                    peer.log_tail()
                ));
            }
            if http_status(port, "/-/ready") == Some(200) {
                return Ok(peer);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "/-/ready did not answer 200 within {READY_WITHIN:?}; its log ends:\n{}",
                    peer.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until Prometheus has scraped every target of `job` successfully
    /// (`up{job=..} == 1`), so queries see data; panics after 30 s with what
    /// `up` said last and the log's tail.
    pub async fn wait_for_scrape(&self, job: &str) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let query = format!("min(up{{job=\"{job}\"}})");
        let deadline = Instant::now() + SCRAPED_WITHIN;
        let mut last = String::new();
        loop {
            let url = reqwest::Url::parse_with_params(
                &format!("{}/api/v1/query", self.url),
                [("query", query.as_str())],
            )
            .unwrap();
            if let Ok(response) = http.get(url).send().await
                && let Ok(body) = response.text().await
            {
                let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                if json["data"]["result"][0]["value"][1] == "1" {
                    return;
                }
                last = body;
            }
            assert!(
                Instant::now() < deadline,
                "job {job:?} was not scraped within {SCRAPED_WITHIN:?}; {query} said {last}\n\
                 Prometheus' log ends:\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The last 40 lines of Prometheus' stdout and stderr, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("prometheus.log"))
            .unwrap_or_else(|e| format!("(no log: {e})"));
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for PrometheusPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on now: bind port 0, read it, let it go.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn config_text(port: u16, targets: &[&str], metrics_path: &str, interval: &str) -> String {
    let mut text = format!(
        "global:\n  scrape_interval: {interval}\n  evaluation_interval: {interval}\n\
         scrape_configs:\n  - job_name: prometheus\n    static_configs:\n      \
         - targets: [\"127.0.0.1:{port}\"]\n"
    );
    if !targets.is_empty() {
        let quoted: Vec<String> = targets.iter().map(|t| format!("{t:?}")).collect();
        text.push_str(&format!(
            "  - job_name: sandbox\n    metrics_path: {metrics_path:?}\n    static_configs:\n      \
             - targets: [{}]\n",
            quoted.join(", ")
        ));
    }
    text
}

/// `PROMETHEUS_BIN`, else `prometheus` on PATH, else Debian's
/// `/usr/bin/prometheus`.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PROMETHEUS_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "PROMETHEUS_BIN is {} but there is no such file",
            path.display()
        );
        return path;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("prometheus"))
        .find(|candidate| candidate.is_file());
    let debian = PathBuf::from("/usr/bin/prometheus");
    match on_path {
        Some(path) => path,
        None if debian.is_file() => debian,
        None => panic!(
            "prometheus is not installed: apt-get install prometheus \
             (Debian's package; .ci/run installs it)"
        ),
    }
}

/// The status of a plain HTTP/1.0 GET, or `None` while nothing answers.
/// Blocking std I/O, so `start` works inside and outside a tokio runtime.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .ok()?;
    let mut head = [0_u8; 64];
    let read = stream.read(&mut head).ok()?;
    let head = std::str::from_utf8(&head[..read]).ok()?;
    // "HTTP/1.0 200 OK"
    head.split_whitespace().nth(1)?.parse().ok()
}
