//! `:incident`: the severity (a word of the team's scale) and the reason of
//! an incident declared without a rollback. `Enter` hands them to the one
//! confirmation (default cancel); nothing is journaled from here.

use crate::app::keys::commands::Command;
use crate::app::keys::keymap::Input;
use crate::domain::rollback::Severity;
use crate::domain::severity_scale::SeverityScale;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentForm {
    /// Index into the scale, most severe first.
    pub rank: usize,
    pub reason: String,
    /// The rule firing when the dialog opened: the report names it.
    pub trigger: Option<String>,
    /// Why `Enter` did not go on.
    pub message: Option<String>,
}

/// What the operator declares, once confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub severity: Severity,
    /// The team's word; `None` when it is the level itself.
    pub severity_name: Option<String>,
    pub reason: String,
    pub trigger: Option<String>,
}

/// What a key asks the caller to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    Open,
    Close,
    Confirm(Declaration),
}

impl IncidentForm {
    /// Starts on `level`'s first word, with the reason the matrix suggests.
    pub fn new(
        scale: &SeverityScale,
        level: Severity,
        reason: String,
        trigger: Option<String>,
    ) -> Self {
        Self {
            rank: scale.rank_of(level),
            reason,
            trigger,
            message: None,
        }
    }

    /// A key, read in `Mode::IncidentForm`.
    pub fn input(&mut self, input: Input, scale: &SeverityScale) -> FormOutcome {
        self.message = None;
        match input {
            Input::Text(c) => self.reason.push(c),
            Input::Command(Command::DeleteChar) => {
                self.reason.pop();
            }
            Input::Command(Command::ClearText) => self.reason.clear(),
            Input::Command(Command::IncidentSeverityUp) => self.rank = self.rank.saturating_sub(1),
            Input::Command(Command::IncidentSeverityDown) => {
                self.rank = (self.rank + 1).min(scale.last_rank())
            }
            Input::Command(Command::IncidentClose) => return FormOutcome::Close,
            Input::Command(Command::IncidentNext) if self.reason.trim().is_empty() => {
                self.message = Some(
                    "type what is wrong: the reason goes into the journal and the report"
                        .to_owned(),
                );
            }
            Input::Command(Command::IncidentNext) => {
                let entry = scale.get(self.rank);
                return FormOutcome::Confirm(Declaration {
                    severity: entry.level,
                    severity_name: entry.journal_name().map(str::to_owned),
                    reason: self.reason.trim().to_owned(),
                    trigger: self.trigger.clone(),
                });
            }
            Input::Command(_) | Input::Unbound => {}
        }
        FormOutcome::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::severity_scale::SeverityName;

    fn team() -> SeverityScale {
        let name = |name: &str, level| SeverityName {
            name: name.into(),
            level,
            covers: None,
        };
        SeverityScale::new(vec![
            name("critical", Severity::P0),
            name("high", Severity::P1),
            name("medium", Severity::P2),
            name("low", Severity::P2),
        ])
        .unwrap()
    }

    #[test]
    fn severity_moves_over_the_team_scale_and_enter_hands_over_its_word() {
        let scale = team();
        let mut form = IncidentForm::new(&scale, Severity::P1, String::new(), None);
        assert_eq!(form.rank, 1);
        let down = Input::Command(Command::IncidentSeverityDown);
        for _ in 0..5 {
            assert_eq!(form.input(down, &scale), FormOutcome::Open);
        }
        assert_eq!(form.rank, 3, "stops at the least severe");
        let next = Input::Command(Command::IncidentNext);
        assert_eq!(form.input(next, &scale), FormOutcome::Open);
        assert!(form.message.is_some(), "no reason, no declaration");
        for c in " card payments fail ".chars() {
            form.input(Input::Text(c), &scale);
        }
        assert_eq!(
            form.input(next, &scale),
            FormOutcome::Confirm(Declaration {
                severity: Severity::P2,
                severity_name: Some("low".into()),
                reason: "card payments fail".into(),
                trigger: None,
            })
        );
        assert_eq!(
            form.input(Input::Command(Command::IncidentClose), &scale),
            FormOutcome::Close
        );
    }
}
