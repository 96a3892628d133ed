//! What a key does while a dialog is open: the help, a step's details, a
//! revision history, the palette, a prompt, the confirmation. Each takes the
//! key as the keymap read it in the dialog's mode; the rollback's stages are
//! `actions::rollback::input`.

use crate::app::actions;
use crate::app::dialogs::confirm::{Action, Answer, Confirm};
use crate::app::dialogs::palette::Palette;
use crate::app::dialogs::scrolling::{ScrollFrom, scrolled_row};
use crate::app::effect::Effect;
use crate::app::keys::commands::{COMMANDS, Command};
use crate::app::keys::keymap::Input;
use crate::app::model::{Model, Overlay, Prompt};

/// The help: scroll, or close. Returns the overlay to keep.
pub fn help(scroll: u16, input: Input) -> Option<Overlay> {
    // The help scrolls by command: its last one is `COMMANDS.len() - 1`, and
    // the view never scrolls past its last page.
    let max = COMMANDS.len() as u16;
    match input {
        Input::Command(Command::HelpClose) => None,
        input => Some(Overlay::Help {
            scroll: line_scrolled(scroll, input, max),
        }),
    }
}

/// The notice log: scroll by notices (the first shown is `scroll` from the
/// newest), or close. Returns the overlay to keep open.
pub fn notices(scroll: u16, input: Input, entries: usize) -> Option<Overlay> {
    let max = u16::try_from(entries.saturating_sub(1)).unwrap_or(u16::MAX);
    match input {
        Input::Command(Command::NoticesClose) => None,
        input => Some(Overlay::Notices {
            scroll: line_scrolled(scroll, input, max),
        }),
    }
}

/// The list of releases: a row selected, the selected one opened (as a
/// switch is: refused while something runs for the open one), or closed.
pub fn releases(
    model: &mut Model,
    list: Option<Vec<crate::domain::delivery::ReleaseFacts>>,
    selected: usize,
    input: Input,
) -> Vec<Effect> {
    let rows = list.as_ref().map_or(0, |l| l.len());
    let keep = |model: &mut Model, list, selected| {
        model.overlay = Some(Overlay::Releases { list, selected });
        Vec::new()
    };
    match input {
        Input::Command(Command::ReleasesClose) => Vec::new(),
        Input::Command(command @ (Command::ReleasesOpen | Command::ReleasesOpenReadOnly)) => {
            let Some(id) = list
                .as_ref()
                .and_then(|l| l.get(selected))
                .map(|f| f.id.clone())
            else {
                return keep(model, list, selected);
            };
            // The one being looked at may be opened to write it.
            let write_viewed = command == Command::ReleasesOpen && model.operator.viewing;
            if !write_viewed
                && model
                    .release
                    .as_ref()
                    .is_some_and(|r| r.checklist.release.id == id)
            {
                model.notice = Some(format!("{id} is the release open now"));
                return Vec::new();
            }
            if let Err(why) = model.may_switch_release() {
                model.notice = Some(why.to_string());
                return keep(model, list, selected);
            }
            vec![Effect::OpenRelease {
                id,
                viewing: command == Command::ReleasesOpenReadOnly,
            }]
        }
        Input::Command(command) => {
            let selected = crate::app::dialogs::scrolling::scrolled_row(selected, rows, command)
                .unwrap_or(selected);
            keep(model, list, selected)
        }
        _ => keep(model, list, selected),
    }
}

/// The delivery figures: scrolled, or closed.
pub fn metrics(
    figures: Option<Box<crate::domain::delivery::Figures>>,
    asked: chrono::DateTime<chrono::Utc>,
    scroll: u16,
    input: Input,
) -> Option<Overlay> {
    match input {
        Input::Command(Command::MetricsClose) => None,
        input => Some(Overlay::Metrics {
            figures,
            asked,
            scroll: line_scrolled(scroll, input, 200),
        }),
    }
}

/// A command's output, scrolled up from its end (its newest line), or closed.
pub fn run_log(target: String, scroll: u16, input: Input, lines: usize) -> Option<Overlay> {
    let max = u16::try_from(lines.saturating_sub(1)).unwrap_or(u16::MAX);
    // Up the screen is back in time: the scroll counts from the end.
    let input = match input {
        Input::Command(Command::ScrollDown) => Input::Command(Command::ScrollUp),
        Input::Command(Command::ScrollUp) => Input::Command(Command::ScrollDown),
        Input::Command(Command::PageDown) => Input::Command(Command::PageUp),
        Input::Command(Command::PageUp) => Input::Command(Command::PageDown),
        Input::Command(Command::Top) => Input::Command(Command::Bottom),
        Input::Command(Command::Bottom) => Input::Command(Command::Top),
        Input::Command(Command::RunLogClose) => return None,
        other => other,
    };
    Some(Overlay::RunLog {
        scroll: line_scrolled(scroll, input, max),
        target,
    })
}

