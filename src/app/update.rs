//! `update`: the only place the model changes. Pure and synchronous.

use crate::app::actions;
use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::dialogs::overlay_keys;
use crate::app::dialogs::palette::Palette;
use crate::app::dialogs::scrolling::ScrollFrom;
use crate::app::effect::Effect;
use crate::app::keys::commands::Command;
use crate::app::keys::key::Key;
use crate::app::keys::keymap::Input;
use crate::app::model::{Model, Overlay, Prompt, PromptPurpose};
use crate::app::msg::Msg;
use crate::app::panes::Pane;
use crate::app::requests::{Binding, Request, TaskResult};
use crate::domain::events::Event;

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let shown = model.notice.clone();
    let effects = handle(model, msg);
    let effects = guard_release_switch(model, effects);
    model.log_notice(shown.as_deref());
    effects
}

/// The one check between every path that opens or starts a release (the
/// palette, a prompt, the calendar's `Enter`) and the runner: refused while
/// work started for the open release is under way.
fn guard_release_switch(model: &mut Model, effects: Vec<Effect>) -> Vec<Effect> {
    let switches = |e: &Effect| matches!(e, Effect::OpenRelease { .. } | Effect::StartRelease(_));
    if !effects.iter().any(switches) {
        return effects;
    }
    match model.may_switch_release() {
        Ok(()) => effects,
        Err(why) => {
            model.warn(why.to_string());
            model.overlay = None;
            model.mark_changed();
            effects.into_iter().filter(|e| !switches(e)).collect()
        }
    }
}

/// A result came back: folded into the release on screen if it is the one
/// that asked, else journaled into its own.
fn done(model: &mut Model, request: Request, result: TaskResult) -> Vec<Effect> {
    let open = model.release_id().map(str::to_owned);
    match model.requests.finish(&request, open.as_deref()) {
        Binding::Current => match result {
            TaskResult::Gate { step, outcome } => {
                vec![Effect::Record(Event::GateFinished { step, outcome })]
            }
            TaskResult::Deploy(outcome) => actions::deploy::done(model, outcome),
            TaskResult::RollbackItem { item, result } => {
                actions::rollback::item_done(model, item, &result)
            }
            TaskResult::Incident(written) => actions::incident::written(model, written),
            message @ TaskResult::Message { .. } => {
                message.event().map(Effect::Record).into_iter().collect()
            }
            // The failed write-ahead line has said so already.
            TaskResult::NotStarted(_) => {
                model.mark_changed();
                Vec::new()
            }
        },
        Binding::Elsewhere(release) => {
            model.mark_changed();
            let Some(event) = result.event() else {
                model.notice = Some(format!(
                    "a result for release {release} arrived after switching releases, with nothing to record"
                ));
                return Vec::new();
            };
            model.notice = Some(format!(
                "{} (release {release}) arrived after switching releases: recorded in {release}, not here",
                event.describe_in(model.clock.zone)
            ));
            vec![Effect::RecordInto { release, event }]
        }
        Binding::Unknown => {
            model.warn(format!(
                "ignored a result no request of this cockpit is waiting for (release {}, request {})",
                request.release, request.id
            ));
            model.mark_changed();
            Vec::new()
        }
    }
}

/// The followed writer exited or was killed. A follower takes over the
/// release, as a new cockpit would; one started `--read-only` only says so.
fn writer_gone(model: &mut Model) -> Vec<Effect> {
    model.mark_changed();
    let Some(writer) = model.operator.following.clone() else {
        return Vec::new();
    };
    let Some(id) = model.release_id().map(str::to_owned) else {
        return Vec::new();
    };
    if model.operator.read_only {
        model.operator.following = Some(format!("{writer} (gone)"));
        model.notice = Some(format!(
            "{writer}, which wrote {id}, is gone; start without --read-only to take over"
        ));
        return Vec::new();
    }
    model.notice = Some(format!(
        "{writer}, which wrote {id}, is gone: taking over as its writer"
    ));
    vec![Effect::TakeOver { id }]
}

