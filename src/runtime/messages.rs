//! Sending a message (its start journaled already) and reporting how it
//! went, bound to the request that asked: a notify step's as its gate's
//! outcome (the text sent kept as the output), another's as a delivery.

use tokio::sync::mpsc::UnboundedSender;

use crate::adapters::comms;
use crate::app::Msg;
use crate::app::requests::{Request, TaskResult};
use crate::domain::comms::channel::{Channel, ChannelKind};
use crate::domain::comms::message::{Delivery, Outgoing};
use crate::domain::events::GateOutcome;

/// Off the loop, except the clipboard: its sequence is written here, on
/// the loop's thread between two frames, so it never lands inside one.
pub fn send(
    request: Request,
    step: Option<String>,
    channel: Channel,
    message: Outgoing,
    mailbox: UnboundedSender<Msg>,
) {
    tracing::info!(
        channel = %channel.name,
        kind = channel.kind.name(),
        key = %message.key,
        template = %message.template,
        "sending a message"
    );
    if channel.kind == ChannelKind::Clipboard {
        let delivery = to_clipboard(&channel, &message.text);
        let _ = mailbox.send(done(request, step, &channel, message, delivery));
        return;
    }
    tokio::spawn(async move {
        let delivery = comms::send(&channel, &message).await;
        let _ = mailbox.send(done(request, step, &channel, message, delivery));
    });
}

/// Writes OSC 52 to the terminal.
pub fn to_clipboard(channel: &Channel, text: &str) -> Delivery {
    use std::io::Write;
    let mut out = std::io::stdout();
    match out
        .write_all(comms::osc52(text).as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => comms::copied(channel),
        Err(e) => Delivery {
            ok: false,
            summary: format!("not copied for `{}`: the terminal: {e}", channel.name),
            attempts: 1,
            duration_ms: 0,
        },
    }
}

fn done(
    request: Request,
    step: Option<String>,
    channel: &Channel,
    message: Outgoing,
    delivery: Delivery,
) -> Msg {
    tracing::info!(channel = %channel.name, key = %message.key, ok = delivery.ok, summary = %delivery.summary, "message sent");
    let result = match step {
        Some(step) => TaskResult::Gate {
            step,
            outcome: GateOutcome {
                passed: delivery.ok,
                summary: delivery.summary,
                output: message.text,
                duration_ms: delivery.duration_ms,
                released: Vec::new(),
            },
        },
        None => TaskResult::Message {
            key: message.key,
            channel: channel.name.clone(),
            ok: delivery.ok,
            summary: delivery.summary,
        },
    };
    Msg::Done { request, result }
}
