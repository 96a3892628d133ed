//! One watch task per rollout target; each reports into the mailbox.

use tokio::sync::mpsc::UnboundedSender;

use crate::adapters::kubernetes::{KubeTarget, watch_target};
use crate::app::Msg;

pub fn spawn_watches(targets: Vec<KubeTarget>, mailbox: &UnboundedSender<Msg>) {
    for target in targets {
        let mailbox = mailbox.clone();
        tokio::spawn(watch_target(target, move |update| {
            mailbox.send(Msg::Rollout(update)).is_ok()
        }));
    }
}
