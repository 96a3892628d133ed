//! Every configured target behind one interface: its watch, a deploy of a
//! version, a rollback to one. Each kind's adapter does the work; the deploy
//! and rollback runners, the wizard and auto mode only see this.

use std::path::PathBuf;

use chrono::Utc;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::adapters::command::CommandTarget;
use crate::adapters::command::ledger::{self, Action, Entry};
use crate::adapters::command::run::{Run, run};
use crate::adapters::command::watch::{Control, watch};
use crate::adapters::kubernetes::{self, Clients, Deploy, KubeTarget};
use crate::app::Msg;
use crate::config::Targets;
use crate::domain::rollback::{RollbackItem, UndoOutcome};
use crate::domain::rollout::{ActionError, DeployItem, RunOutput};
use crate::domain::vars::Vars;

/// A command target with the channel to its watch.
#[derive(Debug, Clone)]
struct CommandHandle {
    target: CommandTarget,
    control: Option<UnboundedSender<Control>>,
    ledger: PathBuf,
}

/// Who acts, for which release: recorded in the ledger and the change cause.
#[derive(Debug, Clone)]
pub struct Acting {
    pub release: String,
    pub operator: String,
    pub mailbox: UnboundedSender<Msg>,
}

#[derive(Debug, Clone, Default)]
pub struct TargetSet {
    kubernetes: Vec<KubeTarget>,
    /// One client per Kubernetes target, shared by watches, deploys, rollbacks.
    clients: Clients,
    command: Vec<CommandHandle>,
    /// Command targets' run logs go under here, by release.
    runs_dir: PathBuf,
}

impl TargetSet {
    /// `state_dir` holds the command targets' ledgers and run logs.
    pub fn new(targets: Targets, clients: Clients, state_dir: PathBuf) -> Self {
        let command = targets
            .command
            .into_iter()
            .map(|target| CommandHandle {
                ledger: ledger::path(&state_dir, &target.name),
                target,
                control: None,
            })
            .collect();
        Self {
            kubernetes: targets.kubernetes,
            clients,
            command,
            runs_dir: state_dir.join("runs"),
        }
    }

    /// Starts one watch per target, each reporting into the mailbox.
    pub fn spawn_watches(&mut self, mailbox: &UnboundedSender<Msg>) {
        super::rollout::spawn_watches(self.kubernetes.clone(), &self.clients, mailbox);
        for handle in &mut self.command {
            let (control, receiver) = unbounded_channel();
            handle.control = Some(control);
            let mailbox = mailbox.clone();
            tokio::spawn(watch(
                handle.target.clone(),
                handle.ledger.clone(),
                receiver,
                move |update| mailbox.send(Msg::Rollout(update)).is_ok(),
            ));
        }
    }

    fn command(&self, name: &str) -> Option<&CommandHandle> {
        self.command.iter().find(|h| h.target.name == name)
    }

    /// Deploys one item with its target's adapter; `Ok` with what happened.
    pub async fn deploy(
        &self,
        item: &DeployItem,
        dry_run: bool,
        cause: &str,
        acting: &Acting,
    ) -> Result<String, ActionError> {
        if let Some(handle) = self.command(&item.target) {
            if dry_run {
                return Ok(format!(
                    "{}/{} would run: {}",
                    item.namespace,
                    item.name,
                    item.commands.join(" && ")
                ));
            }
            return run_command_target(
                handle,
                Action::Deploy,
                &item.to,
                &item.commands,
                &self.runs_dir,
                acting,
            )
            .await
            .map(|summary| {
                format!(
                    "{}/{} deployed {}: {summary}",
                    item.namespace, item.name, item.to
                )
            });
        }
        let target = self
            .kubernetes
            .iter()
            .find(|t| t.name == item.target)
            .ok_or_else(|| ActionError::UnknownTarget {
                target: item.target.clone(),
            })?;
        let (client, _) = self.clients.get(target).await?;
        let request = Deploy {
            namespace: item.namespace.clone(),
            name: item.name.clone(),
            container: Some(item.container.clone()),
            image: item.to.clone(),
            change_cause: cause.to_owned(),
            dry_run,
        };
        kubernetes::set_image(client, &request).await?;
        Ok(format!(
            "{}/{} {}",
            item.namespace,
            item.name,
            if dry_run {
                "accepted (dry run)"
            } else {
                "patched"
            }
        ))
    }

    /// Reverts one item with its target's adapter.
    pub async fn rollback(
        &self,
        item: &RollbackItem,
        acting: &Acting,
    ) -> Result<UndoOutcome, ActionError> {
        if let Some(handle) = self.command(&item.target) {
            if item.commands.is_empty() {
                return Err(ActionError::NoRollbackCommands {
                    target: item.target.clone(),
                });
            }
            let version = item.to_version();
            let summary = run_command_target(
                handle,
                Action::Rollback,
                version,
                &item.commands,
                &self.runs_dir,
                acting,
            )
            .await?;
            return Ok(UndoOutcome::Ran {
                version: version.to_owned(),
                summary,
            });
        }
        let target = self
            .kubernetes
            .iter()
            .find(|t| t.name == item.target)
            .ok_or_else(|| ActionError::UnknownTarget {
                target: item.target.clone(),
            })?;
        let (client, _) = self.clients.get(target).await?;
        kubernetes::undo(
            client,
            &item.namespace,
            &item.name,
            Some(item.to_revision),
            false,
        )
        .await
    }
}

/// Runs a command target's commands (as confirmed), its watch told before and
/// after, the output streamed to the screen and a log file, the outcome
/// appended to its ledger (synced) before it is reported.
async fn run_command_target(
    handle: &CommandHandle,
    action: Action,
    version: &str,
    commands: &[String],
    runs_dir: &std::path::Path,
    acting: &Acting,
) -> Result<String, ActionError> {
    let target = &handle.target;
    let failed = |summary: String| ActionError::Command {
        target: target.name.clone(),
        action: action.name(),
        summary,
    };
    let vars = Vars::new()
        .set("version", version)
        .set("release", &acting.release)
        .set("target", &target.name)
        .set("environment", &target.environment);
    let workdir = target
        .workdir(&vars)
        .map_err(|e| failed(format!("workdir: {e}")))?;
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
        Action::Rollback => format!("rollback to {version}"),
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
            env: &target.env,
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
        ok: outcome.ok,
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
