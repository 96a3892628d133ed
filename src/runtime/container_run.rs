//! A Docker target's deploy or rollback of one container: the engine asked
//! to replace it (see `adapters/docker/replace.rs`), each step streamed to
//! the screen and a log file, an automatic restore recorded in the target's
//! ledger (synced) before it acts, and the outcome after.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;

use super::targets::{Acting, DockerHandle};
use crate::adapters::command::ledger::{self, Action, Entry};
use crate::adapters::docker::connect::{connect, host_for};
use crate::adapters::docker::replace::{Change, ReplaceError, replace};
use crate::app::Msg;
use crate::config::paths::{create_private_dir_all, private_file};
use crate::domain::rollout::{ActionError, RunOutput, image_tag};

/// Moves `container` to `image`; `Ok` with what happened.
pub(super) async fn run_container(
    handle: &DockerHandle,
    action: Action,
    (container, image): (&str, &str),
    runs_dir: &Path,
    acting: &Acting,
) -> Result<String, ActionError> {
    let _one_at_a_time = handle.running.lock().await;
    let target = &handle.target;
    let failed = |summary: String| ActionError::Container {
        target: target.name.clone(),
        container: container.to_owned(),
        action: action.name(),
        summary,
    };
    let version = image_tag(image).to_owned();
    let at = Utc::now();
    let log = runs_dir.join(&acting.release).join(format!(
        "{}-{container}-{}-{}.log",
        target.name,
        action.name(),
        at.format("%Y%m%dT%H%M%S%.3fZ")
    ));
    let send = |output: RunOutput| {
        let _ = acting.mailbox.send(Msg::RunOutput(output));
    };
    send(RunOutput::Started {
        target: target.name.clone(),
        title: match action {
            Action::Rollback => format!("rollback {container} to {image}"),
            _ => format!("deploy {image} to {container}"),
        },
        log: log.clone(),
    });
    let mut file = open_log(&log);
    let name = target.name.clone();
    let mut emit = |line: String| {
        if let Some(file) = file.as_mut() {
            let _ = writeln!(file, "{} {line}", Utc::now().format("%H:%M:%S%.3f"));
        }
        send(RunOutput::Line {
            target: name.clone(),
            line,
        });
    };
    let host = host_for(target.host.as_deref());
    let record = |action: Action, version: &str, ok: bool, summary: &str| -> std::io::Result<()> {
        let entries = ledger::read(&handle.ledger)?;
        ledger::append(
            &handle.ledger,
            &Entry {
                seq: ledger::next_seq(&entries),
                at: Utc::now(),
                action,
                version: version.to_owned(),
                ok,
                release: acting.release.clone(),
                by: acting.operator.clone(),
                summary: format!("{container}: {summary}"),
                log: Some(log.clone()),
            },
        )
    };
    let outcome = match connect(&host).await {
        Err(error) => Err(ReplaceError::NotStarted(error.to_string())),
        Ok(docker) => {
            let change = Change {
                container,
                image,
                version: &version,
                release: &acting.release,
                deadline: target.deadline,
            };
            let mut restore_unrecorded = None;
            let outcome = replace(&docker, &change, &mut emit, |why, back_to| {
                // Blocking, but one short synced append before the engine
                // is touched again. Unrecorded, the restore still goes on:
                // a service back up matters more than its record, and the
                // failure is said after.
                let summary = format!("restoring {back_to}: {why}");
                if let Err(e) = record(Action::Restore, back_to, false, &summary) {
                    restore_unrecorded = Some(e);
                }
            })
            .await;
            if let Some(error) = restore_unrecorded {
                emit(format!(
                    "the restore could not be recorded in {}: {error}",
                    handle.ledger.display()
                ));
            }
            outcome
        }
    };
    let summary = match &outcome {
        Ok(done) => done.clone(),
        Err(error) => error.to_string(),
    };
    emit(summary.clone());
    let recorded = record(action, &version, outcome.is_ok(), &summary);
    if let Some(file) = file.as_mut() {
        let _ = file.sync_all();
    }
    send(RunOutput::Finished {
        target: target.name.clone(),
        ok: outcome.is_ok() && recorded.is_ok(),
    });
    if let Err(error) = recorded {
        return Err(failed(format!(
            "{summary}; but the ledger {} was not written: {error}",
            handle.ledger.display()
        )));
    }
    outcome.map_err(|_| failed(summary))
}

/// The run's log file, private; without one the run still goes on (the
/// ledger and the screen have its outcome).
fn open_log(path: &PathBuf) -> Option<std::fs::File> {
    let dir = path.parent()?;
    create_private_dir_all(dir).ok()?;
    private_file().create(true).append(true).open(path).ok()
}
