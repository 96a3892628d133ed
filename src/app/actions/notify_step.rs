//! A notify step: the dialog showing the exact message and where it goes,
//! then, on `y`, the journaled start of the send (a gate run: `GateStarted`
//! before, `GateFinished` with how it went after); the runtime sends.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay};
use crate::domain::checklist::{GateRun, StepState};
use crate::domain::comms::channel::Channel;
use crate::domain::comms::message::{MAY_HAVE_GONE, Outgoing, key, step_about};
use crate::domain::comms::notify_plan::NotifyPlan;
use crate::domain::events::{Event, GateOutcome};

/// Space (or `r`) on a notify step with a channel: the dialog, or why not.
pub fn ask(model: &mut Model, step: &str, channel: Channel, template: &str) -> Vec<Effect> {
    let now = model.clock.now;
    let Some(text) = crate::app::messages::filled(model, template) else {
        model.notice = Some(format!("`{step}`: no message template `{template}`"));
        return Vec::new();
    };
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let checklist = &view.checklist;
    // Cut off by a crash, or failed in a way the channel may have taken it.
    let uncertain = checklist
        .playbook
        .step(step)
        .is_some_and(|s| checklist.state(s, now) == StepState::Running)
        || checklist.record(step).is_some_and(|r| {
            matches!(&r.gate, GateRun::Finished { outcome, .. }
                if !outcome.passed && outcome.summary.contains(MAY_HAVE_GONE))
        });
    let release = checklist.release.id.clone();
    let message = Outgoing {
        key: key(&release, &step_about(step), checklist.times_sent(step)),
        release,
        template: template.to_owned(),
        about: step.to_owned(),
        text,
    };
    model.overlay = Some(Overlay::Confirm(Confirm::new(Action::Notify(Box::new(
        NotifyPlan {
            step: Some(step.to_owned()),
            channel,
            message,
            uncertain,
        },
    )))));
    Vec::new()
}

/// A message that is no step's (the rollback notice, `text` as shown):
/// the same dialog, or why there is nowhere to send it.
pub fn ask_about(
    model: &mut Model,
    about: String,
    template: &str,
    channel: Option<&str>,
    text: String,
) -> Vec<Effect> {
    let channel = match model.channels.resolve(channel) {
        Ok(channel) => channel.clone(),
        Err(why) => {
            model.notice = Some(format!("the {template} is not sent: {why}"));
            return Vec::new();
        }
    };
    if crate::app::actions::outgoing::in_flight(model, &about) {
        model.notice = Some(format!("the {template} is on its way"));
        return Vec::new();
    }
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let checklist = &view.checklist;
    // The last try has no outcome (the cockpit stopped during it) or failed
    // after the channel may have taken it: the same key, and a warning.
    let uncertain = checklist
        .messages
        .tries_since_delivered(&about)
        .last()
        .is_some_and(|last| match &last.outcome {
            None => true,
            Some((_, summary)) => summary.contains(MAY_HAVE_GONE),
        });
    let release = checklist.release.id.clone();
    let message = Outgoing {
        key: key(&release, &about, checklist.messages.sent(&about)),
        release,
        template: template.to_owned(),
        about,
        text,
    };
    model.overlay = Some(Overlay::Confirm(Confirm::new(Action::Notify(Box::new(
        NotifyPlan {
            step: None,
            channel,
            message,
            uncertain,
        },
    )))));
    Vec::new()
}

/// `y` in the dialog: refused read-only, else journaled as started; the
/// text shown is what goes out.
pub fn confirmed(model: &mut Model, plan: NotifyPlan) -> Vec<Effect> {
    let what = plan
        .step
        .clone()
        .unwrap_or_else(|| plan.message.about.clone());
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal(&format!("`{what}`")));
        return Vec::new();
    }
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    if view.checklist.release.id != plan.message.release {
        model.notice = Some(format!("`{what}` is not in the release open now"));
        return Vec::new();
    }
    let Some(step) = plan.step else {
        back_to_wizard(model, &plan);
        let NotifyPlan {
            channel, message, ..
        } = plan;
        return crate::app::actions::outgoing::send(
            model,
            message.about,
            &message.template,
            &channel.name,
            message.text,
        );
    };
    if view.live_gates.contains(&step) {
        model.notice = Some(format!("`{step}` is sending"));
        return Vec::new();
    }
    view.pending_messages.insert(step.clone(), plan.message);
    vec![Effect::Record(Event::GateStarted { step })]
}

/// The rollback notice's dialog closed, however: back to the wizard it
/// came from.
pub fn back_to_wizard(model: &mut Model, plan: &NotifyPlan) {
    if plan.step.is_none() && plan.message.about == "rollback" && model.rollback.is_some() {
        model.overlay = Some(Overlay::Rollback);
    }
}

/// `h` in the dialog: the message went out another way; the step is
/// completed by hand (refused read-only), nothing is sent.
pub fn by_hand(model: &mut Model, plan: NotifyPlan) -> Vec<Effect> {
    let Some(step) = plan.step.clone() else {
        back_to_wizard(model, &plan);
        return Vec::new();
    };
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal(&format!("`{step}`")));
        return Vec::new();
    }
    if model.release.as_ref().is_none_or(|v| {
        v.checklist.release.id != plan.message.release || v.live_gates.contains(&step)
    }) {
        model.notice = Some(format!("`{step}` cannot be completed now"));
        return Vec::new();
    }
    model.notice = Some(format!("`{step}` completed by hand: nothing sent"));
    vec![Effect::Record(Event::StepCompleted { step })]
}

/// Its `GateStarted` is on disk: the send, or a failure recorded when
/// there is nothing to send any more (a start must be recorded as ended).
pub fn started(model: &mut Model, step: &str, channel: Option<&str>) -> Vec<Effect> {
    let channel = model.channels.resolve(channel).cloned();
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    let message = view.pending_messages.remove(step);
    match (channel, message) {
        (Ok(channel), Some(message)) => {
            view.live_gates.insert(step.to_owned());
            let request = model.start_request(format!("message `{step}`"), 1);
            vec![Effect::SendMessage {
                request,
                step: Some(step.to_owned()),
                channel: Box::new(channel),
                message: Box::new(message),
            }]
        }
        (channel, _) => vec![Effect::Record(Event::GateFinished {
            step: step.to_owned(),
            outcome: GateOutcome {
                passed: false,
                summary: match channel {
                    Err(why) => format!("not sent: {why}"),
                    Ok(_) => "not sent: the confirmed message was lost".to_owned(),
                },
                output: String::new(),
                duration_ms: 0,
                released: Vec::new(),
            },
        })],
    }
}
