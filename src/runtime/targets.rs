//! Every configured target behind one interface: its watch, a deploy of a
//! version, a rollback to one. Each kind's adapter does the work; the deploy
//! and rollback runners, the wizard and auto mode only see this.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::command_run::run_command_target;
use super::container_run::run_container;
use crate::adapters::command::CommandTarget;
use crate::adapters::command::ledger::{self, Action};
use crate::adapters::command::watch::{Control, watch};
use crate::adapters::docker::DockerTarget;
use crate::adapters::kubernetes::{self, Clients, Deploy, KubeTarget};
use crate::app::Msg;
use crate::config::Targets;
use crate::domain::rollback::{RollbackItem, UndoOutcome};
use crate::domain::rollout::{ActionError, DeployItem};

/// One run at a time per target: a rollback started while a deploy runs
/// waits for it, so runs and ledger entries keep order.
type RunLock = std::sync::Arc<tokio::sync::Mutex<()>>;

/// A command target with the channel to its watch.
#[derive(Debug, Clone)]
pub(super) struct CommandHandle {
    pub(super) target: CommandTarget,
    pub(super) control: Option<UnboundedSender<Control>>,
    pub(super) ledger: PathBuf,
    pub(super) running: RunLock,
}

/// A Docker target; its ledger records each replacement and restore.
#[derive(Debug, Clone)]
pub(super) struct DockerHandle {
    pub(super) target: DockerTarget,
    pub(super) ledger: PathBuf,
    pub(super) running: RunLock,
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
    docker: Vec<DockerHandle>,
    /// Command and Docker targets' run logs go under here, by release.
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
                running: Default::default(),
            })
            .collect();
        let docker = targets
            .docker
            .into_iter()
            .map(|target| DockerHandle {
                ledger: ledger::path(&state_dir, &target.name),
                target,
                running: Default::default(),
            })
            .collect();
        Self {
            kubernetes: targets.kubernetes,
            clients,
            command,
            docker,
            runs_dir: state_dir.join("runs"),
        }
    }

    /// `<state>/runs`: each release's run logs and notes, in its own folder.
    pub fn runs_dir(&self) -> &Path {
        &self.runs_dir
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
        for handle in &self.docker {
            let mailbox = mailbox.clone();
            tokio::spawn(crate::adapters::docker::watch::watch(
                handle.target.clone(),
                move |update| mailbox.send(Msg::Rollout(update)).is_ok(),
            ));
        }
    }

    fn docker(&self, name: &str) -> Option<&DockerHandle> {
        self.docker.iter().find(|h| h.target.name == name)
    }

    fn kubernetes(&self, name: &str) -> Result<&KubeTarget, ActionError> {
        self.kubernetes
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| ActionError::UnknownTarget {
                target: name.to_owned(),
            })
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
                (&item.to, &item.from),
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
        if let Some(handle) = self.docker(&item.target) {
            if dry_run {
                return Ok(format!(
                    "{}/{} would be replaced by a container of {}, and put back unless healthy within {}s",
                    item.namespace,
                    item.name,
                    item.to,
                    handle.target.deadline.as_secs()
                ));
            }
            return run_container(
                handle,
                Action::Deploy,
                (&item.name, &item.to),
                &self.runs_dir,
                acting,
            )
            .await
            .map(|summary| format!("{}/{} deployed: {summary}", item.namespace, item.name));
        }
        let (client, _) = self.clients.get(self.kubernetes(&item.target)?).await?;
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
                (version, item.from_version()),
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
        if let Some(handle) = self.docker(&item.target) {
            let summary = run_container(
                handle,
                Action::Rollback,
                (&item.name, &item.to_image),
                &self.runs_dir,
                acting,
            )
            .await?;
            return Ok(UndoOutcome::Ran {
                version: item.to_version().to_owned(),
                summary,
            });
        }
        let (client, _) = self.clients.get(self.kubernetes(&item.target)?).await?;
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::playbook::EnvValue;
    use crate::domain::rollout::{
        CommandTemplates, RolloutPhase, RolloutUpdate, UNKNOWN_VERSION, UnitKind,
    };

    fn command(dir: &std::path::Path) -> CommandTarget {
        CommandTarget {
            name: "web".into(),
            environment: "production".into(),
            templates: CommandTemplates {
                deploy: vec!["sh deploy.sh {version}".into()],
                rollback: vec!["echo back to {version}".into()],
                image: None,
                component: None,
            },
            status: None,
            status_interval: Duration::from_secs(30),
            workdir: None,
            base: dir.to_path_buf(),
            env: [(
                "FROM".to_owned(),
                EnvValue::Literal("{previous_version}".into()),
            )]
            .into(),
            timeout: Duration::from_secs(10),
        }
    }

    fn item(to: &str, from: &str) -> DeployItem {
        DeployItem {
            target: "web".into(),
            kind: UnitKind::Command,
            environment: "production".into(),
            namespace: "production".into(),
            name: "web".into(),
            container: String::new(),
            from: from.into(),
            to: to.into(),
            commands: vec![format!("sh deploy.sh {to}")],
        }
    }

    /// The watch's next report with a unit satisfying `check`.
    async fn until(
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
        check: impl Fn(&crate::domain::rollout::Unit) -> bool,
    ) -> crate::domain::rollout::Unit {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .expect("a report in time")
                .expect("the mailbox is open");
            if let Msg::Rollout(RolloutUpdate::Snapshot { units, .. }) = msg
                && check(&units[0])
            {
                return units[0].clone();
            }
        }
    }

    #[tokio::test]
    async fn a_deploy_sets_the_version_in_the_ledger_and_a_failed_one_keeps_the_old() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deploy.sh"),
            "echo \"from $FROM to $1\"\n[ \"$1\" = 2.4.0-bad ] && exit 7\necho \"$1\" > live\n",
        )
        .unwrap();
        let targets = Targets {
            kubernetes: Vec::new(),
            command: vec![command(dir.path())],
            docker: Vec::new(),
        };
        let mut set = TargetSet::new(targets, Clients::default(), dir.path().join("state"));
        let (mailbox, mut rx) = unbounded_channel();
        set.spawn_watches(&mailbox);
        let first = until(&mut rx, |_| true).await;
        assert_eq!(first.phase, RolloutPhase::Unknown, "nothing on record yet");
        let acting = Acting {
            release: "2026-12-02-minor".into(),
            operator: "alice".into(),
            mailbox: mailbox.clone(),
        };
        let done = set
            .deploy(&item("2.4.0", "2.3.1"), false, "", &acting)
            .await;
        assert!(
            done.as_ref().is_ok_and(|l| l.contains("deployed 2.4.0")),
            "{done:?}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("live")).unwrap(),
            "2.4.0\n"
        );
        let moving = until(&mut rx, |u| u.phase == RolloutPhase::Progressing).await;
        assert_eq!(moving.previous_version(), Some(UNKNOWN_VERSION));
        let unit = until(&mut rx, |u| u.phase == RolloutPhase::Complete).await;
        assert_eq!(unit.version, "2.4.0");
        let failed = set
            .deploy(&item("2.4.0-bad", "2.4.0"), false, "", &acting)
            .await;
        let Err(ActionError::Command { summary, .. }) = &failed else {
            panic!("{failed:?}")
        };
        assert_eq!(summary, "command 1 of 1: `sh deploy.sh 2.4.0-bad` exited 7");
        let unit = until(&mut rx, |u| u.phase == RolloutPhase::Failed).await;
        assert_eq!(
            unit.version, "2.4.0",
            "what the last success set still runs"
        );
        let entries = ledger::read(&ledger::path(&dir.path().join("state"), "web")).unwrap();
        assert_eq!(
            entries.iter().map(|e| e.ok).collect::<Vec<_>>(),
            [true, false]
        );
        // The output went to the run's log, the env value's variable filled in.
        let log = entries[0].log.clone().unwrap();
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(logged.contains("from 2.3.1 to 2.4.0"), "{logged}");
        assert!(log.starts_with(dir.path().join("state/runs/2026-12-02-minor")));
    }

    #[tokio::test]
    async fn a_rollback_without_commands_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let set = TargetSet::new(
            Targets {
                kubernetes: Vec::new(),
                command: vec![command(dir.path())],
                docker: Vec::new(),
            },
            Clients::default(),
            dir.path().to_path_buf(),
        );
        let (mailbox, _rx) = unbounded_channel();
        let acting = Acting {
            release: "r".into(),
            operator: "alice".into(),
            mailbox,
        };
        let item = RollbackItem {
            target: "web".into(),
            kind: UnitKind::Command,
            ..RollbackItem::default()
        };
        let refused = set.rollback(&item, &acting).await.unwrap_err();
        assert!(
            refused.to_string().contains("add `rollback = "),
            "{refused}"
        );
    }
}
