//! Runs a command target's commands in order, each `sh -c` in its own
//! process group, streaming every line of output (secrets masked, control
//! characters stripped) to the caller and to the run's log file. The first
//! command that fails or outlives the timeout stops the list; a timeout kills
//! the command's whole process group.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;

use super::env::resolve;
use crate::config::paths::{create_private_dir_all, private_file};
use crate::domain::playbook::{EnvValue, mask};

/// A line longer than this is cut on screen and in the log.
const LINE_LIMIT: usize = 4096;

/// How long output is still read after the command has exited.
const PIPE_GRACE: Duration = Duration::from_millis(500);

/// What to run, and where.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    pub commands: &'a [String],
    pub workdir: PathBuf,
    pub env: &'a BTreeMap<String, EnvValue>,
    pub timeout: Duration,
    /// The run's log file (created private, with its directory).
    pub log: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub ok: bool,
    /// `2 commands exited 0 in 3.1s`, or which one failed and how.
    pub summary: String,
}

/// Runs every command until one fails; `on_line` sees each output line as
/// it comes, and a `$ command` line before each command.
pub async fn run(run: Run<'_>, mut on_line: impl FnMut(String)) -> RunOutcome {
    let started = Instant::now();
    let mut log = LogFile::open(&run.log);
    let env = match resolve(run.env) {
        Ok(env) => env,
        Err(reason) => {
            let summary = reason.to_string();
            log.line(&summary);
            return RunOutcome { ok: false, summary };
        }
    };
    let mut emit = |line: &str| {
        let line = clean(&mask(line, &env.secrets));
        log.line(&line);
        on_line(line);
    };
    for (index, command) in run.commands.iter().enumerate() {
        emit(&format!("$ {command}"));
        let failed = |what: String| RunOutcome {
            ok: false,
            summary: format!("command {} of {}: {what}", index + 1, run.commands.len()),
        };
        let mut child = match shell(command, &run.workdir, &env.vars, Stdio::piped()).spawn() {
            Ok(child) => child,
            Err(error) => {
                let outcome = failed(format!(
                    "could not start `sh` in {}: {error}",
                    run.workdir.display()
                ));
                emit(&outcome.summary);
                return outcome;
            }
        };
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let waited = tokio::time::timeout(run.timeout, async {
            let streaming = stream(stdout, stderr, &mut emit);
            tokio::pin!(streaming);
            // A command may leave a background process holding the pipes
            // (`nohup server &`): its exit decides, and the output is read
            // a moment longer, not until the timeout kills what it started.
            tokio::select! {
                status = child.wait() => {
                    let _ = tokio::time::timeout(PIPE_GRACE, &mut streaming).await;
                    status
                }
                () = &mut streaming => child.wait().await,
            }
        })
        .await;
        let outcome = match waited {
            Ok(Ok(status)) if status.success() => continue,
            Ok(Ok(status)) => match status.code() {
                Some(code) => failed(format!("`{command}` exited {code}")),
                None => failed(format!("`{command}` was killed by a signal")),
            },
            Ok(Err(error)) => failed(format!("waiting for `{command}` failed: {error}")),
            Err(_) => {
                if let Some(pid) = child.id() {
                    kill_group(pid);
                }
                let _ = child.kill().await;
                failed(format!(
                    "`{command}` timed out after {}s; its process group was killed",
                    run.timeout.as_secs()
                ))
            }
        };
        emit(&outcome.summary);
        return outcome;
    }
    let summary = format!(
        "{} command{} exited 0 in {:.1}s",
        run.commands.len(),
        if run.commands.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    );
    emit(&summary);
    RunOutcome { ok: true, summary }
}

