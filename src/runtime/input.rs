//! Terminal events to core messages.

use crossterm::event::{Event, KeyCode as CtKey, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::Msg;
use crate::app::keys::key::{Key, KeyCode};

pub fn translate(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => translate_key(key).map(Msg::Key),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

fn translate_key(event: KeyEvent) -> Option<Key> {
    let shift = event.modifiers.contains(KeyModifiers::SHIFT);
    let code = match event.code {
        // Shift is already in the character ('Q', '?').
        CtKey::Char(c) => KeyCode::Char(c),
        CtKey::Tab if shift => KeyCode::BackTab,
        CtKey::Tab => KeyCode::Tab,
        CtKey::BackTab => KeyCode::BackTab,
        CtKey::Enter => KeyCode::Enter,
        CtKey::Esc => KeyCode::Esc,
        CtKey::Backspace => KeyCode::Backspace,
        CtKey::Delete => KeyCode::Delete,
        CtKey::Up => KeyCode::Up,
        CtKey::Down => KeyCode::Down,
        CtKey::Left => KeyCode::Left,
        CtKey::Right => KeyCode::Right,
        CtKey::Home => KeyCode::Home,
        CtKey::End => KeyCode::End,
        CtKey::PageUp => KeyCode::PageUp,
        CtKey::PageDown => KeyCode::PageDown,
        CtKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: CtKey, modifiers: KeyModifiers) -> Option<Msg> {
        translate(Event::Key(KeyEvent::new(code, modifiers)))
    }

    #[test]
    fn characters_keep_their_case_and_drop_shift() {
        assert_eq!(
            key(CtKey::Char('Q'), KeyModifiers::SHIFT),
            Some(Msg::Key(Key::char('Q')))
        );
        assert_eq!(
            key(CtKey::Char('?'), KeyModifiers::SHIFT),
            Some(Msg::Key(Key::char('?')))
        );
    }

    #[test]
    fn control_and_backtab() {
        assert_eq!(
            key(CtKey::Char('z'), KeyModifiers::CONTROL),
            Some(Msg::Key(Key::ctrl('z')))
        );
        assert_eq!(
            key(CtKey::BackTab, KeyModifiers::SHIFT),
            Some(Msg::Key(Key::plain(KeyCode::BackTab)))
        );
        assert_eq!(
            key(CtKey::Tab, KeyModifiers::SHIFT),
            Some(Msg::Key(Key::plain(KeyCode::BackTab)))
        );
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut release = KeyEvent::new(CtKey::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(translate(Event::Key(release)), None);
    }

    #[test]
    fn resize_and_paste() {
        assert_eq!(
            translate(Event::Resize(80, 24)),
            Some(Msg::Resize {
                width: 80,
                height: 24
            })
        );
        assert_eq!(
            translate(Event::Paste("x".into())),
            Some(Msg::Paste("x".into()))
        );
    }
}
