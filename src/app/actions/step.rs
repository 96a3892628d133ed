//! What the Checklist pane's commands do to the selected step. Each action that
//! changes the release becomes an `Effect::Record`; the screen changes only when
//! the event comes back durable as `Msg::Recorded`.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::keys::commands::Command;
use crate::app::model::{Model, Overlay, Prompt, PromptPurpose};
use crate::app::panes::Pane;
use crate::app::panes::release::Row;
use crate::domain::checklist::StepState;
use crate::domain::events::{Event, Recorded};
use crate::domain::playbook::{Step, StepKind, step_vars};
use crate::domain::release::NewRelease;

/// Completing a step due further ahead than this asks first: at T-57m a
/// step due at T+2h30m is more likely the wrong row than done.
pub const EARLY: chrono::Duration = chrono::Duration::minutes(30);

pub fn run(model: &mut Model, command: Command) -> Vec<Effect> {
    let now = model.clock.now;
    if model.focus != Pane::Checklist {
        model.notice = Some(format!(
            "`{}` works in the Checklist pane: press 2 first",
            command.name()
        ));
        return Vec::new();
    }
    let read_only = model.operator.is_read_only();
    let operator = model.operator.name.clone();
    let Some(view) = model.release.as_mut() else {
        model.notice = Some(
            "no release in progress: start one with `release-cockpit start` or :release-new"
                .to_owned(),
        );
        return Vec::new();
    };
    let row = view.selected_row(now);
    match (command, row) {
        (Command::MoveUp, _) => view.move_selection(-1, now),
        (Command::MoveDown, _) => view.move_selection(1, now),
        (Command::Details | Command::Complete, Some(Row::Phase(phase))) => {
            view.toggle_fold(phase, now)
        }
        (Command::Details, Some(Row::Step { .. })) => {
            if let Some(step) = view.selected_step(now) {
                let repo_step = step.kind.repo_step().is_some();
                model.overlay = Some(Overlay::Details {
                    step: step.id.clone(),
                    scroll: crate::app::dialogs::scrolling::ScrollFrom::Top(0),
                });
                // A repository step's details preview its notes: read anew.
                if repo_step {
                    return crate::app::actions::versions::read_for_release(model)
                        .into_iter()
                        .collect();
                }
            }
        }
        (_, None | Some(Row::Phase(_))) => {
            model.notice = Some("select a step first (j/k)".to_owned())
        }
        (_, Some(Row::Step { .. })) if read_only => {
            super::share::refused(model, &format!("`{}`", command.name()));
        }
        (_, Some(Row::Step { .. })) => return step_command(model, command, &operator),
    }
    Vec::new()
}

