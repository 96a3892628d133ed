//! Which key runs which command: the defaults from the command table, with the
//! user's `[keys]` remapping applied and checked for clashes.

use std::collections::BTreeMap;

use crate::app::keys::commands::{COMMANDS, Command, Mode, Scope};
use crate::app::keys::key::{Key, KeyParseError};

/// What a key means in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Command(Command),
    /// A printable key where the mode takes text.
    Text(char),
    /// Nothing the mode does.
    Unbound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// A key can mean different commands in panes that are never focused
    /// together; global commands hold their key everywhere.
    by_key: BTreeMap<(Key, Scope), Command>,
    /// Each command's keys in the order they were declared: the first is the one
    /// the footer shows.
    by_command: BTreeMap<Command, Vec<Key>>,
}

/// One remapping from config: a command name and the keys it should have.
/// `origin` is an opaque tag the caller uses to point back at the config text.
#[derive(Debug, Clone)]
pub struct Binding<O> {
    pub command: String,
    pub keys: Vec<(String, O)>,
    pub origin: O,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeymapProblem<O> {
    UnknownCommand {
        name: String,
        suggestion: Option<&'static str>,
        origin: O,
    },
    BadKey {
        command: String,
        error: KeyParseError,
        origin: O,
    },
    Clash {
        key: Key,
        first: &'static str,
        second: &'static str,
        origin: O,
    },
    /// A printable key for a command that only works where printable keys
    /// are text (a prompt, the palette): it could never run.
    Typed {
        key: Key,
        command: &'static str,
        origin: O,
    },
}

impl Keymap {
    /// The command table's own keys.
    #[allow(clippy::expect_used)]
    pub fn defaults() -> Self {
        let bindings: Vec<Binding<()>> = Vec::new();
        // A stated expectation, not a fallback: the default table has no
        // clash, as `defaults_have_no_clashes_and_bind_every_default_key` checks.
        Self::with_overrides(&bindings).expect("the command table's default keys do not clash")
    }