/// A line offset after a scroll command, kept within `0..=max`; any other
/// input leaves it where it is.
fn line_scrolled(scroll: u16, input: Input, max: u16) -> u16 {
    let Input::Command(command) = input else {
        return scroll;
    };
    let scroll = match command {
        Command::ScrollDown => scroll.saturating_add(1),
        Command::ScrollUp => scroll.saturating_sub(1),
        Command::PageDown => scroll.saturating_add(10),
        Command::PageUp => scroll.saturating_sub(10),
        Command::Top => 0,
        Command::Bottom => max,
        _ => return scroll,
    };
    scroll.min(max)
}

/// A step's details: scroll, or close.
pub fn details(step: String, scroll: ScrollFrom, input: Input) -> Option<Overlay> {
    let Input::Command(command) = input else {
        return Some(Overlay::Details { step, scroll });
    };
    if command == Command::DetailsClose {
        return None;
    }
    let scroll = scroll.scrolled(command).unwrap_or(scroll);
    Some(Overlay::Details { step, scroll })
}

/// A revision history: scroll; any other key closes it, as it always did.
pub fn history(
    namespace: String,
    name: String,
    scroll: ScrollFrom,
    input: Input,
) -> Option<Overlay> {
    let Input::Command(command) = input else {
        return None;
    };
    let scroll = scroll.scrolled(command)?;
    Some(Overlay::History {
        namespace,
        name,
        scroll,
    })
}

/// The palette: filter, select, or close. Returns the command to run.
pub fn palette(model: &mut Model, mut palette: Palette, input: Input) -> Option<Command> {
    match input {
        Input::Text(c) => palette.push(c),
        Input::Command(Command::PaletteClose) => return None,
        Input::Command(Command::PaletteRun) => {
            if let Some(command) = palette.selected_command() {
                return Some(command);
            }
        }
        Input::Command(Command::PalettePrev) => palette.move_selection(-1),
        Input::Command(Command::PaletteNext) => palette.move_selection(1),
        Input::Command(Command::DeleteChar) => palette.pop(),
        Input::Command(Command::ClearText) => palette.clear(),
        Input::Command(command @ (Command::Top | Command::Bottom)) => {
            let count = palette.matches().len();
            if let Some(row) = scrolled_row(palette.selected, count, command) {
                palette.selected = row;
            }
        }
        Input::Command(_) | Input::Unbound => {}
    }
    model.overlay = Some(Overlay::Palette(palette));
    None
}

/// A prompt: type, or record what was typed, or cancel.
pub fn prompt(model: &mut Model, mut prompt: Prompt, input: Input) -> Vec<Effect> {
    match input {
        Input::Text(c) => prompt.text.push(c),
        Input::Command(Command::PromptCancel) => return Vec::new(),
        Input::Command(Command::PromptSubmit) => {
            return actions::step::submit_prompt(model, prompt);
        }
        Input::Command(Command::DeleteChar) => {
            prompt.text.pop();
        }
        Input::Command(Command::ClearText) => prompt.text.clear(),
        Input::Command(_) | Input::Unbound => {}
    }
    model.overlay = Some(Overlay::Prompt(prompt));
    Vec::new()
}

/// The confirmation: yes runs its action; the default is cancel.
pub fn confirm(model: &mut Model, mut confirm: Confirm, input: Input) -> Vec<Effect> {
    match confirm.answer(input) {
        Answer::Open => {
            model.overlay = Some(Overlay::Confirm(confirm));
            Vec::new()
        }
        Answer::Override => match &confirm.action {
            Action::Deploy(plan) => actions::deploy::override_held(model, plan),
            _ => cancelled(model, &confirm),
        },
        Answer::ByHand => match confirm.action {
            Action::Notify(plan) => actions::notify_step::by_hand(model, *plan),
            _ => cancelled(model, &confirm),
        },
        Answer::Cancelled => cancelled(model, &confirm),
        Answer::Confirmed => confirmed(model, confirm.action),
    }
}

fn cancelled(model: &mut Model, confirm: &Confirm) -> Vec<Effect> {
    model.notice = Some(confirm.cancelled());
    if let Action::Notify(plan) = &confirm.action {
        actions::notify_step::back_to_wizard(model, plan);
    }
    Vec::new()
}

/// The one place a confirmed action runs.
fn confirmed(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => vec![Effect::Quit { code: 0 }],
        Action::Deploy(plan) => actions::deploy::confirmed(model, plan),
        Action::RunStep { step, .. } => actions::step::run_confirmed(model, step),
        Action::RepoStep(plan) => actions::repo_step::confirmed(model, plan),
        Action::Notify(plan) => actions::notify_step::confirmed(model, *plan),
        Action::CompleteEarly { step, .. } => actions::step::complete_early_confirmed(model, step),
        // The rollback's confirmation lives in the wizard: show it.
        Action::Rollback => actions::rollback::open(model),
        Action::DeclareIncident(declaration) => actions::incident::confirmed(model, declaration),
        Action::Abandon { release, reason } => actions::abandon::confirmed(model, &release, reason),
        Action::TakeOver { release, .. } => actions::share::confirmed(model, release),
    }
}
