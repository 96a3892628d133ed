//! One watch task per rollout target; each reports into the mailbox.

use tokio::sync::mpsc::UnboundedSender;

use crate::adapters::kubernetes::{Clients, KubeTarget, watch_target_with};
use crate::app::Msg;

/// Each watch reads with its target's client from `clients`.
pub fn spawn_watches(targets: Vec<KubeTarget>, clients: &Clients, mailbox: &UnboundedSender<Msg>) {
    for target in targets {
        let mailbox = mailbox.clone();
        let clients = clients.clone();
        tokio::spawn(async move {
            watch_target_with(&clients, target, move |update| {
                mailbox.send(Msg::Rollout(update)).is_ok()
            })
            .await;
        });
    }
}
