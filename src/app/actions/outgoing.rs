//! Messages that are no notify step's (an alert, the rollback notice):
//! journaled as `MessageSending` with the text kept here, sent once that
//! line is on disk, and `MessageSent` recorded with how it went. A message
//! is keyed by how many about the same thing went out before it, so trying
//! again after a failure or a crash sends under the same key (a webhook
//! receiver that honours `Idempotency-Key` posts it once).

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::domain::comms::message::{Outgoing, key};
use crate::domain::events::{Event, Recorded};

/// Whether a message about `about` is on its way from this cockpit.
pub fn in_flight(model: &Model, about: &str) -> bool {
    model.release.as_ref().is_some_and(|view| {
        // Held by its key (a notify step's is held by the step's id).
        view.pending_messages
            .iter()
            .any(|(held_as, m)| *held_as == m.key && m.about == about)
    })
}

/// Starts sending `text` about `about` to `channel`: refused read-only,
/// while one about the same is on its way, or without a release to journal
/// it in (nothing is sent unjournaled).
pub fn send(
    model: &mut Model,
    about: String,
    template: &str,
    channel: &str,
    text: String,
) -> Vec<Effect> {
    if model.operator.is_read_only() || in_flight(model, &about) {
        return Vec::new();
    }
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    let release = view.checklist.release.id.clone();
    let message = Outgoing {
        key: key(&release, &about, view.checklist.messages.sent(&about)),
        release,
        template: template.to_owned(),
        about: about.clone(),
        text,
    };
    let event = Event::MessageSending {
        key: message.key.clone(),
        channel: channel.to_owned(),
        template: template.to_owned(),
        about: about.clone(),
    };
    view.pending_messages.insert(message.key.clone(), message);
    vec![Effect::Record(event)]
}

/// A `MessageSending` on disk: the send; a `MessageSent` that failed: a
/// warning.
pub fn after_recorded(model: &mut Model, recorded: &Recorded) -> Vec<Effect> {
    match &recorded.event {
        Event::MessageSending {
            key,
            channel,
            about,
            ..
        } => {
            let channel = model.channels.get(channel).cloned();
            let Some(view) = model.release.as_mut() else {
                return Vec::new();
            };
            // Only the one this cockpit asked for (not a line followed); kept
            // until its outcome, so it counts as on its way.
            let Some(message) = view.pending_messages.get(key).cloned() else {
                return Vec::new();
            };
            let Some(channel) = channel else {
                return vec![Effect::Record(Event::MessageSent {
                    key: key.clone(),
                    channel: String::new(),
                    ok: false,
                    summary: "not sent: its channel is no longer configured".to_owned(),
                })];
            };
            let request = model.start_request(format!("message `{about}`"), 1);
            vec![Effect::SendMessage {
                request,
                step: None,
                channel: Box::new(channel),
                message: Box::new(message),
            }]
        }
        Event::MessageSent {
            key, ok, summary, ..
        } => {
            if let Some(view) = model.release.as_mut() {
                view.pending_messages.remove(key);
            }
            if !ok {
                model.warn(summary.clone());
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
