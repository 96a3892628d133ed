//! Running gates in the background: a shell command with a timeout and captured
//! output, or an HTTP GET checked for status, body and latency.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::process::Command;

use crate::domain::events::GateOutcome;
use crate::domain::offset::format_duration;
use crate::domain::playbook::{CommandGate, HttpCheck, StepKind};

/// Output kept per gate run: the end of it, where failures are reported.
const OUTPUT_LIMIT: usize = 16 * 1024;

pub async fn run(gate: &StepKind) -> GateOutcome {
    match gate {
        StepKind::Command(command) => run_command(command).await,
        StepKind::Http(check) => run_http(check).await,
        other => GateOutcome {
            passed: false,
            summary: format!("a `{}` step has no gate", other.name()),
            output: String::new(),
            duration_ms: 0,
        },
    }
}

async fn run_command(gate: &CommandGate) -> GateOutcome {
    let started = Instant::now();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(&gate.run)
        .envs(&gate.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout can stop everything it started.
        .process_group(0)
        .kill_on_drop(true);
    if let Some(dir) = &gate.workdir {
        command.current_dir(dir);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            return outcome(
                false,
                format!("could not start `sh`: {error}"),
                String::new(),
                started,
            );
        }
    };
    let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
    let read_all = async {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out).await;
        }
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut err).await;
        }
        (out, err)
    };
    let timeout = gate.timeout.to_std().unwrap_or(Duration::from_secs(600));
    let waited =
        tokio::time::timeout(timeout, async { tokio::join!(child.wait(), read_all) }).await;
    match waited {
        Ok((Ok(status), (out, err))) => {
            let output = tail(&[out, err].concat());
            let summary = match status.code() {
                Some(code) => format!("exit {code} in {}", seconds(started)),
                None => format!("killed by a signal after {}", seconds(started)),
            };
            outcome(status.success(), summary, output, started)
        }
        Ok((Err(error), _)) => outcome(
            false,
            format!("waiting for the command failed: {error}"),
            String::new(),
            started,
        ),
        Err(_) => {
            if let Some(pid) = child.id() {
                kill_group(pid);
            }
            let _ = child.kill().await;
            outcome(
                false,
                format!("timed out after {}", format_duration(gate.timeout)),
                String::new(),
                started,
            )
        }
    }
}

/// Kills the gate's process group (the shell and whatever it started).
fn kill_group(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// Also what a health signal's poll runs: one GET, checked.
pub async fn run_http(check: &HttpCheck) -> GateOutcome {
    let started = Instant::now();
    let limit = check.max_latency.to_std().unwrap_or(Duration::from_secs(5));
    let client = match reqwest::Client::builder().timeout(limit).build() {
        Ok(client) => client,
        Err(error) => {
            return outcome(
                false,
                format!("HTTP client: {error}"),
                String::new(),
                started,
            );
        }
    };
    let response = match client.get(&check.url).send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => {
            return outcome(
                false,
                format!("no answer within {}", format_duration(check.max_latency)),
                String::new(),
                started,
            );
        }
        Err(error) => {
            return outcome(
                false,
                format!(
                    "GET {} failed: {}",
                    check.url,
                    crate::adapters::scrape::root_cause(&error)
                ),
                String::new(),
                started,
            );
        }
    };
    let status = response.status().as_u16();
    let body = match response.text().await {
        Ok(body) => body,
        Err(error) => {
            return outcome(
                false,
                format!("reading the body failed: {error}"),
                String::new(),
                started,
            );
        }
    };
    let elapsed = started.elapsed();
    let excerpt = tail(body.as_bytes());
    let took = format!("{} ms", elapsed.as_millis());
    if status != check.expect_status {
        return outcome(
            false,
            format!("HTTP {status} (expected {}) in {took}", check.expect_status),
            excerpt,
            started,
        );
    }
    if elapsed > limit {
        return outcome(
            false,
            format!(
                "HTTP {status} but took {took} (limit {})",
                format_duration(check.max_latency)
            ),
            excerpt,
            started,
        );
    }
    if let Some(wanted) = &check.body_contains
        && !body.contains(wanted.as_str())
    {
        return outcome(
            false,
            format!("HTTP {status} but the body lacks {wanted:?}"),
            excerpt,
            started,
        );
    }
    outcome(true, format!("HTTP {status} in {took}"), excerpt, started)
}

fn outcome(passed: bool, summary: String, output: String, started: Instant) -> GateOutcome {
    GateOutcome {
        passed,
        summary,
        output,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

fn seconds(started: Instant) -> String {
    format!("{:.1}s", started.elapsed().as_secs_f64())
}

/// The last `OUTPUT_LIMIT` bytes as text, cut at a character boundary.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= OUTPUT_LIMIT {
        return text.into_owned();
    }
    let mut start = text.len() - OUTPUT_LIMIT;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[... earlier output cut ...]\n{}", &text[start..])
}