    /// Applies the overrides: a command named in them gets exactly the keys listed
    /// (an empty list unbinds it). All problems are reported together.
    pub fn with_overrides<O: Clone>(
        overrides: &[Binding<O>],
    ) -> Result<Self, Vec<KeymapProblem<O>>> {
        let mut problems = Vec::new();
        let mut keys_of: BTreeMap<Command, Vec<(Key, Option<O>)>> = BTreeMap::new();
        for spec in COMMANDS {
            let defaults = spec
                .default_keys
                .iter()
                .filter_map(|text| text.parse().ok())
                .map(|key| (key, None))
                .collect();
            keys_of.insert(spec.command, defaults);
        }
        for binding in overrides {
            let Some(command) = Command::by_name(&binding.command) else {
                problems.push(KeymapProblem::UnknownCommand {
                    name: binding.command.clone(),
                    suggestion: suggest_command(&binding.command),
                    origin: binding.origin.clone(),
                });
                continue;
            };
            let mut keys = Vec::new();
            for (text, origin) in &binding.keys {
                match text.parse::<Key>() {
                    Ok(key) => keys.push((key, Some(origin.clone()))),
                    Err(error) => problems.push(KeymapProblem::BadKey {
                        command: binding.command.clone(),
                        error,
                        origin: origin.clone(),
                    }),
                }
            }
            keys_of.insert(command, keys);
        }

        let mut by_key: BTreeMap<(Key, Scope), Command> = BTreeMap::new();
        let by_command = keys_of
            .iter()
            .map(|(command, keys)| (*command, keys.iter().map(|(key, _)| *key).collect()))
            .collect();
        for (command, keys) in keys_of {
            let scope = command.spec().scope;
            for (key, origin) in keys {
                if key.typed_char().is_some() && only_typed_in(scope) {
                    if let Some(origin) = origin {
                        problems.push(KeymapProblem::Typed {
                            key,
                            command: command.name(),
                            origin,
                        });
                    }
                    continue;
                }
                let taken = by_key
                    .iter()
                    .find(|((k, s), c)| *k == key && s.overlaps(scope) && **c != command)
                    .map(|(_, c)| *c);
                match taken {
                    Some(first) => {
                        // A clash only involves a default on both sides when the default
                        // table itself is wrong, which the unit tests rule out.
                        if let Some(origin) = origin {
                            problems.push(KeymapProblem::Clash {
                                key,
                                first: first.name(),
                                second: command.name(),
                                origin,
                            });
                        } else if let Some(origin) = origin_of(overrides, first, key) {
                            problems.push(KeymapProblem::Clash {
                                key,
                                first: command.name(),
                                second: first.name(),
                                origin,
                            });
                        }
                    }
                    None => {
                        by_key.insert((key, scope), command);
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(Self { by_key, by_command })
        } else {
            Err(problems)
        }
    }

    /// The command a key runs in `scope`, falling back to the global commands.
    pub fn command_for(&self, key: &Key, scope: Scope) -> Option<Command> {
        self.by_key
            .get(&(*key, scope))
            .or_else(|| self.by_key.get(&(*key, Scope::Global)))
            .copied()
    }

    /// What a key means in `mode`: text where the mode takes it, else the
    /// command of the first of the mode's scopes that binds it.
    pub fn read(&self, key: &Key, mode: Mode) -> Input {
        if mode.typing().is_some()
            && let Some(c) = key.typed_char()
        {
            return Input::Text(c);
        }
        mode.scopes()
            .iter()
            .find_map(|scope| self.by_key.get(&(*key, *scope)))
            .map_or(Input::Unbound, |command| Input::Command(*command))
    }

    /// A pane's command bound to `key`, for saying where the key works.
    pub fn command_in_any_pane(&self, key: &Key) -> Option<Command> {
        self.by_key
            .iter()
            .find(|((k, scope), _)| k == key && scope.is_pane())
            .map(|(_, command)| *command)
    }

    /// The keys bound to a command, in the order they were declared.
    pub fn keys_for(&self, command: Command) -> &[Key] {
        self.by_command.get(&command).map_or(&[], Vec::as_slice)
    }

    /// The keys of a command as the help and footer show them: `q, ctrl-c`.
    pub fn describe(&self, command: Command) -> String {
        let keys = self.keys_for(command);
        if keys.is_empty() {
            return "unbound".to_owned();
        }
        keys.iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether every mode that holds `scope` takes printable keys as text.
fn only_typed_in(scope: Scope) -> bool {
    Mode::ALL
        .iter()
        .filter(|mode| mode.scopes().contains(&scope))
        .all(|mode| mode.typing().is_some())
}

fn origin_of<O: Clone>(overrides: &[Binding<O>], command: Command, key: Key) -> Option<O> {
    overrides
        .iter()
        .filter(|b| b.command == command.name())
        .flat_map(|b| &b.keys)
        .find(|(text, _)| text.parse::<Key>().ok() == Some(key))
        .map(|(_, origin)| origin.clone())
}

/// The closest command name, when it is close enough to be a likely typo.
pub fn suggest_command(name: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|spec| (strsim::jaro_winkler(name, spec.name), spec.name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(command: &str, keys: &[&str]) -> Binding<u32> {
        Binding {
            command: command.to_owned(),
            keys: keys.iter().map(|k| ((*k).to_owned(), 7)).collect(),
            origin: 1,
        }
    }

    #[test]
    fn defaults_have_no_clashes_and_bind_every_default_key() {
        let map = Keymap::with_overrides::<u32>(&[]).expect("default table is consistent");
        for spec in COMMANDS {
            for text in spec.default_keys {
                let key: Key = text.parse().expect("default keys parse");
                assert_eq!(
                    map.command_for(&key, spec.scope),
                    Some(spec.command),
                    "{text}"
                );
            }
        }
        assert_eq!(Keymap::defaults(), map);
    }

    #[test]
    fn override_replaces_the_default_keys_of_that_command() {
        let map = Keymap::with_overrides(&[bind("zoom", &["Z", "f11"])]).expect("valid");
        assert_eq!(map.command_for(&Key::char('z'), Scope::Global), None);
        assert_eq!(
            map.command_for(&Key::char('Z'), Scope::Global),
            Some(Command::Zoom)
        );
        assert_eq!(map.describe(Command::Zoom), "Z, f11");
        assert_eq!(
            Keymap::defaults().describe(Command::Quit),
            "q, ctrl-c",
            "declared order"
        );
    }

    #[test]
    fn empty_list_unbinds() {
        let map = Keymap::with_overrides(&[bind("cycle-theme", &[])]).expect("valid");
        assert_eq!(map.describe(Command::CycleTheme), "unbound");
    }

    #[test]
    fn unknown_command_is_reported_with_a_suggestion() {
        let problems = Keymap::with_overrides(&[bind("quti", &["x"])]).expect_err("unknown");
        assert_eq!(
            problems,
            vec![KeymapProblem::UnknownCommand {
                name: "quti".into(),
                suggestion: Some("quit"),
                origin: 1
            }]
        );
    }

    #[test]
    fn clash_with_a_default_is_reported_not_ignored() {
        let problems = Keymap::with_overrides(&[bind("zoom", &["q"])]).expect_err("clash");
        assert!(
            matches!(
                problems.as_slice(),
                [KeymapProblem::Clash {
                    first: "zoom",
                    second: "quit",
                    origin: 7,
                    ..
                }] | [KeymapProblem::Clash {
                    first: "quit",
                    second: "zoom",
                    origin: 7,
                    ..
                }]
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn clash_between_two_overrides_is_reported() {
        let problems = Keymap::with_overrides(&[bind("zoom", &["x"]), bind("help", &["x"])])
            .expect_err("clash");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn moving_a_key_between_commands_is_fine() {
        let map = Keymap::with_overrides(&[bind("quit", &["x"]), bind("zoom", &["q"])])
            .expect("q was freed by remapping quit");
        assert_eq!(
            map.command_for(&Key::char('q'), Scope::Global),
            Some(Command::Zoom)
        );
    }

    #[test]
    fn panes_share_keys_but_never_with_global_commands() {
        let map = Keymap::defaults();
        let j = Key::char('j');
        assert_eq!(
            map.command_for(&j, Scope::Checklist),
            Some(Command::MoveDown)
        );
        assert_eq!(
            map.command_for(&j, Scope::Calendar),
            Some(Command::CalendarNextWeek)
        );
        assert_eq!(map.command_for(&j, Scope::Global), None);
        assert_eq!(
            map.command_for(&Key::char('q'), Scope::Calendar),
            Some(Command::Quit)
        );
        let problems = Keymap::with_overrides(&[bind("calendar-today", &["z"])])
            .expect_err("z zooms everywhere");
        assert!(
            matches!(problems.as_slice(), [KeymapProblem::Clash { .. }]),
            "{problems:?}"
        );
        Keymap::with_overrides(&[bind("calendar-today", &["a"])])
            .expect("a approves in the checklist only");

        // A dialog has the keys alone: its keys may be any pane's or global ones.
        assert_eq!(
            map.read(&Key::char('q'), Mode::Help),
            Input::Command(Command::HelpClose)
        );
        assert_eq!(
            map.read(&j, Mode::Help),
            Input::Command(Command::ScrollDown)
        );
        Keymap::with_overrides(&[bind("help-close", &["d"])])
            .expect("d deploys in the Rollout pane, never under the help");
        // But not the keys of a scope the same dialog holds.
        for (command, key) in [
            ("help-close", "j"),
            ("rollback-select", "g"),
            ("confirm-yes", "backspace"),
            ("palette-run", "ctrl-u"),
            ("top", "z"),
        ] {
            let problems = Keymap::with_overrides(&[bind(command, &[key])])
                .expect_err("shares a key with a scope held with it");
            assert!(
                matches!(problems.as_slice(), [KeymapProblem::Clash { .. }]),
                "{command} = {key}: {problems:?}"
            );
        }
    }

    #[test]
    fn no_mode_reads_one_key_as_two_commands() {
        let map = Keymap::defaults();
        for mode in Mode::ALL {
            let mut seen: BTreeMap<Key, Command> = BTreeMap::new();
            for scope in mode.scopes() {
                for spec in COMMANDS.iter().filter(|s| s.scope == *scope) {
                    for key in map.keys_for(spec.command) {
                        if let Some(other) = seen.insert(*key, spec.command) {
                            panic!("{mode:?}: `{key}` is {other:?} and {:?}", spec.command);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn where_keys_type_text_printable_keys_are_text() {
        let map = Keymap::defaults();
        assert_eq!(map.read(&Key::char('q'), Mode::Palette), Input::Text('q'));
        assert_eq!(
            map.read(&Key::char('y'), Mode::ConfirmTyped),
            Input::Text('y')
        );
        assert_eq!(
            map.read(&Key::char('y'), Mode::Confirm),
            Input::Command(Command::ConfirmYes)
        );
        assert_eq!(
            map.read(&Key::ctrl('u'), Mode::Prompt),
            Input::Command(Command::ClearText)
        );
        assert_eq!(map.read(&Key::char('x'), Mode::Help), Input::Unbound);
        let problems =
            Keymap::with_overrides(&[bind("prompt-submit", &["x"])]).expect_err("x would be typed");
        assert!(
            matches!(
                problems.as_slice(),
                [KeymapProblem::Typed {
                    command: "prompt-submit",
                    origin: 7,
                    ..
                }]
            ),
            "{problems:?}"
        );
        Keymap::with_overrides(&[bind("confirm-yes", &["o"])])
            .expect("the key dialogs take o; where text is typed Roll back takes Enter");
    }

    #[test]
    fn bad_key_notation_is_reported() {
        let problems = Keymap::with_overrides(&[bind("zoom", &["hyper-z"])]).expect_err("bad");
        assert!(matches!(
            problems.as_slice(),
            [KeymapProblem::BadKey { .. }]
        ));
    }
}
