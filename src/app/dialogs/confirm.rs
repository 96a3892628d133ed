//! The one confirmation (gitui's confirm -> confirmed): a dialog carrying the
//! action to run once the operator says yes. Cancel is the default: a key
//! dialog takes `y` and cancels on anything else (Enter included); one that
//! wants text typed first (the rollback's version) starts with the focus on
//! Cancel, and Enter presses the focused button.

use crate::app::keys::commands::{Command, Mode};
use crate::app::keys::keymap::Input;
use chrono::{DateTime, Utc};

use crate::domain::rollout::DeployPlan;

/// What runs when the operator confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Quit while actions run.
    Quit,
    Deploy(DeployPlan),
    /// A command step that deploys (`environment =`), before its gate runs.
    RunStep {
        step: String,
        run: String,
        environment: String,
    },
    /// A `tag` step: the release tag, where, and where it is pushed.
    RepoStep(crate::domain::versioning::plan::RepoPlan),
    /// A notify step: the exact message and its channel.
    Notify(Box<crate::domain::comms::notify_plan::NotifyPlan>),
    /// Completing a step due more than `actions::step::EARLY` from now.
    CompleteEarly {
        step: String,
        due: DateTime<Utc>,
    },
    /// The guided rollback's selection (the wizard holds it).
    Rollback,
    /// `:incident`: an incident without a rollback, as the form filled it.
    DeclareIncident(crate::app::dialogs::incident_form::Declaration),
    /// `:release-abandon`: the release will not go out.
    Abandon {
        release: String,
        reason: String,
    },
    /// `[share]`: write the release whose writer's Lease lapsed.
    TakeOver {
        release: String,
        previous: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Cancel,
    Confirm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub action: Action,
    /// What must be typed before Roll back counts; `None` for a key dialog.
    pub expected: Option<String>,
    pub typed: String,
    pub focus: Button,
}

/// What an answer asks the caller to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Still asking: a key typed, the focus moved, an option toggled.
    Open,
    Cancelled,
    /// Yes: run the action, checking first what must still hold (read-only,
    /// go/no-go, the typed text).
    Confirmed,
    /// The deploy dialog's `O`: override the go/no-go that holds it back.
    Override,
    /// The notify dialog's `h`: the message went out another way.
    ByHand,
}

impl Confirm {
    /// A dialog answered with a key.
    pub fn new(action: Action) -> Self {
        Self {
            action,
            expected: None,
            typed: String::new(),
            focus: Button::Cancel,
        }
    }

    /// A dialog that wants `expected` typed before it confirms.
    pub fn typed(action: Action, expected: String) -> Self {
        Self {
            expected: Some(expected),
            ..Self::new(action)
        }
    }

    pub fn mode(&self) -> Mode {
        if self.expected.is_some() {
            Mode::ConfirmTyped
        } else {
            Mode::Confirm
        }
    }

    pub fn answer(&mut self, input: Input) -> Answer {
        if self.expected.is_some() {
            return self.typed_answer(input);
        }
        match (input, &mut self.action) {
            (Input::Command(Command::ConfirmYes), _) => Answer::Confirmed,
            (Input::Command(Command::ConfirmDryRun), Action::Deploy(plan)) => {
                plan.dry_run = !plan.dry_run;
                Answer::Open
            }
            (Input::Command(Command::ConfirmOverride), Action::Deploy(_)) => Answer::Override,
            (Input::Command(Command::ConfirmByHand), Action::Notify(plan))
                if plan.step.is_some() =>
            {
                Answer::ByHand
            }
            _ => Answer::Cancelled,
        }
    }

    fn typed_answer(&mut self, input: Input) -> Answer {
        match input {
            Input::Text(c) => self.typed.push(c),
            Input::Command(Command::DeleteChar) => {
                self.typed.pop();
            }
            Input::Command(Command::ClearText) => self.typed.clear(),
            Input::Command(Command::ConfirmSwitch) => {
                self.focus = match self.focus {
                    Button::Cancel => Button::Confirm,
                    Button::Confirm => Button::Cancel,
                }
            }
            Input::Command(Command::ConfirmCancel) => return Answer::Cancelled,
            Input::Command(Command::ConfirmChoose) => {
                return match self.focus {
                    Button::Cancel => Answer::Cancelled,
                    Button::Confirm => Answer::Confirmed,
                };
            }
            Input::Command(_) | Input::Unbound => {}
        }
        Answer::Open
    }

    /// The text still to type, when what was typed is not it (an empty
    /// expectation is never met: nothing confirms without its text).
    pub fn missing(&self) -> Option<&str> {
        self.expected
            .as_deref()
            .filter(|expected| expected.is_empty() || self.typed.trim() != *expected)
    }

    /// Whether the dialog takes `command` now, for its hints.
    pub fn offers(&self, command: Command) -> bool {
        let typed = self.expected.is_some();
        match command {
            // A deploy with everything held back has nothing to say yes to.
            Command::ConfirmYes => {
                !typed && !matches!(&self.action, Action::Deploy(plan) if plan.items.is_empty())
            }
            Command::ConfirmDryRun => {
                matches!(&self.action, Action::Deploy(plan) if !plan.items.is_empty())
            }
            Command::ConfirmOverride => {
                matches!(&self.action, Action::Deploy(plan) if !plan.held_back.is_empty())
            }
            Command::ConfirmByHand => {
                matches!(&self.action, Action::Notify(plan) if plan.step.is_some())
            }
            // In a key dialog these keys cancel, as any other key does.
            Command::ConfirmSwitch
            | Command::ConfirmChoose
            | Command::ConfirmCancel
            | Command::DeleteChar
            | Command::ClearText => typed,
            _ => false,
        }
    }