/// Runs one command for what it prints: its stdout (masked, bounded) and
/// whether it exited 0; `Err` when it could not run or outlived `timeout`.
pub async fn capture(
    command: &str,
    workdir: &Path,
    env: &BTreeMap<String, EnvValue>,
    timeout: Duration,
) -> Result<(String, bool), String> {
    let env = resolve(env).map_err(|e| e.to_string())?;
    let mut child = shell(command, workdir, &env.vars, Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start `sh` in {}: {e}", workdir.display()))?;
    let mut printed = String::new();
    let stdout = child.stdout.take();
    let waited = tokio::time::timeout(timeout, async {
        stream(
            stdout,
            None::<tokio::process::ChildStderr>,
            &mut |line: &str| {
                if printed.len() < 64 * 1024 {
                    printed.push_str(line);
                    printed.push('\n');
                }
            },
        )
        .await;
        child.wait().await
    })
    .await;
    match waited {
        Ok(Ok(status)) => Ok((clean_lines(&mask(&printed, &env.secrets)), status.success())),
        Ok(Err(error)) => Err(format!("waiting for `{command}` failed: {error}")),
        Err(_) => {
            if let Some(pid) = child.id() {
                kill_group(pid);
            }
            let _ = child.kill().await;
            Err(format!(
                "`{command}` gave no answer in {}s",
                timeout.as_secs()
            ))
        }
    }
}

/// Runs one command with `input` on its standard input (a message for
/// `sendmail`): what it printed, both streams (cleaned, bounded, not yet
/// masked), and whether it exited 0; `Err` when it could not run or
/// outlived `timeout` (its process group is killed).
pub async fn pipe(
    command: &str,
    workdir: &Path,
    vars: &BTreeMap<String, String>,
    input: &str,
    timeout: Duration,
) -> Result<(String, bool), String> {
    use tokio::io::AsyncWriteExt;
    let mut child = shell(command, workdir, vars, Stdio::piped())
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `sh` in {}: {e}", workdir.display()))?;
    let stdin = child.stdin.take();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let input = input.as_bytes().to_vec();
    let mut printed = String::new();
    let waited = tokio::time::timeout(timeout, async {
        let feed = async move {
            if let Some(mut stdin) = stdin {
                // A command that exits without reading is its own answer.
                let _ = stdin.write_all(&input).await;
                let _ = stdin.shutdown().await;
            }
        };
        let mut keep = |line: &str| {
            if printed.len() < 16 * 1024 {
                printed.push_str(line);
                printed.push('\n');
            }
        };
        let streaming = async { tokio::join!(feed, stream(stdout, stderr, &mut keep)) };
        tokio::pin!(streaming);
        // A child left holding the pipes (a mailer's daemon) is read a
        // moment longer, not until the timeout kills what it started.
        tokio::select! {
            status = child.wait() => {
                let _ = tokio::time::timeout(PIPE_GRACE, &mut streaming).await;
                status
            }
            _ = &mut streaming => child.wait().await,
        }
    })
    .await;
    match waited {
        Ok(Ok(status)) => Ok((clean_lines(&printed), status.success())),
        Ok(Err(error)) => Err(format!("waiting for `{command}` failed: {error}")),
        Err(_) => {
            if let Some(pid) = child.id() {
                kill_group(pid);
            }
            let _ = child.kill().await;
            Err(format!(
                "`{command}` gave no answer in {}s; its process group was killed",
                timeout.as_secs()
            ))
        }
    }
}

/// `sh -c command` in `workdir` with `vars`, reading nothing, its stdout
/// piped, in its own process group so that a timeout stops everything it
/// started.
fn shell(command: &str, workdir: &Path, vars: &BTreeMap<String, String>, stderr: Stdio) -> Command {
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(command)
        .envs(vars)
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .process_group(0)
        .kill_on_drop(true);
    shell
}

/// Each line [`clean`]ed, the line breaks kept.
fn clean_lines(text: &str) -> String {
    text.lines().map(clean).collect::<Vec<_>>().join("\n")
}

/// Both streams at once, line by line: a command filling one pipe while the
/// other is read to its end would block.
async fn stream(
    stdout: Option<impl AsyncRead + Unpin>,
    stderr: Option<impl AsyncRead + Unpin>,
    emit: &mut impl FnMut(&str),
) {
    let mut out = stdout.map(BufReader::new);
    let mut err = stderr.map(BufReader::new);
    let (mut out_line, mut err_line) = (Vec::new(), Vec::new());
    while out.is_some() || err.is_some() {
        tokio::select! {
            read = next_line(&mut out, &mut out_line), if out.is_some() => {
                if read { emit(&line_text(&mut out_line)) } else { out = None }
            }
            read = next_line(&mut err, &mut err_line), if err.is_some() => {
                if read { emit(&line_text(&mut err_line)) } else { err = None }
            }
        }
    }
}

/// Reads up to the end of a line into `line`; false at the end of the
/// stream. When the other stream's branch wins the `select!`, what was read
/// so far stays in `line` and the next call goes on from there (so `line` is
/// only emptied by [`line_text`], once the line is whole).
async fn next_line(
    reader: &mut Option<BufReader<impl AsyncRead + Unpin>>,
    line: &mut Vec<u8>,
) -> bool {
    let Some(reader) = reader else { return false };
    match reader.read_until(b'\n', line).await {
        // The end, after the last line's start was read in an earlier call.
        Ok(0) | Err(_) => !line.is_empty(),
        Ok(_) => true,
    }
}

/// The whole line read, without its line break; `line` is emptied.
fn line_text(line: &mut Vec<u8>) -> String {
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    let text = String::from_utf8_lossy(line).into_owned();
    line.clear();
    text
}

/// Text from outside, fit for a terminal: no control characters, tabs as
/// spaces, cut to [`LINE_LIMIT`].
fn clean(line: &str) -> String {
    crate::adapters::text::clean_line(line, LINE_LIMIT)
}

/// Kills a process group (a shell and whatever it started).
pub fn kill_group(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// The run's log; a log that cannot be written is said once, in the log's
/// place on screen, and the run goes on.
struct LogFile {
    file: Option<std::fs::File>,
}

impl LogFile {
    fn open(path: &Path) -> Self {
        let file = path
            .parent()
            .map_or(Ok(()), create_private_dir_all)
            .and_then(|()| private_file().create(true).append(true).open(path));
        if let Err(error) = &file {
            tracing::warn!(path = %path.display(), %error, "command log not written");
        }
        Self { file: file.ok() }
    }

    fn line(&mut self, line: &str) {
        if let Some(file) = &mut self.file
            && writeln!(file, "{line}").is_err()
        {
            self.file = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn go(commands: &[&str], timeout: Duration) -> (RunOutcome, Vec<String>, String) {
        let dir = tempfile::tempdir().unwrap();
        let commands: Vec<String> = commands.iter().map(|c| (*c).to_owned()).collect();
        // A reference is a secret: its value never reaches the screen or log.
        let secret = dir.path().join("token");
        std::fs::write(&secret, "s3cret-value-123\n").unwrap();
        let env = BTreeMap::from([("TOKEN".to_owned(), EnvValue::File(secret))]);
        let log = dir.path().join("runs/web.log");
        let mut lines = Vec::new();
        let outcome = run(
            Run {
                commands: &commands,
                workdir: dir.path().to_path_buf(),
                env: &env,
                timeout,
                log: log.clone(),
            },
            |line| lines.push(line),
        )
        .await;
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        (outcome, lines, logged)
    }

    #[tokio::test]
    async fn a_list_runs_in_order_and_stops_at_its_first_failure() {
        let (outcome, lines, logged) = go(
            &["echo one; echo err >&2", "exit 3", "echo never"],
            Duration::from_secs(10),
        )
        .await;
        assert!(!outcome.ok);
        assert_eq!(outcome.summary, "command 2 of 3: `exit 3` exited 3");
        assert!(lines.contains(&"one".to_owned()) && lines.contains(&"err".to_owned()));
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("never") && !l.starts_with('$'))
        );
        assert!(!lines.contains(&"$ echo never".to_owned()), "{lines:?}");
        assert!(logged.contains("$ exit 3\n"), "{logged}");
    }

    #[tokio::test]
    async fn output_is_masked_and_stripped_and_every_command_exits_0() {
        let (outcome, lines, logged) = go(
            &["printf 'token %s\\n' \"$TOKEN\"; printf 'bell\\007 \\033[31mred\\n'"],
            Duration::from_secs(10),
        )
        .await;
        assert!(outcome.ok, "{outcome:?}");
        assert!(outcome.summary.starts_with("1 command exited 0"));
        assert!(!logged.contains("s3cret-value-123"), "{logged}");
        assert!(
            lines.iter().all(|l| !l.chars().any(char::is_control)),
            "{lines:?}"
        );
    }

    #[tokio::test]
    async fn a_background_process_holding_the_pipes_does_not_hold_the_run() {
        let started = Instant::now();
        let (outcome, lines, _) = go(&["sleep 20 & echo started"], Duration::from_secs(10)).await;
        assert!(outcome.ok, "{outcome:?}");
        assert!(lines.contains(&"started".to_owned()), "{lines:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "it did not wait for the sleep"
        );
    }

    #[tokio::test]
    async fn interleaved_streams_lose_no_part_of_a_line() {
        let script = "for i in $(seq 200); do printf 'out-%s-' $i; printf 'err-%s\\n' $i >&2; printf 'tail\\n'; done";
        let (outcome, lines, _) = go(&[script], Duration::from_secs(10)).await;
        assert!(outcome.ok, "{outcome:?}");
        let outs = lines
            .iter()
            .filter(|l| l.starts_with("out-") && l.ends_with("-tail"))
            .count();
        assert_eq!(outs, 200, "{lines:?}");
    }

    #[tokio::test]
    async fn a_timeout_kills_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("survived");
        let script = format!("(sleep 2; touch {}) & sleep 30", marker.display());
        let (outcome, _, _) = go(&[&script], Duration::from_millis(300)).await;
        assert!(!outcome.ok);
        assert!(outcome.summary.contains("timed out"), "{}", outcome.summary);
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert!(
            !marker.exists(),
            "the background child was killed with its group"
        );
    }
}
