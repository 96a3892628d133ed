//! A command target's deploy or rollback: its commands run as confirmed,
//! the watch told before and after, the output streamed to the screen and a
//! log file, the outcome in the target's ledger (synced) before it is told.

use chrono::Utc;

use super::targets::{Acting, CommandHandle};
use crate::adapters::command::ledger::{self, Action, Entry};
use crate::adapters::command::run::{Run, run};
use crate::adapters::command::watch::Control;
use crate::app::Msg;
use crate::domain::rollout::{ActionError, RunOutput};

/// Runs a command target's commands (as confirmed), its watch told before and
/// after, the output streamed to the screen and a log file, the outcome
/// appended to its ledger (synced) before it is reported.
pub(super) async fn run_command_target(
    handle: &CommandHandle,
    action: Action,
    (version, previous): (&str, &str),
    commands: &[String],
    runs_dir: &std::path::Path,
    acting: &Acting,
) -> Result<String, ActionError> {
    let _one_at_a_time = handle.running.lock().await;
    let target = &handle.target;
    let failed = |summary: String| ActionError::Command {
        target: target.name.clone(),
        action: action.name(),
        summary,
    };
    let vars = target.templates.vars(
        &acting.release,
        &target.name,
        &target.environment,
        version,
        Some(previous),
    );
    let workdir = target
        .workdir(&vars)
        .map_err(|e| failed(format!("workdir: {e}")))?;
    let env = target.env_with(&vars).map_err(failed)?;
    let at = Utc::now();
    let log = runs_dir.join(&acting.release).join(format!(
        "{}-{}-{}.log",
        target.name,
        action.name(),
        at.format("%Y%m%dT%H%M%S%.3fZ")
    ));
    let send = |output: RunOutput| {
        let _ = acting.mailbox.send(Msg::RunOutput(output));
    };
    let title = match action {
        Action::Deploy => format!("deploy {version}"),
        Action::Rollback | Action::Restore => format!("rollback to {version}"),
    };
    send(RunOutput::Started {
        target: target.name.clone(),
        title,
        log: log.clone(),
    });
    if let Some(control) = &handle.control {
        let _ = control.send(Control::Started {
            action,
            version: version.to_owned(),
        });
    }
    let name = target.name.clone();
    let outcome = run(
        Run {
            commands,
            workdir,
            env: &env,
            timeout: target.timeout,
            log: log.clone(),
        },
        |line| {
            send(RunOutput::Line {
                target: name.clone(),
                line,
            })
        },
    )
    .await;
    // Blocking, but one short synced append: the version shown as set must
    // be on disk before anyone is told.
    let recorded = ledger::read(&handle.ledger).and_then(|entries| {
        ledger::append(
            &handle.ledger,
            &Entry {
                seq: ledger::next_seq(&entries),
                at,
                action,
                version: version.to_owned(),
                ok: outcome.ok,
                release: acting.release.clone(),
                by: acting.operator.clone(),
                summary: outcome.summary.clone(),
                log: Some(log),
            },
        )
    });
    if let Some(control) = &handle.control {
        let _ = control.send(Control::Finished);
    }
    send(RunOutput::Finished {
        target: target.name.clone(),
        // Not "done" unless its outcome is on disk.
        ok: outcome.ok && recorded.is_ok(),
    });
    if let Err(error) = recorded {
        return Err(failed(format!(
            "{}; but the ledger {} was not written: {error}",
            outcome.summary,
            handle.ledger.display()
        )));
    }
    if outcome.ok {
        Ok(outcome.summary)
    } else {
        Err(failed(outcome.summary))
    }
}
