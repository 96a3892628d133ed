//! Messages that are no notify step's (an alert, the rollback notice):
//! journaled as `MessageSending` with the text kept here, sent once that
//! line is on disk, and `MessageSent` recorded with how it went.

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::domain::comms::message::{Outgoing, key};
use crate::domain::events::{Event, Recorded};

/// Starts sending `text` about `about` to `channel`: refused read-only or
/// without a release to journal it in (nothing is sent unjournaled).
pub fn send(
    model: &mut Model,
    about: String,
    template: &str,
    channel: &str,
    text: String,
) -> Vec<Effect> {
    if model.operator.is_read_only() {
        return Vec::new();
    }
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    let release = view.checklist.release.id.clone();
    let message = Outgoing {
        // One key per message journaled about it: an alert after a crash is
        // not sent again (the journal has it as sent or sending).
        key: key(&release, &about, view.checklist.messages.count(&about)),
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
    view.pending_messages.insert(about, message);
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
            // Only the one this cockpit asked for (not a line followed).
            let Some(message) = view
                .pending_messages
                .remove(about)
                .filter(|m| &m.key == key)
            else {
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
            ok: false, summary, ..
        } => {
            model.warn(summary.clone());
            Vec::new()
        }
        _ => Vec::new(),
    }
}
