//! How a dialog's text names a command's key: its first, as the keymap has
//! it now, with named keys capitalised as prose writes them (`Enter`, `Esc`).

use crate::app::keys::key::KeyCode;
use crate::app::{Command, Model};

pub fn prose(model: &Model, command: Command) -> String {
    let Some(key) = model.keymap.keys_for(command).first() else {
        return format!("`{}` (unbound)", command.name());
    };
    let text = key.to_string();
    match key.code {
        KeyCode::Char(c) if c != ' ' && !key.ctrl && !key.alt => text,
        _ => {
            // `enter` -> `Enter`, `ctrl-x` -> `Ctrl-x`, `space` -> `Space`.
            let mut chars = text.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixture::sample_model;
    use crate::app::keys::keymap::{Binding, Keymap};

    #[test]
    fn names_follow_the_keymap_in_prose() {
        let mut model = sample_model();
        assert_eq!(prose(&model, Command::PromptSubmit), "Enter");
        assert_eq!(prose(&model, Command::RollbackAnyway), "c");
        assert_eq!(prose(&model, Command::Complete), "Space");
        model.keymap = Keymap::with_overrides(&[
            Binding {
                command: "prompt-submit".to_owned(),
                keys: vec![("ctrl-s".to_owned(), ())],
                origin: (),
            },
            Binding {
                command: "prompt-cancel".to_owned(),
                keys: Vec::new(),
                origin: (),
            },
        ])
        .expect("valid");
        assert_eq!(prose(&model, Command::PromptSubmit), "Ctrl-s");
        assert_eq!(
            prose(&model, Command::PromptCancel),
            "`prompt-cancel` (unbound)"
        );
    }
}
