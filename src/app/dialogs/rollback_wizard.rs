//! The guided rollback as a pure state machine: assess (severity and why),
//! scope and target (which Deployments, to which revision), confirm (type the
//! version), execute, verify, incident. `Esc` steps back until execution
//! starts; after that it only hides the wizard, which `R` shows again.

use chrono::{DateTime, Duration, Utc};

use crate::app::dialogs::confirm::{Action, Answer, Confirm};
use crate::app::dialogs::scrolling::scrolled_row;
use crate::app::keys::commands::{Command, Mode};
use crate::app::keys::keymap::Input;
use crate::domain::events::Event;
use crate::domain::rollback::{Candidate, RollbackItem, Severity, TriggerFacts, suggest};
use crate::domain::rollout::CommandTemplates;
use crate::domain::severity_scale::{SeverityName, SeverityScale};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Assess,
    /// P2: the matrix says fix forward; the operator may stop or go on.
    FixForward,
    Scope,
    Confirm,
    Execute,
    Verify,
    Incident,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub candidate: Candidate,
    pub selected: bool,
    /// Index into `candidate.choices`.
    pub revision: usize,
}

impl Choice {
    /// The revert this choice stands for; `None` without a revision to go
    /// to, or when a command's variables cannot all be filled in.
    pub fn item(&self) -> Option<RollbackItem> {
        let c = &self.candidate;
        let to = c.choices.get(self.revision)?;
        let commands = match &c.commands {
            Some(rollback) => {
                let vars = rollback.templates.vars(
                    &rollback.release,
                    &c.target,
                    &c.namespace,
                    &to.version,
                    Some(&c.version),
                );
                CommandTemplates::render(&rollback.templates.rollback, &vars).ok()?
            }
            None => Vec::new(),
        };
        // The image of the container the cockpit follows: same repository.
        let to_image = to
            .images
            .iter()
            .find(|i| repository(i) == repository(&self.candidate.image))
            .or(to.images.first())
            .cloned()
            .unwrap_or_default();
        Some(RollbackItem {
            target: c.target.clone(),
            kind: c.kind,
            namespace: c.namespace.clone(),
            name: c.name.clone(),
            from_image: c.image.clone(),
            from_revision: c.revision,
            to_revision: to.number,
            to_image,
            from_version: c.version.clone(),
            to_version: to.version.clone(),
            commands,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemState {
    /// Journaled; the API has not answered yet.
    Sending,
    /// The API took the revert; the rollout is on its way.
    Sent,
    Failed(String),
    /// Running the old revision everywhere.
    Reverted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub item: RollbackItem,
    pub state: ItemState,
}

/// What verification looks at, read from the model by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checks {
    /// Item keys whose Deployment runs the target image, rollout complete.
    pub reverted: Vec<String>,
    /// What is not fine yet: a failing health check, a breached rule.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub ok: bool,
    pub detail: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Wizard {
    pub stage: Stage,
    pub severity: Severity,
    /// The team's words for the levels (`[rollback] severities`), and which
    /// one the assessment is on: `severity` is that word's level.
    pub scale: SeverityScale,
    pub rank: usize,
    pub reason: String,
    pub trigger: Option<TriggerFacts>,
    pub choices: Vec<Choice>,
    pub cursor: usize,
    /// The confirmation: the release version typed, and the focused button
    /// (it starts on Cancel).
    pub confirm: Confirm,
    pub automatic: bool,
    pub progress: Vec<Progress>,
    pub started_at: Option<DateTime<Utc>>,
    pub healthy_since: Option<DateTime<Utc>>,
    pub verify_window: Duration,
    /// The last verification's open problems.
    pub waiting_for: Vec<String>,
    pub verdict: Option<Verdict>,
    pub incident: Option<String>,
    pub notice: Option<String>,
    /// A refusal or error to show in the wizard.
    pub message: Option<String>,
}

/// What a key or a check asks the caller to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Nothing,
    /// Close the wizard for good.
    Close,
    /// Hide it; it goes on.
    Hide,
    Record(Box<Event>),
    /// Send the rollback notice (this text).
    SendNotice(String),
}

impl Wizard {
    pub fn new(
        trigger: Option<TriggerFacts>,
        choices: Vec<Candidate>,
        verify_window: Duration,
    ) -> Self {
        let (severity, reason) = match &trigger {
            Some(t) => suggest(t),
            None => (Severity::P1, String::new()),
        };
        let choices = choices
            .into_iter()
            .map(|candidate| Choice {
                selected: candidate.changed && !candidate.stale && !candidate.choices.is_empty(),
                candidate,
                revision: 0,
            })
            .collect();
        let scale = SeverityScale::default();
        Self {
            stage: Stage::Assess,
            severity,
            rank: scale.rank_of(severity),
            scale,
            reason,
            trigger,
            choices,
            cursor: 0,
            confirm: Confirm::typed(Action::Rollback, String::new()),
            automatic: false,
            progress: Vec::new(),
            started_at: None,
            healthy_since: None,
            verify_window,
            waiting_for: Vec::new(),
            verdict: None,
            incident: None,
            notice: None,
            message: None,
        }
    }

    /// Assess in the team's words: the same level, on its first word.
    pub fn with_scale(mut self, scale: SeverityScale) -> Self {
        self.rank = scale.rank_of(self.severity);
        self.scale = scale;
        self
    }

    /// Sets the level (a suggestion, a journaled assessment), on its first word.
    pub fn set_severity(&mut self, severity: Severity) {
        self.severity = severity;
        self.rank = self.scale.rank_of(severity);
    }

    /// The word the assessment is on; the level's first word should
    /// `severity` have been set without it.
    pub fn severity_entry(&self) -> &SeverityName {
        let entry = self.scale.get(self.rank);
        if entry.level == self.severity {
            entry
        } else {
            self.scale.get(self.scale.rank_of(self.severity))
        }
    }

    /// Whether execution has started: from then on nothing steps back.
    pub fn is_running(&self) -> bool {
        matches!(self.stage, Stage::Execute | Stage::Verify)
    }

    pub fn items(&self) -> Vec<RollbackItem> {
        self.choices
            .iter()
            .filter(|c| c.selected)
            .filter_map(Choice::item)
            .collect()
    }

    fn assessed(&self) -> Outcome {
        Outcome::Record(Box::new(Event::SeverityAssessed {
            severity: self.severity,
            severity_name: self.severity_entry().journal_name().map(str::to_owned),
            reason: self.reason_or_default(),
            trigger: self.trigger.as_ref().map(|t| t.rule.clone()),
        }))
    }

    pub fn reason_or_default(&self) -> String {
        if self.reason.trim().is_empty() {
            "manual rollback".to_owned()
        } else {
            self.reason.trim().to_owned()
        }
    }

    /// The write-ahead line; execution starts when it is durable.
    pub fn start(&mut self, now: DateTime<Utc>) -> Outcome {
        let items = self.items();
        self.progress = items
            .iter()
            .map(|item| Progress {
                item: item.clone(),
                state: ItemState::Sending,
            })
            .collect();
        self.stage = Stage::Execute;
        self.started_at = Some(now);
        self.message = None;
        Outcome::Record(Box::new(Event::RollbackStarted {
            severity: self.severity,
            reason: self.reason_or_default(),
            items,
            automatic: self.automatic,
        }))
    }

    /// Whose keys work at this stage.
    pub fn mode(&self) -> Mode {
        match self.stage {
            Stage::Assess => Mode::RollbackAssess,
            Stage::FixForward => Mode::RollbackFixForward,
            Stage::Scope => Mode::RollbackScope,
            Stage::Confirm => self.confirm.mode(),
            Stage::Execute | Stage::Verify => Mode::RollbackRunning,
            Stage::Incident => Mode::RollbackIncident,
        }
    }

    /// Whether the stage takes `command` now (for its hints): verifying
    /// anyway only once every revert has answered.
    pub fn offers(&self, command: Command) -> bool {
        match command {
            Command::RollbackVerify => self.stage == Stage::Execute && self.all_answered(),
            _ if self.stage == Stage::Confirm => self.confirm.offers(command),
            _ => true,
        }
    }

    /// A key, read in the stage's mode (`Wizard::mode`).
    pub fn input(
        &mut self,
        input: Input,
        version: &str,
        read_only: bool,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.message = None;
        let command = match input {
            Input::Command(command) => Some(command),
            Input::Text(_) | Input::Unbound => None,
        };
        match self.stage {
            Stage::Assess => self.assess_input(input, read_only),
            Stage::FixForward => match command {
                Some(Command::RollbackAnyway) => {
                    self.stage = Stage::Scope;
                    Outcome::Nothing
                }
                Some(Command::RollbackReassess) => {
                    self.stage = Stage::Assess;
                    Outcome::Nothing
                }
                Some(Command::RollbackStop) => Outcome::Close,
                _ => Outcome::Nothing,
            },
            Stage::Scope => {
                if let Some(command) = command {
                    self.scope_command(command, version);
                }
                Outcome::Nothing
            }
            Stage::Confirm => self.confirm_input(input, read_only, now),
            Stage::Execute | Stage::Verify => match command {
                Some(Command::RollbackHide) => Outcome::Hide,
                Some(Command::RollbackRetry) if read_only => {
                    self.message = Some("read-only: a retry is refused".to_owned());
                    Outcome::Nothing
                }
                Some(Command::RollbackRetry) => self.retry(),
                Some(Command::RollbackVerify)
                    if self.stage == Stage::Execute && self.all_answered() =>
                {
                    self.stage = Stage::Verify;
                    Outcome::Nothing
                }
                _ => Outcome::Nothing,
            },
            Stage::Incident => match command {
                Some(Command::RollbackClose) => Outcome::Close,
                Some(Command::RollbackSendNotice) if !read_only => match &self.notice {
                    Some(notice) => Outcome::SendNotice(notice.clone()),
                    None => Outcome::Nothing,
                },
                _ => Outcome::Nothing,
            },
        }
    }

    fn assess_input(&mut self, input: Input, read_only: bool) -> Outcome {
        let rank = self
            .scale
            .rank_named(self.severity, Some(self.severity_entry().name.as_str()));
        let step_to = |wizard: &mut Self, rank: usize| {
            let rank = rank.min(wizard.scale.last_rank());
            wizard.rank = rank;
            wizard.severity = wizard.scale.get(rank).level;
        };
        match input {
            Input::Text(c) => self.reason.push(c),
            Input::Command(Command::RollbackAssessClose) => return Outcome::Close,
            Input::Command(Command::RollbackSeverityUp) => step_to(self, rank.saturating_sub(1)),
            Input::Command(Command::RollbackSeverityDown) => step_to(self, rank + 1),
            Input::Command(Command::DeleteChar) => {
                self.reason.pop();
            }
            Input::Command(Command::ClearText) => self.reason.clear(),
            Input::Command(Command::RollbackAssessNext) => {
                self.stage = if self.severity.calls_for_rollback() {
                    Stage::Scope
                } else {
                    Stage::FixForward
                };
                // A follower may look through the steps; the writer journals.
                return if read_only {
                    Outcome::Nothing
                } else {
                    self.assessed()
                };
            }
            Input::Command(_) | Input::Unbound => {}
        }
        Outcome::Nothing
    }

    fn scope_command(&mut self, command: Command, version: &str) {
        if let Some(row) = scrolled_row(self.cursor, self.choices.len(), command) {
            self.cursor = row;
            return;
        }
        match command {
            Command::RollbackScopeBack => self.stage = Stage::Assess,
            Command::RollbackSelect => {
                if let Some(c) = self.choices.get_mut(self.cursor) {
                    if c.candidate.choices.is_empty() {
                        self.message = Some(format!(
                            "{} has no older revision to go back to",
                            c.candidate.key()
                        ));
                    } else {
                        c.selected = !c.selected;
                    }
                }
            }
            Command::RollbackNewer => self.move_revision(-1),
            Command::RollbackOlder => self.move_revision(1),
            Command::RollbackScopeNext if self.items().is_empty() => {
                self.message = Some("nothing selected: Space selects a Deployment".to_owned());
            }
            Command::RollbackScopeNext => {
                self.stage = Stage::Confirm;
                self.confirm = Confirm::typed(Action::Rollback, version.to_owned());
            }
            _ => {}
        }
    }

    fn move_revision(&mut self, delta: isize) {
        if let Some(c) = self.choices.get_mut(self.cursor) {
            let last = c.candidate.choices.len().saturating_sub(1);
            c.revision = c.revision.saturating_add_signed(delta).min(last);
        }
    }

    fn confirm_input(&mut self, input: Input, read_only: bool, now: DateTime<Utc>) -> Outcome {
        match self.confirm.answer(input) {
            Answer::Open | Answer::Override | Answer::ByHand => {}
            Answer::Cancelled => self.stage = Stage::Scope,
            Answer::Confirmed if read_only => {
                self.message = Some("read-only: this cockpit may not roll back (another one writes the release, or --read-only)".to_owned());
            }
            Answer::Confirmed => match self.confirm.missing() {
                Some(version) => {
                    self.message = Some(format!("type the release version `{version}` to confirm"));
                }
                None => return self.start(now),
            },
        }
        Outcome::Nothing
    }

    /// The failed items again, journaled as a rollback of their own.
    fn retry(&mut self) -> Outcome {
        let failed: Vec<RollbackItem> = self
            .progress
            .iter()
            .filter(|p| matches!(p.state, ItemState::Failed(_)))
            .map(|p| p.item.clone())
            .collect();
        if failed.is_empty() {
            self.message = Some("nothing failed: nothing to retry".to_owned());
            return Outcome::Nothing;
        }
        for p in self
            .progress
            .iter_mut()
            .filter(|p| matches!(p.state, ItemState::Failed(_)))
        {
            p.state = ItemState::Sending;
        }
        self.stage = Stage::Execute;
        Outcome::Record(Box::new(Event::RollbackStarted {
            severity: self.severity,
            reason: format!("retry: {}", self.reason_or_default()),
            items: failed,
            automatic: false,
        }))
    }

    /// The API's answer for one item.
    pub fn item_done(&mut self, key: &str, ok: bool, detail: &str) {
        if let Some(p) = self.progress.iter_mut().find(|p| p.item.key() == key) {
            p.state = if ok {
                ItemState::Sent
            } else {
                ItemState::Failed(detail.to_owned())
            };
        }
        let all_sent = self
            .progress
            .iter()
            .all(|p| matches!(p.state, ItemState::Sent | ItemState::Reverted));
        if self.stage == Stage::Execute && all_sent {
            self.stage = Stage::Verify;
        } else if self.stage == Stage::Execute && self.all_answered() {
            self.message = Some(
                "a revert failed: r retries it, c verifies anyway (a failed one counts against the verdict)"
                    .to_owned(),
            );
        }
    }

    fn all_answered(&self) -> bool {
        !self.progress.iter().any(|p| p.state == ItemState::Sending)
    }

    /// Journaling the start failed: nothing was sent; back to the confirmation.
    pub fn start_failed(&mut self, error: &str) {
        let nothing_sent = self.progress.iter().all(|p| p.state == ItemState::Sending);
        if self.stage == Stage::Execute && nothing_sent {
            self.stage = Stage::Confirm;
            self.progress.clear();
            self.started_at = None;
            self.message = Some(format!("not journaled, so not started: {error}"));
        }
    }

    /// A rollback the journal has as started and not verified, after a
    /// restart: on to verification of what it sent.
    pub fn resume(
        record: &crate::domain::checklist::RollbackRecord,
        verify_window: Duration,
    ) -> Self {
        let mut wizard = Self::new(None, Vec::new(), verify_window);
        wizard.set_severity(record.severity);
        wizard.reason = "resumed after a restart".to_owned();
        wizard.progress = record
            .items
            .iter()
            .map(|item| Progress {
                item: item.clone(),
                state: match record.finished.get(&item.key()) {
                    Some(true) => ItemState::Sent,
                    Some(false) => ItemState::Failed("failed before the restart".to_owned()),
                    None => ItemState::Failed(
                        "no outcome recorded: the cockpit stopped mid-rollback (r retries)"
                            .to_owned(),
                    ),
                },
            })
            .collect();
        wizard.started_at = Some(record.at);
        let all_sent = wizard.progress.iter().all(|p| p.state == ItemState::Sent);
        wizard.stage = if all_sent {
            Stage::Verify
        } else {
            Stage::Execute
        };
        wizard
    }

    /// Verification: every item reverted and nothing wrong, held for the
    /// window, is a verified rollback. Gives the verdict's journal line once.
    pub fn check(&mut self, checks: &Checks, now: DateTime<Utc>) -> Outcome {
        if self.stage != Stage::Verify || self.verdict.is_some() {
            return Outcome::Nothing;
        }
        for p in &mut self.progress {
            if checks.reverted.contains(&p.item.key()) {
                p.state = ItemState::Reverted;
            }
        }
        let mut waiting: Vec<String> = self
            .progress
            .iter()
            .filter(|p| p.state != ItemState::Reverted)
            .map(|p| match &p.state {
                ItemState::Failed(why) => format!("{}: the revert failed: {why}", p.item.key()),
                _ => format!(
                    "{}: rollout to rev {} not complete",
                    p.item.key(),
                    p.item.to_revision
                ),
            })
            .collect();
        waiting.extend(checks.problems.iter().cloned());
        self.waiting_for = waiting;
        if !self.waiting_for.is_empty() {
            self.healthy_since = None;
            let started = self.started_at.unwrap_or(now);
            let deadline = started + (self.verify_window * 3).max(Duration::minutes(15));
            if now < deadline {
                return Outcome::Nothing;
            }
            return self.decide(
                false,
                format!(
                    "still wrong after {}: {}",
                    crate::domain::offset::format_duration(now - started),
                    self.waiting_for.join("; ")
                ),
                now,
            );
        }
        let since = *self.healthy_since.get_or_insert(now);
        if now - since < self.verify_window {
            return Outcome::Nothing;
        }
        let detail = format!(
            "every target back on its old revision and every signal within limits for {}",
            crate::domain::offset::format_duration(self.verify_window)
        );
        self.decide(true, detail, now)
    }

    fn decide(&mut self, ok: bool, detail: String, now: DateTime<Utc>) -> Outcome {
        let from = self.trigger.as_ref().map(|t| t.since).or(self.started_at);
        self.verdict = Some(Verdict {
            ok,
            detail: detail.clone(),
            at: now,
        });
        self.stage = Stage::Incident;
        Outcome::Record(Box::new(Event::RollbackVerified {
            ok,
            detail,
            time_to_restore_secs: ok.then(|| from.map(|f| (now - f).num_seconds())).flatten(),
        }))
    }

    /// When the verification window will have been held, for the clock.
    pub fn next_check(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (self.stage == Stage::Verify).then(|| now + Duration::seconds(1))
    }
}

/// `registry/app:1.2` -> `registry/app`.
fn repository(image: &str) -> &str {
    let image = image.split_once('@').map_or(image, |(repo, _)| repo);
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].find(':') {
        Some(colon) => &image[..slash + colon],
        None => image,
    }
}

#[cfg(test)]
mod tests;
