//! Running gates in the background: a shell command with a timeout and captured
//! output, or an HTTP GET checked for status, body and latency.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

use crate::adapters::command::env::resolve;
use crate::adapters::command::run::kill_group;
use crate::domain::events::GateOutcome;
use crate::domain::offset::format_duration;
use crate::domain::playbook::{CommandGate, HttpCheck, StepKind, gate_with_vars, mask};
use crate::domain::vars::Vars;

/// Output kept per gate run: the end of it, where failures are reported.
const OUTPUT_LIMIT: usize = 16 * 1024;

/// Runs the gate with its `{name}` variables filled from `vars`; a variable
/// with no value fails the gate before anything runs.
pub async fn run(gate: &StepKind, vars: &Vars) -> GateOutcome {
    let gate = match gate_with_vars(gate, vars) {
        Ok(gate) => gate,
        Err(error) => return outcome(false, error.to_string(), String::new(), Instant::now()),
    };
    match &gate {
        StepKind::Command(command) => run_command(command).await,
        StepKind::Http(check) => run_http(check).await,
        other => GateOutcome {
            passed: false,
            summary: format!("a `{}` step has no gate", other.name()),
            output: String::new(),
            duration_ms: 0,
            released: Vec::new(),
        },
    }
}

async fn run_command(gate: &CommandGate) -> GateOutcome {
    let started = Instant::now();
    let env = match resolve(&gate.env) {
        Ok(env) => env,
        Err(reason) => return outcome(false, reason.to_string(), String::new(), started),
    };
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(&gate.run)
        .envs(&env.vars)
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
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let (mut out, mut err) = (Capture::default(), Capture::default());
    let timeout = gate.timeout.to_std().unwrap_or(Duration::from_secs(600));
    // Both streams are drained at once: a command that fills one pipe while
    // the other is being read to its end would block until the timeout.
    let waited = tokio::time::timeout(timeout, async {
        let (status, (), ()) = tokio::join!(child.wait(), out.read(stdout), err.read(stderr));
        status
    })
    .await;
    // Secrets are masked before the output goes anywhere: journal, screen, log.
    let output = |out: &Capture, err: &Capture| {
        tail(&mask(
            &String::from_utf8_lossy(&[&out.bytes[..], &err.bytes[..]].concat()),
            &env.secrets,
        ))
    };
    match waited {
        Ok(Ok(status)) => {
            let summary = match status.code() {
                Some(code) => format!("exit {code} in {}", seconds(started)),
                None => format!("killed by a signal after {}", seconds(started)),
            };
            outcome(status.success(), summary, output(&out, &err), started)
        }
        Ok(Err(error)) => outcome(
            false,
            format!("waiting for the command failed: {error}"),
            output(&out, &err),
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
                output(&out, &err),
                started,
            )
        }
    }
}

/// What a stream said, bounded: the end is kept, where failures are reported.
/// Twice the shown limit is kept, so the shown tail never starts inside what
/// was dropped (a secret cut in two would escape masking).
#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
}

impl Capture {
    const KEEP: usize = 2 * OUTPUT_LIMIT;

    async fn read(&mut self, stream: Option<impl AsyncRead + Unpin>) {
        let Some(mut stream) = stream else { return };
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    self.bytes.extend_from_slice(&chunk[..n]);
                    if self.bytes.len() > 2 * Self::KEEP {
                        let drop = self.bytes.len() - Self::KEEP;
                        self.bytes.drain(..drop);
                    }
                }
            }
        }
    }
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
    let excerpt = tail(&body);
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
        released: Vec::new(),
    }
}

fn seconds(started: Instant) -> String {
    format!("{:.1}s", started.elapsed().as_secs_f64())
}

/// The last `OUTPUT_LIMIT` bytes of the text, cut at a character boundary.
fn tail(text: &str) -> String {
    if text.len() <= OUTPUT_LIMIT {
        return text.to_owned();
    }
    let mut start = text.len() - OUTPUT_LIMIT;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[... earlier output cut ...]\n{}", &text[start..])
}