    /// What yes does, as the dialog and its hints say it.
    pub fn verb(&self) -> String {
        match &self.action {
            Action::Quit => "quit anyway".to_owned(),
            Action::Deploy(_) => "deploy".to_owned(),
            Action::RunStep { .. } => "run it".to_owned(),
            Action::RepoStep(plan) => match plan.work {
                crate::domain::playbook::RepoWork::Tag => "tag it".to_owned(),
                crate::domain::playbook::RepoWork::Branch(_) => "cut it".to_owned(),
                _ => "write them".to_owned(),
            },
            Action::Notify(plan) if plan.uncertain => "send it again".to_owned(),
            Action::Notify(_) => "send it".to_owned(),
            Action::CompleteEarly { .. } => "complete it now".to_owned(),
            Action::Rollback => "roll back".to_owned(),
            Action::DeclareIncident(_) => "declare it".to_owned(),
            Action::Abandon { .. } => "abandon it".to_owned(),
            Action::TakeOver { .. } => "take it over".to_owned(),
        }
    }

    /// What cancelling does, as the hints say it.
    pub fn cancel_label(&self) -> &'static str {
        match &self.action {
            Action::Rollback => "back to the scope",
            Action::Quit
            | Action::Deploy(_)
            | Action::RunStep { .. }
            | Action::RepoStep(_)
            | Action::Notify(_)
            | Action::CompleteEarly { .. }
            | Action::DeclareIncident(_)
            | Action::Abandon { .. }
            | Action::TakeOver { .. } => "cancel",
        }
    }

    /// The notice when the operator says no.
    pub fn cancelled(&self) -> String {
        match &self.action {
            Action::Quit => "quit cancelled".to_owned(),
            Action::Deploy(_) => "deploy cancelled".to_owned(),
            Action::RunStep { step, .. } => format!("`{step}` not run"),
            Action::RepoStep(plan) => format!("`{}` not done", plan.step),
            Action::Notify(plan) => format!("`{}` not sent", plan.message.about),
            Action::CompleteEarly { step, .. } => format!("`{step}` not completed"),
            Action::Rollback => "rollback not started".to_owned(),
            Action::DeclareIncident(_) => "incident not declared".to_owned(),
            Action::Abandon { release, .. } => format!("{release} not abandoned"),
            Action::TakeOver { release, .. } => {
                format!("{release} not taken over: still following")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(command: Command) -> Input {
        Input::Command(command)
    }

    #[test]
    fn a_key_dialog_confirms_on_yes_and_cancels_on_anything_else() {
        let mut quit = Confirm::new(Action::Quit);
        assert_eq!(quit.answer(command(Command::ConfirmYes)), Answer::Confirmed);
        for other in [
            command(Command::ConfirmChoose),
            command(Command::ConfirmSwitch),
            command(Command::ConfirmDryRun),
            command(Command::Quit),
            Input::Unbound,
        ] {
            assert_eq!(quit.answer(other), Answer::Cancelled, "{other:?}");
        }
    }

    #[test]
    fn a_typed_dialog_starts_on_cancel_and_wants_the_text() {
        let mut confirm = Confirm::typed(Action::Rollback, "2.4.0".into());
        assert_eq!(confirm.mode(), Mode::ConfirmTyped);
        for c in "2.4.0".chars() {
            assert_eq!(confirm.answer(Input::Text(c)), Answer::Open);
        }
        assert_eq!(confirm.missing(), None);
        assert_eq!(
            confirm.answer(command(Command::ConfirmChoose)),
            Answer::Cancelled,
            "the focus starts on Cancel"
        );
        confirm.answer(command(Command::DeleteChar));
        assert_eq!(confirm.missing(), Some("2.4.0"));
        confirm.answer(command(Command::ConfirmSwitch));
        assert_eq!(
            confirm.answer(command(Command::ConfirmChoose)),
            Answer::Confirmed,
            "the caller checks what is missing"
        );
        assert_eq!(confirm.answer(Input::Text('y')), Answer::Open, "y is text");
        assert_eq!(
            confirm.answer(command(Command::ConfirmCancel)),
            Answer::Cancelled
        );
    }

    #[test]
    fn hints_offer_what_the_dialog_takes() {
        let quit = Confirm::new(Action::Quit);
        assert!(quit.offers(Command::ConfirmYes));
        assert!(!quit.offers(Command::ConfirmDryRun));
        assert!(!quit.offers(Command::ConfirmChoose));
        let rollback = Confirm::typed(Action::Rollback, "2.4.0".into());
        assert!(!rollback.offers(Command::ConfirmYes));
        assert!(rollback.offers(Command::ConfirmSwitch));
        assert!(rollback.offers(Command::ConfirmChoose));
    }
}