/// A command that acts on the selected step, for a writing operator.
fn step_command(model: &mut Model, command: Command, operator: &str) -> Vec<Effect> {
    let now = model.clock.now;
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let Some(step) = view.selected_step(now).cloned() else {
        return Vec::new();
    };
    let checklist = &view.checklist;
    let state = checklist.state(&step, now);
    let id = step.id.clone();
    let live = view.live_gates.contains(&id);
    let mut notice = |text: String| {
        model.notice = Some(text);
        Vec::new()
    };
    let blockers = checklist.blockers(&step);
    let held = |id: &str| {
        format!(
            "go/no-go: `{id}` is blocked by {} (Enter lists them; O overrides with a reason)",
            blockers.len()
        )
    };
    match command {
        // A repository step asks first; without a repo it is done by hand.
        Command::Complete | Command::RunGate if step.kind.repo_step().is_some() => {
            if state.is_finished() {
                return notice(format!("`{id}` is already {}", state.name()));
            }
            if live {
                return notice(format!("`{id}` is running"));
            }
            if model.repos.repos.is_empty() {
                if command == Command::RunGate {
                    return notice(format!(
                        "`{id}` has nothing to run: no [[repo]] in the config"
                    ));
                }
                return complete_by_hand(model, &step);
            }
            match step.kind.repo_step() {
                Some(kind) => crate::app::actions::repo_step::ask(model, &id, kind),
                None => Vec::new(),
            }
        }
        // A notify step shows its message first; without a channel (or a
        // template) it is done by hand.
        Command::Complete | Command::RunGate
            if let StepKind::Notify {
                channel, template, ..
            } = &step.kind =>
        {
            if state.is_finished() {
                return notice(format!("`{id}` is already {}", state.name()));
            }
            if live {
                return notice(format!("`{id}` is sending"));
            }
            let resolved = model.channels.resolve(channel.as_deref()).cloned();
            match (resolved, template) {
                (Ok(channel), Some(template)) => {
                    let template = template.clone();
                    crate::app::actions::notify_step::ask(model, &id, channel, &template)
                }
                (Err(why), _) if command == Command::RunGate => {
                    notice(format!("`{id}` has nothing to send with: {why}"))
                }
                (Ok(_), None) if command == Command::RunGate => {
                    notice(format!("`{id}` has no message: it names no `template`"))
                }
                _ => by_hand_unless_early(model, &step),
            }
        }
        // A gate that deploys (a command with `environment`) waits for
        // go/no-go like a deploy step.
        Command::Complete | Command::RunGate if step.kind.is_gate() && !blockers.is_empty() => {
            notice(held(&id))
        }
        // A command that deploys changes the world: it asks first.
        Command::Complete | Command::RunGate
            if !live && step.kind.is_gate() && step.kind.deploys_to().is_some() =>
        {
            if let (StepKind::Command(gate), Some(environment)) =
                (&step.kind, step.kind.deploys_to())
            {
                model.overlay = Some(Overlay::Confirm(Confirm::new(Action::RunStep {
                    step: id.clone(),
                    run: gate.run.clone(),
                    environment: environment.to_owned(),
                })));
            }
            Vec::new()
        }
        Command::Complete if step.kind.is_gate() => start_gate(live, &id, &mut notice),
        Command::RunGate if step.kind.is_gate() => start_gate(live, &id, &mut notice),
        Command::RunGate => notice(format!("`{id}` has no gate to run")),
        Command::Complete if state.is_finished() => notice(format!(
            "`{id}` is already {}; u undoes your own action",
            state.name()
        )),
        Command::Complete if matches!(step.kind, StepKind::Approval(_)) => {
            notice(format!("`{id}` is done by approvals: press a to approve"))
        }
        // A rollback step is the guided rollback; it completes once one is verified.
        Command::Complete
            if step.kind == StepKind::Rollback
                && checklist
                    .rollback
                    .as_ref()
                    .is_none_or(|r| r.verified != Some(true)) =>
        {
            let effects = crate::app::actions::rollback::open(model);
            if model.rollback.is_some() {
                model.notice = Some(format!(
                    "`{id}` completes with Space once the rollback is verified"
                ));
            }
            effects
        }
        Command::Complete => {
            if !blockers.is_empty() {
                return notice(held(&id));
            }
            if let StepKind::Deploy {
                environment,
                target,
            } = &step.kind
                && crate::app::actions::deploy::serves(model, environment, target.as_deref())
            {
                let scope = crate::app::actions::deploy::DeployScope::Step {
                    id: &id,
                    environment,
                    target: target.as_deref(),
                };
                return crate::app::actions::deploy::plan(model, &scope);
            }
            by_hand_unless_early(model, &step)
        }
        Command::Skip if matches!(step.kind, StepKind::Approval(_)) => notice(
            "approvals cannot be skipped; a blocked deploy can be overridden with a reason (O)"
                .to_owned(),
        ),
        Command::Skip if state.is_finished() => {
            notice(format!("`{id}` is already {}", state.name()))
        }
        Command::Skip => prompt(model, PromptPurpose::SkipReason { step: id }),
        Command::Note => prompt(model, PromptPurpose::Note { step: id }),
        Command::Approve => {
            let StepKind::Approval(rule) = &step.kind else {
                return notice(format!("`{id}` is not an approval step"));
            };
            if let Some(members) = model
                .operator
                .roles
                .get(&rule.role)
                .filter(|m| !m.iter().any(|m| m == operator))
            {
                return notice(format!(
                    "{operator} is not in role `{}` ({} are, per [roles] in the config)",
                    rule.role,
                    members.join(", ")
                ));
            }
            if !rule.allow_self && checklist.started_by == operator {
                return notice(format!(
                    "self-approval refused: {operator} started this release"
                ));
            }
            let record = checklist.record(&id);
            if record.is_some_and(|r| r.approvals.iter().any(|a| a.by == operator)) {
                return notice(format!("{operator} has approved `{id}` already"));
            }
            if state == StepState::Done {
                return notice(format!("`{id}` has all {} approvals it needs", rule.count));
            }
            vec![Effect::Record(Event::ApprovalGiven { step: id })]
        }
        Command::Undo if checklist.can_undo(&id, operator) => {
            vec![Effect::Record(Event::StepUndone { step: id })]
        }
        Command::Undo => notice(format!("nothing of yours to undo on `{id}`")),
        Command::Override if !checklist.playbook.is_gated(&step) => notice(format!(
            "go/no-go does not gate `{id}`: it gates steps that deploy to {}; this playbook {}",
            match checklist.playbook.go_no_go.as_slice() {
                [] => "no environment".to_owned(),
                envs => envs.join(" or "),
            },
            checklist.playbook.gating_summary()
        )),
        Command::Override if blockers.is_empty() => notice(format!("`{id}` is not blocked")),
        Command::Override => prompt(model, PromptPurpose::OverrideReason { step: id }),
        _ => Vec::new(),
    }
}