fn handle(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => {
            let typed = text.chars().filter(|c| !c.is_control());
            match &mut model.overlay {
                Some(Overlay::Palette(palette)) => typed.for_each(|c| palette.push(c)),
                Some(Overlay::Prompt(prompt)) => prompt.text.extend(typed),
                Some(Overlay::Incident(form)) => form.reason.extend(typed),
                _ => return Vec::new(),
            }
            model.mark_changed();
            Vec::new()
        }
        Msg::Resize { width, .. } => {
            model.mark_changed();
            if width == model.width {
                return Vec::new();
            }
            model.width = width;
            vec![Effect::ChartColumns(width)]
        }
        Msg::Resumed => {
            model.mark_changed();
            Vec::new()
        }
        Msg::Signal(reading) => {
            let mut effects = actions::health::on_signal(model, reading);
            effects.extend(actions::rollback::verify(model));
            effects.extend(actions::rollout_verdict::check(model));
            effects
        }
        Msg::Done { request, result } => done(model, request, result),
        Msg::Tick(now) if model.replay.is_some() => {
            crate::app::actions::replay::tick(model, now);
            Vec::new()
        }
        Msg::Tick(now) => {
            let before = model.clock.display();
            model.clock.now = now;
            if model.clock.display() != before || model.calendar.roll_over(now) {
                model.mark_changed();
            }
            actions::rollback::tick(model)
        }
        Msg::CalendarRecorded(recorded) => {
            let ours = actions::calendar::postpones_open_release(model, &recorded);
            model.calendar.apply(&recorded, model.clock.now);
            model.notice = Some(recorded.event.describe_in(model.clock.zone));
            model.mark_changed();
            actions::calendar::after_recorded(model, &recorded, ours)
        }
        Msg::Terminate { exit_code, .. } => vec![Effect::Quit { code: exit_code }],
        Msg::Recorded(recorded) => {
            let mut effects = actions::health::after_recorded(model, &recorded);
            effects.extend(actions::step::recorded(model, recorded.clone()));
            effects.extend(actions::rollback::after_recorded(model, &recorded));
            effects.extend(actions::incident::after_recorded(model, &recorded));
            effects.extend(actions::outgoing::after_recorded(model, &recorded));
            if matches!(
                recorded.event,
                Event::DeployFinished { ok: true, .. } | Event::ExternalRolloutSeen { .. }
            ) {
                effects.extend(actions::rollout_verdict::check(model));
            }
            effects
        }
        Msg::WriterGone => writer_gone(model),
        Msg::Share(news) => actions::share::on_news(model, news),
        // A line of the release followed before a switch: not this one's.
        Msg::Followed { release, .. } if model.release_id() != Some(release.as_str()) => Vec::new(),
        // Queued by a follower before the release was opened again: folded in already.
        Msg::Followed { recorded, .. }
            if model
                .release
                .as_ref()
                .is_some_and(|r| recorded.seq <= r.checklist.last_seq) =>
        {
            Vec::new()
        }
        Msg::Followed { recorded, .. } => {
            if let Some(view) = model.release.as_mut() {
                view.checklist.apply(&recorded);
                model.notice = recorded.event.step().map(|step| {
                    format!(
                        "{} on {step}: {}",
                        recorded.operator,
                        recorded.event.describe_in(model.clock.zone)
                    )
                });
                model.mark_changed();
            }
            Vec::new()
        }
        Msg::RecordFailed { event, error } => {
            if let (Event::RollbackStarted { .. }, Some(wizard)) =
                (&*event, model.rollback.as_mut())
            {
                wizard.start_failed(&error);
            }
            // A verdict not on disk is asked again at the next snapshot.
            if let (Event::RolloutFinished { .. }, Some(view)) = (&*event, model.release.as_mut()) {
                view.verdict_asked = None;
            }
            model.fail(format!(
                "not recorded, so not done: {} ({error})",
                event.describe_in(model.clock.zone)
            ));
            model.mark_changed();
            Vec::new()
        }
        Msg::ReleaseOpened {
            checklist,
            following,
            viewing,
        } => {
            let release = &checklist.release;
            model.notice = Some(match &following {
                Some(writer) => format!(
                    "release {} {} opened read-only: {writer} writes it",
                    release.name, release.version
                ),
                None if viewing && !model.operator.read_only => format!(
                    "release {} {} opened read-only, to look back at: `:release-switch {}` writes it",
                    release.name, release.version, release.id
                ),
                None if viewing => format!(
                    "release {} {} opened read-only, to look back at",
                    release.name, release.version
                ),
                None => format!("release {} {} opened", release.name, release.version),
            });
            model.operator.following = following;
            model.operator.viewing = viewing;
            model.calendar.remember(release);
            model.show_release(*checklist);
            actions::rollback::release_opened(model);
            model.focus = Pane::Checklist;
            model.mark_changed();
            actions::versions::read_for_release(model)
                .into_iter()
                .collect()
        }
        Msg::ReposRead { read_for, read } => actions::versions::read(model, read_for, read),
        Msg::ReleasesRead(read) => {
            model.calendar.outcomes = read
                .iter()
                .map(|facts| (facts.id.clone(), facts.outcome.name()))
                .collect();
            model.mark_changed();
            if let Some(Overlay::Releases { list, .. }) = &mut model.overlay {
                *list = Some(read);
                model.mark_changed();
            }
            Vec::new()
        }
        Msg::FiguresRead(read) => {
            // Shown if the view still waits for them; dropped if it closed.
            if let Some(Overlay::Metrics { figures, asked, .. }) = &mut model.overlay
                && read.until == *asked
            {
                *figures = Some(read);
                model.mark_changed();
            }
            Vec::new()
        }
        Msg::RunOutput(output) => {
            let (target, started) =
                crate::app::panes::run_log::apply(&mut model.rollout.runs, output);
            // Where only command and Docker targets are shown, their output
            // is the progress: it opens by itself. Beside Deployments it would hide
            // their rollout, and a dialog open then (the rollback wizard) is
            // left alone: `l` on the row shows it.
            let only_commands = model
                .rollout
                .rows()
                .all(|(_, d)| d.kind != crate::domain::rollout::UnitKind::Deployment);
            if started && model.overlay.is_none() && only_commands {
                model.overlay = Some(Overlay::RunLog { target, scroll: 0 });
            } else if started && model.overlay.is_none() {
                model.notice = Some(format!(
                    "{target}: its commands run; l on its row shows their output"
                ));
            }
            model.mark_changed();
            Vec::new()
        }
        Msg::Rollout(report) => {
            let changes = model.rollout.apply(report, model.clock.now);
            model.mark_changed();
            let mut effects = actions::health::external_rollouts(model, &changes);
            effects.extend(actions::rollback::verify(model));
            effects.extend(actions::rollout_verdict::check(model));
            effects
        }
        Msg::ReleaseFailed(error) => {
            model.fail(format!("no release started: {error}"));
            model.mark_changed();
            Vec::new()
        }
    }
}

fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    // Any key stops an automatic rollback's countdown, and does nothing else.
    if model.countdown.is_some() {
        return actions::rollback::cancel_countdown(model);
    }
    let input = model.keymap.read(&key, model.mode());
    let Some(overlay) = model.overlay.take() else {
        return match input {
            Input::Command(command) => run_command(model, command),
            Input::Text(_) | Input::Unbound => {
                elsewhere(model, &key);
                Vec::new()
            }
        };
    };
    model.mark_changed();
    match overlay {
        Overlay::Help { scroll } => model.overlay = overlay_keys::help(scroll, input),
        Overlay::Details { step, scroll } => {
            model.overlay = overlay_keys::details(step, scroll, input)
        }
        Overlay::History {
            namespace,
            name,
            scroll,
        } => model.overlay = overlay_keys::history(namespace, name, scroll, input),
        Overlay::Palette(palette) => {
            if let Some(command) = overlay_keys::palette(model, palette, input) {
                return run_command(model, command);
            }
        }
        Overlay::Notices { scroll } => {
            model.overlay = overlay_keys::notices(scroll, input, model.notices.len())
        }
        Overlay::Metrics {
            figures,
            asked,
            scroll,
        } => model.overlay = overlay_keys::metrics(figures, asked, scroll, input),
        Overlay::Releases { list, selected } => {
            return overlay_keys::releases(model, list, selected, input);
        }
        Overlay::RunLog { target, scroll } => {
            let lines = model.rollout.runs.get(&target).map_or(0, |r| r.lines.len());
            model.overlay = overlay_keys::run_log(target, scroll, input, lines)
        }
        Overlay::Prompt(prompt) => return overlay_keys::prompt(model, prompt, input),
        Overlay::Confirm(confirm) => return overlay_keys::confirm(model, confirm, input),
        Overlay::Rollback => return actions::rollback::input(model, input),
        Overlay::Incident(form) => return actions::incident::input(model, form, input),
    }
    Vec::new()
}

