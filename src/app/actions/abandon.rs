//! `:release-abandon`: the release will not go out. Asks why, then asks
//! again (default cancel); refused read-only; journaled as
//! `ReleaseAbandoned`, which `releases`, the header and the delivery
//! figures read as its outcome.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay, Prompt, PromptPurpose};
use crate::domain::events::Event;

/// The command: the prompt for why, or why not.
pub fn ask(model: &mut Model) -> Vec<Effect> {
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal("abandoning the release"));
        return Vec::new();
    }
    let Some(view) = model.release.as_ref() else {
        model.notice = Some("no release is open".to_owned());
        return Vec::new();
    };
    let outcome = view.checklist.outcome(None);
    if outcome.is_final() {
        model.notice = Some(format!(
            "{} is {} already",
            view.checklist.release.id,
            outcome.name()
        ));
        return Vec::new();
    }
    model.overlay = Some(Overlay::Prompt(Prompt {
        purpose: PromptPurpose::AbandonReason {
            release: view.checklist.release.id.clone(),
        },
        text: String::new(),
    }));
    Vec::new()
}

/// The reason given: the confirmation.
pub fn confirm(model: &mut Model, release: String, reason: String) -> Vec<Effect> {
    model.overlay = Some(Overlay::Confirm(Confirm::new(Action::Abandon {
        release,
        reason,
    })));
    Vec::new()
}

/// `y`: journaled, if the release asked about is still the one open.
pub fn confirmed(model: &mut Model, release: &str, reason: String) -> Vec<Effect> {
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal("abandoning the release"));
        return Vec::new();
    }
    if model
        .release
        .as_ref()
        .is_none_or(|v| v.checklist.release.id != release)
    {
        model.notice = Some(format!("{release} is not the release open now"));
        return Vec::new();
    }
    // It may have ended while the dialog was open.
    if let Some(outcome) = model.release_outcome().filter(|o| o.is_final()) {
        model.notice = Some(format!("{release} is {} already", outcome.name()));
        return Vec::new();
    }
    vec![Effect::Record(Event::ReleaseAbandoned { reason })]
}

#[cfg(test)]
mod tests {
    use crate::app::fixture::sample_model_with_release;
    use crate::app::{Effect, Msg, update};
    use crate::domain::events::Event;

    fn press(model: &mut crate::app::model::Model, key: &str) -> Vec<Effect> {
        update(model, Msg::Key(key.parse().unwrap()))
    }

    fn type_text(model: &mut crate::app::model::Model, text: &str) {
        for c in text.chars() {
            update(model, Msg::Key(crate::app::keys::key::Key::char(c)));
        }
    }

    fn abandon(model: &mut crate::app::model::Model, answer: &str) -> Vec<Effect> {
        press(model, ":");
        type_text(model, "release-abandon");
        press(model, "enter");
        type_text(model, "provider down");
        press(model, "enter");
        press(model, answer)
    }

    #[test]
    fn abandoning_asks_why_then_y_and_journals_the_reason() {
        let mut model = sample_model_with_release();
        assert!(abandon(&mut model, "n").is_empty(), "n cancels");
        assert_eq!(
            abandon(&mut model, "y"),
            vec![Effect::Record(Event::ReleaseAbandoned {
                reason: "provider down".into()
            })]
        );
    }

    #[test]
    fn read_only_refuses_it() {
        let mut model = sample_model_with_release();
        model.operator.read_only = true;
        press(&mut model, ":");
        type_text(&mut model, "release-abandon");
        assert!(press(&mut model, "enter").is_empty());
        assert_eq!(model.overlay, None, "no prompt");
        assert!(
            model
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("read-only")),
            "{:?}",
            model.notice
        );
    }
}