/// Completes a step by hand, asking first when it is due long from now.
fn by_hand_unless_early(model: &mut Model, step: &Step) -> Vec<Effect> {
    let now = model.clock.now;
    let due = model
        .release
        .as_ref()
        .and_then(|v| v.checklist.due_at(step));
    if let Some(due) = due.filter(|due| *due - now > EARLY) {
        model.overlay = Some(Overlay::Confirm(Confirm::new(Action::CompleteEarly {
            step: step.id.clone(),
            due,
        })));
        return Vec::new();
    }
    complete_by_hand(model, step)
}

/// Records a step as done by hand, saying why when it has work this
/// cockpit would otherwise do.
fn complete_by_hand(model: &mut Model, step: &Step) -> Vec<Effect> {
    if let StepKind::Deploy { environment, .. } = &step.kind {
        model.notice = Some(format!(
            "completed by hand: no [[target]] serves environment `{environment}`"
        ));
    } else if let Some(kind) = step.kind.repo_step() {
        model.notice = Some(format!(
            "completed by hand: no [[repo]] in the config to {}",
            kind.work.doing()
        ));
    } else if let StepKind::Notify {
        channel, template, ..
    } = &step.kind
    {
        match model.channels.resolve(channel.as_deref()) {
            Err(why) => model.notice = Some(format!("completed by hand: {why}")),
            Ok(_) if template.is_none() => {
                model.notice = Some("completed by hand: the step names no `template`".to_owned())
            }
            Ok(_) => {}
        }
    }
    vec![Effect::Record(Event::StepCompleted {
        step: step.id.clone(),
    })]
}

/// `y` in the "complete it this early?" dialog: the step completes if it
/// still may.
pub fn complete_early_confirmed(model: &mut Model, step: String) -> Vec<Effect> {
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal(&format!("`{step}`")));
        return Vec::new();
    }
    let now = model.clock.now;
    let Some((found, checklist)) = model
        .release
        .as_ref()
        .and_then(|v| Some((v.checklist.playbook.step(&step)?.clone(), &v.checklist)))
    else {
        model.notice = Some(format!("`{step}` is not in the release open now"));
        return Vec::new();
    };
    let state = checklist.state(&found, now);
    let blocked = checklist.blockers(&found).len();
    if state.is_finished() {
        model.notice = Some(format!("`{step}` is already {}", state.name()));
        return Vec::new();
    }
    if blocked > 0 {
        model.notice = Some(format!(
            "go/no-go: `{step}` is blocked by {blocked} (Enter lists them; O overrides with a reason)"
        ));
        return Vec::new();
    }
    complete_by_hand(model, &found)
}

/// `y` in the "run this deploying command?" dialog: it runs if go/no-go
/// still allows.
pub fn run_confirmed(model: &mut Model, step: String) -> Vec<Effect> {
    if model.operator.is_read_only() {
        model.warn(model.operator.refusal(&format!("`{step}`")));
        return Vec::new();
    }
    let Some(view) = model.release.as_ref() else {
        return Vec::new();
    };
    let blocked = view
        .checklist
        .playbook
        .step(&step)
        .map(|s| view.checklist.blockers(s).len())
        .unwrap_or(0);
    if blocked > 0 {
        model.notice = Some(format!(
            "go/no-go: `{step}` is blocked by {blocked} (Enter lists them; O overrides with a reason)"
        ));
        return Vec::new();
    }
    let live = view.live_gates.contains(&step);
    let mut notice = |text: String| {
        model.notice = Some(text);
        Vec::new()
    };
    start_gate(live, &step, &mut notice)
}

