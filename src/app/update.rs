//! `update`: the only place the model changes. Pure and synchronous.

use super::commands::{COMMANDS, Command};
use super::effect::Effect;
use super::key::{Key, KeyCode};
use super::model::{Model, Overlay, Pane};
use super::msg::Msg;
use super::palette::Palette;

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => {
            if let Some(Overlay::Palette(palette)) = &mut model.overlay {
                text.chars()
                    .filter(|c| !c.is_control())
                    .for_each(|c| palette.push(c));
                model.mark_changed();
            }
            Vec::new()
        }
        Msg::Resize { .. } | Msg::Resumed => {
            model.mark_changed();
            Vec::new()
        }
        Msg::Tick(now) => {
            let before = model.clock.display();
            model.clock.now = now;
            if model.clock.display() != before {
                model.mark_changed();
            }
            Vec::new()
        }
        Msg::Terminate { exit_code, .. } => vec![Effect::Quit { code: exit_code }],
    }
}

fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    match model.overlay.take() {
        None => match model.keymap.command_for(&key) {
            Some(command) => run_command(model, command),
            None => Vec::new(),
        },
        Some(Overlay::Help { scroll }) => {
            model.overlay = help_key(scroll, key);
            model.mark_changed();
            Vec::new()
        }
        Some(Overlay::Palette(palette)) => palette_key(model, palette, key),
        Some(Overlay::ConfirmQuit) => {
            model.mark_changed();
            if matches!(key.code, KeyCode::Char('y' | 'Y')) && !key.ctrl {
                vec![Effect::Quit { code: 0 }]
            } else {
                model.notice = Some("quit cancelled".to_owned());
                Vec::new()
            }
        }
    }
}

/// Keys inside the help overlay: scroll, or close. Returns the overlay to keep.
fn help_key(scroll: u16, key: Key) -> Option<Overlay> {
    let max = COMMANDS.len() as u16;
    let scroll = match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q' | '?') => return None,
        KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::PageDown => scroll.saturating_add(10),
        KeyCode::PageUp => scroll.saturating_sub(10),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => max,
        _ => scroll,
    };
    Some(Overlay::Help {
        scroll: scroll.min(max),
    })
}

fn palette_key(model: &mut Model, mut palette: Palette, key: Key) -> Vec<Effect> {
    model.mark_changed();
    match (key.code, key.ctrl) {
        (KeyCode::Esc, _) => return Vec::new(),
        (KeyCode::Enter, _) => {
            return match palette.selected_command() {
                Some(command) => run_command(model, command),
                None => {
                    model.overlay = Some(Overlay::Palette(palette));
                    Vec::new()
                }
            };
        }
        (KeyCode::Up | KeyCode::BackTab, _) | (KeyCode::Char('p'), true) => {
            palette.move_selection(-1)
        }
        (KeyCode::Down | KeyCode::Tab, _) | (KeyCode::Char('n'), true) => palette.move_selection(1),
        (KeyCode::Backspace, _) => palette.pop(),
        (KeyCode::Char('c'), true) => return Vec::new(),
        _ => {
            if let Some(c) = key.typed_char() {
                palette.push(c);
            }
        }
    }
    model.overlay = Some(Overlay::Palette(palette));
    Vec::new()
}

fn run_command(model: &mut Model, command: Command) -> Vec<Effect> {
    model.mark_changed();
    model.notice = None;
    match command {
        Command::Quit => {
            if model.running.is_empty() {
                return vec![Effect::Quit { code: 0 }];
            }
            model.overlay = Some(Overlay::ConfirmQuit);
        }
        Command::Help => model.overlay = Some(Overlay::Help { scroll: 0 }),
        Command::Palette => model.overlay = Some(Overlay::Palette(Palette::default())),
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
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