/// A key the focused pane does not take: say which pane it works in.
fn elsewhere(model: &mut Model, key: &Key) {
    let Some(command) = model.keymap.command_in_any_pane(key) else {
        return;
    };
    let pane = Pane::ALL
        .into_iter()
        .find(|p| p.scope() == command.spec().scope);
    if let Some(pane) = pane {
        model.notice = Some(format!(
            "`{}` works in the {} pane: press {} first",
            command.name(),
            pane.title(),
            pane.index() + 1
        ));
        model.mark_changed();
    }
}

pub(crate) fn run_command(model: &mut Model, command: Command) -> Vec<Effect> {
    model.mark_changed();
    model.notice = None;
    // Only a release has a place to remember it in, beside its journal.
    let before = model.release.is_some().then(|| model.remembered());
    let mut effects = run_command_inner(model, command);
    if let Some(before) = before.filter(|_| model.release.is_some()) {
        let after = model.remembered();
        if after != before {
            effects.push(Effect::RememberView(after));
        }
    }
    effects
}

fn run_command_inner(model: &mut Model, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => {
            if model.running_actions().is_empty() {
                return vec![Effect::Quit { code: 0 }];
            }
            model.overlay = Some(Overlay::Confirm(Confirm::new(Action::Quit)));
        }
        Command::Help => model.overlay = Some(Overlay::Help { scroll: 0 }),
        Command::ReplayPause => crate::app::actions::replay::toggle_pause(model),
        Command::ReplayStep => crate::app::actions::replay::step(model),
        Command::ReplayFaster => crate::app::actions::replay::change_speed(model, true),
        Command::ReplaySlower => crate::app::actions::replay::change_speed(model, false),
        Command::Palette => model.overlay = Some(Overlay::Palette(Palette::default())),
        Command::Notices => model.overlay = Some(Overlay::Notices { scroll: 0 }),
        Command::ReleasesView => {
            model.overlay = Some(Overlay::Releases {
                list: None,
                selected: 0,
            });
            return vec![Effect::ReadReleases];
        }
        Command::Metrics => {
            model.overlay = Some(Overlay::Metrics {
                figures: None,
                asked: model.clock.now,
                scroll: 0,
            });
            return vec![Effect::ReadFigures {
                settings: Box::new(model.delivery.clone()),
                until: model.clock.now,
            }];
        }
        Command::FocusNext => model.focus = model.focus.next(),
        Command::FocusPrev => model.focus = model.focus.prev(),
        Command::FocusCalendar => model.focus = Pane::Calendar,
        Command::FocusChecklist => model.focus = Pane::Checklist,
        Command::FocusRollout => model.focus = Pane::Rollout,
        Command::FocusHealth => model.focus = Pane::Health,
        Command::Zoom => model.zoomed = !model.zoomed,
        Command::CycleTheme => {
            let themes = &mut model.themes;
            if !themes.names.is_empty() {
                themes.current = (themes.current + 1) % themes.names.len();
            }
            model.notice = Some(format!("theme: {}", model.themes.current_name()));
        }
        Command::Suspend => return vec![Effect::Suspend],
        Command::NewRelease if model.operator.is_read_only() => {
            model.warn(model.operator.refusal("starting a release"));
        }
        Command::NewRelease | Command::SwitchRelease if model.may_switch_release().is_err() => {
            model.notice = model.may_switch_release().err().map(|why| why.to_string());
        }
        Command::AbandonRelease => return actions::abandon::ask(model),
        Command::TakeOverRelease => return actions::share::ask(model),
        Command::SwitchRelease => {
            model.overlay = Some(Overlay::Prompt(Prompt {
                purpose: PromptPurpose::SwitchRelease,
                text: String::new(),
            }));
        }
        Command::NewRelease => {
            model.overlay = Some(Overlay::Prompt(Prompt {
                purpose: PromptPurpose::NewRelease,
                text: String::new(),
            }));
            return actions::versions::read_for_prompt(model)
                .into_iter()
                .collect();
        }
        Command::MoveUp
        | Command::MoveDown
        | Command::Complete
        | Command::Skip
        | Command::Approve
        | Command::Note
        | Command::RunGate
        | Command::Undo
        | Command::Details
        | Command::Override => return actions::step::run(model, command),
        Command::CalendarPrevMonth
        | Command::CalendarNextMonth
        | Command::CalendarPrevDay
        | Command::CalendarNextDay
        | Command::CalendarPrevWeek
        | Command::CalendarNextWeek
        | Command::CalendarToday
        | Command::CalendarOpen
        | Command::CalendarPickNext
        | Command::CalendarPostpone
        | Command::CalendarSkip
        | Command::CalendarRestore => return actions::calendar::run(model, command),
        Command::RolloutUp => model.rollout.move_selection(-1),
        Command::RolloutDown => model.rollout.move_selection(1),
        Command::Deploy => {
            return actions::deploy::plan(model, &actions::deploy::DeployScope::Everything);
        }
        Command::Rollback => return actions::rollback::open(model),
        Command::DeclareIncident => return actions::incident::open(model),
        Command::HealthUp => model.health.move_selection(-1),
        Command::HealthDown => model.health.move_selection(1),
        Command::RolloutLog => match model.rollout.selected_row().map(|(t, _)| t) {
            Some(target) if model.rollout.runs.contains_key(&target.name) => {
                model.overlay = Some(Overlay::RunLog {
                    target: target.name.clone(),
                    scroll: 0,
                });
            }
            Some(target) if target.commands.is_some() => {
                model.notice = Some(format!(
                    "target `{}` has not run a deploy or rollback in this session",
                    target.name
                ));
            }
            _ => {
                model.notice =
                    Some("only command targets have output to show: select one".to_owned())
            }
        },
        Command::RolloutHistory => {
            if let Some((_, d)) = model.rollout.selected_row() {
                model.overlay = Some(Overlay::History {
                    namespace: d.namespace.clone(),
                    name: d.name.clone(),
                    scroll: ScrollFrom::Top(0),
                });
            }
        }
        Command::Top | Command::Bottom => to_the_end(model, command),
        // A dialog's own keys, chosen in the palette: say where they work.
        Command::ScrollUp
        | Command::ScrollDown
        | Command::PageUp
        | Command::PageDown
        | Command::DeleteChar
        | Command::ClearText
        | Command::HelpClose
        | Command::DetailsClose
        | Command::NoticesClose
        | Command::MetricsClose
        | Command::ReleasesClose
        | Command::ReleasesOpen
        | Command::ReleasesOpenReadOnly
        | Command::RunLogClose
        | Command::HistoryClose
        | Command::PaletteRun
        | Command::PaletteNext
        | Command::PalettePrev
        | Command::PaletteClose
        | Command::PromptSubmit
        | Command::PromptCancel
        | Command::ConfirmYes
        | Command::ConfirmDryRun
        | Command::ConfirmOverride
        | Command::ConfirmByHand
        | Command::ConfirmSwitch
        | Command::ConfirmChoose
        | Command::ConfirmCancel
        | Command::RollbackSeverityUp
        | Command::RollbackSeverityDown
        | Command::RollbackAssessNext
        | Command::RollbackAssessClose
        | Command::RollbackStop
        | Command::RollbackAnyway
        | Command::RollbackReassess
        | Command::RollbackSelect
        | Command::RollbackNewer
        | Command::RollbackOlder
        | Command::RollbackScopeNext
        | Command::RollbackScopeBack
        | Command::RollbackRetry
        | Command::RollbackVerify
        | Command::RollbackHide
        | Command::RollbackClose
        | Command::RollbackSendNotice
        | Command::IncidentSeverityUp
        | Command::IncidentSeverityDown
        | Command::IncidentNext
        | Command::IncidentClose => {
            let spec = command.spec();
            model.notice = Some(format!(
                "`{}` is a key of a dialog ({}): it does nothing here",
                spec.name,
                spec.scope.title()
            ));
        }
    }
    Vec::new()
}

/// `g`/`G` in a pane: the first or last row of its list.
fn to_the_end(model: &mut Model, command: Command) {
    // Far enough to reach either end of any list; the lists stop there.
    const ALL_THE_WAY: isize = i32::MAX as isize;
    let delta = if command == Command::Top {
        -ALL_THE_WAY
    } else {
        ALL_THE_WAY
    };
    let now = model.clock.now;
    match model.focus {
        Pane::Checklist => {
            if let Some(view) = model.release.as_mut() {
                view.move_selection(delta, now);
            }
        }
        Pane::Rollout => model.rollout.move_selection(delta),
        Pane::Health => model.health.move_selection(delta),
        Pane::Calendar => {
            model.notice = Some(format!(
                "`{}` works in lists; the calendar moves by day, week and month",
                command.name()
            ));
        }
    }
}

#[cfg(test)]
mod tests;