fn start_gate(live: bool, id: &str, notice: &mut impl FnMut(String) -> Vec<Effect>) -> Vec<Effect> {
    if live {
        return notice(format!("the gate of `{id}` is running"));
    }
    vec![Effect::Record(Event::GateStarted {
        step: id.to_owned(),
    })]
}

fn prompt(model: &mut Model, purpose: PromptPurpose) -> Vec<Effect> {
    model.overlay = Some(Overlay::Prompt(Prompt {
        purpose,
        text: String::new(),
    }));
    Vec::new()
}

/// The prompt was submitted: turn its text into the action it was opened for.
pub fn submit_prompt(model: &mut Model, prompt: Prompt) -> Vec<Effect> {
    let text = prompt.text.trim().to_owned();
    if text.is_empty() {
        model.notice = Some("a reason is required; Esc cancels".to_owned());
        model.overlay = Some(Overlay::Prompt(prompt));
        return Vec::new();
    }
    let event = match prompt.purpose {
        PromptPurpose::SkipReason { step } => Event::StepSkipped { step, reason: text },
        PromptPurpose::Note { step } => Event::NoteAdded { step, text },
        PromptPurpose::OverrideReason { step } => Event::GoNoGoOverridden { step, reason: text },
        PromptPurpose::NewRelease => {
            let parsed = NewRelease::parse(&text, model.clock.zone)
                .map_err(|e| e.to_string())
                .and_then(|new| {
                    crate::app::actions::versions::check_components(&model.repos, &new.components)
                        .map(|()| new)
                });
            return match parsed {
                Ok(new) => vec![Effect::StartRelease(Box::new(new))],
                Err(problem) => {
                    model.notice = Some(problem.to_string());
                    model.overlay = Some(Overlay::Prompt(Prompt {
                        purpose: PromptPurpose::NewRelease,
                        text,
                    }));
                    Vec::new()
                }
            };
        }
        PromptPurpose::SwitchRelease => {
            return vec![Effect::OpenRelease {
                id: text,
                viewing: false,
            }];
        }
        PromptPurpose::AbandonReason { release } => {
            return crate::app::actions::abandon::confirm(model, release, text);
        }
        purpose @ (PromptPurpose::Postpone { .. }
        | PromptPurpose::SkipOccurrence { .. }
        | PromptPurpose::StartOccurrence { .. }) => {
            return crate::app::actions::calendar::submit(model, purpose, text);
        }
    };
    vec![Effect::Record(event)]
}

/// A durable event: fold it in, and start the gate it announces.
pub fn recorded(model: &mut Model, recorded: Recorded) -> Vec<Effect> {
    let Some(view) = model.release.as_mut() else {
        return Vec::new();
    };
    view.checklist.apply(&recorded);
    let mut effects = Vec::new();
    match &recorded.event {
        Event::GateStarted { step }
            if let Some(kind) = view
                .checklist
                .playbook
                .step(step)
                .and_then(|s| s.kind.repo_step())
                .cloned() =>
        {
            effects.extend(crate::app::actions::repo_step::started(model, step, &kind));
        }
        Event::GateStarted { step }
            if let Some(StepKind::Notify { channel, .. }) =
                view.checklist.playbook.step(step).map(|s| s.kind.clone()) =>
        {
            effects.extend(crate::app::actions::notify_step::started(
                model,
                step,
                channel.as_deref(),
            ));
        }
        Event::GateStarted { step } => {
            if let Some(found) = view.checklist.playbook.step(step) {
                let gate = found.kind.clone();
                let previous = model.calendar.previous_version(&view.checklist.release);
                let vars = step_vars(&view.checklist.release, found, previous);
                view.live_gates.insert(step.clone());
                let request = model.start_request(format!("gate `{step}`"), 1);
                effects.push(Effect::RunGate {
                    request,
                    step: step.clone(),
                    gate,
                    vars,
                });
            }
        }
        Event::GateFinished { step, .. } => {
            view.live_gates.remove(step);
            let repo_step = view
                .checklist
                .playbook
                .step(step)
                .is_some_and(|s| s.kind.repo_step().is_some());
            // A tag made or notes written change what the repo says.
            if repo_step {
                effects.extend(crate::app::actions::versions::read_for_release(model));
            }
        }
        _ => {}
    }
    if let Some(step) = recorded.event.step() {
        model.notice = Some(format!(
            "{step}: {}",
            recorded.event.describe_in(model.clock.zone)
        ));
    }
    model.mark_changed();
    effects
}

#[cfg(test)]
mod tests;
