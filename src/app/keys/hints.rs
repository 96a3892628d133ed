//! What the footer offers: the keys that work right now, generated from the
//! command table for the mode that has the keys. A pane shows its own and
//! the global commands by their first key; a dialog or rollback stage shows
//! every command it takes now with all of its keys (in a mode that takes
//! text, its named keys only). Read-only, commands that write are left out.

use crate::app::keys::commands::{COMMANDS, Command, CommandSpec, Mode, Scope};
use crate::app::keys::key::{Key, KeyCode};
use crate::app::model::{Model, Overlay};
use crate::app::panes::Pane;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// `q`, or `esc/q` for a dialog's command with two keys.
    pub keys: String,
    pub label: String,
}

pub fn footer(model: &Model) -> Vec<Hint> {
    let mode = model.mode();
    if mode.is_pane() {
        pane(model)
    } else {
        dialog(model, mode)
    }
}

fn pane(model: &Model) -> Vec<Hint> {
    // The focused pane's own keys first, then the global ones.
    let scopes: &[Scope] = match model.focus {
        Pane::Checklist if model.release.is_some() => &[Scope::Checklist, Scope::Global],
        Pane::Calendar if !model.calendar.is_empty() => &[Scope::Calendar, Scope::Global],
        Pane::Rollout if !model.rollout.is_empty() => &[Scope::Rollout, Scope::Global],
        Pane::Health if model.health.is_configured() => &[Scope::Health, Scope::Global],
        _ => &[Scope::Global],
    };
    scopes
        .iter()
        .flat_map(|scope| COMMANDS.iter().filter(move |spec| spec.scope == *scope))
        .filter(|spec| allowed(model, spec))
        .filter_map(|spec| {
            let label = spec.hint?;
            let key = model.keymap.keys_for(spec.command).first()?;
            Some(Hint {
                keys: key.to_string(),
                label: label.to_owned(),
            })
        })
        .collect()
}

fn dialog(model: &Model, mode: Mode) -> Vec<Hint> {
    let mut hints = Vec::new();
    if let Some(what) = mode.typing() {
        hints.push(Hint {
            keys: "type".to_owned(),
            label: what.to_owned(),
        });
    }
    for scope in mode.scopes() {
        let mut previous: Option<&str> = None;
        for spec in COMMANDS.iter().filter(|spec| spec.scope == *scope) {
            let Some(label) = spec.hint else { continue };
            if !allowed(model, spec) || !offered(model, spec.command) {
                continue;
            }
            let keys: Vec<String> = model
                .keymap
                .keys_for(spec.command)
                .iter()
                .filter(|key| mode.typing().is_none() || key.typed_char().is_none())
                .map(short)
                .collect();
            if keys.is_empty() {
                continue;
            }
            let keys = keys.join("/");
            // A pair (up and down, top and bottom) shares one label: `k/↑/j/↓ move`.
            match hints.last_mut() {
                Some(last) if previous == Some(label) => {
                    last.keys.push('/');
                    last.keys.push_str(&keys);
                }
                _ => hints.push(Hint {
                    keys,
                    label: label_of(model, spec.command, label),
                }),
            }
            previous = Some(label);
        }
    }
    if mode.other_keys_close() {
        hints.push(Hint {
            keys: "any other key".to_owned(),
            label: if mode == Mode::Confirm {
                "cancel"
            } else {
                "close"
            }
            .to_owned(),
        });
    }
    hints
}

/// A follower (read-only) is offered nothing that writes; the replay's keys
/// only in a replay.
fn allowed(model: &Model, spec: &CommandSpec) -> bool {
    !(spec.writes && model.operator.is_read_only())
        && (model.replay.is_some() || !spec.command.is_replay())
}

/// Whether the open dialog takes the command in its present state.
fn offered(model: &Model, command: Command) -> bool {
    match &model.overlay {
        Some(Overlay::Confirm(confirm)) => confirm.offers(command),
        Some(Overlay::Rollback) => model.rollback.as_ref().is_some_and(|w| w.offers(command)),
        _ => true,
    }
}

/// What the command does in the open dialog: yes names its action, and the
/// rollback's Enter says which button it presses.
fn label_of(model: &Model, command: Command, label: &str) -> String {
    let confirm = match &model.overlay {
        Some(Overlay::Confirm(confirm)) => Some(confirm),
        Some(Overlay::Rollback) => model.rollback.as_ref().map(|w| &w.confirm),
        _ => None,
    };
    match (command, confirm) {
        (Command::ConfirmYes, Some(confirm)) => confirm.verb(),
        (Command::ConfirmChoose, Some(confirm)) => match confirm.focus {
            crate::app::dialogs::confirm::Button::Cancel => confirm.cancel_label().to_owned(),
            crate::app::dialogs::confirm::Button::Confirm => confirm.verb(),
        },
        (Command::ConfirmCancel, Some(confirm)) => confirm.cancel_label().to_owned(),
        _ => label.to_owned(),
    }
}

/// Arrows as arrows; every other key as `[keys]` spells it.
fn short(key: &Key) -> String {
    let plain = !key.ctrl && !key.alt;
    match key.code {
        KeyCode::Up if plain => "↑".to_owned(),
        KeyCode::Down if plain => "↓".to_owned(),
        KeyCode::Left if plain => "←".to_owned(),
        KeyCode::Right if plain => "→".to_owned(),
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod tests;
