//! Colour themes from `themes/*.toml` (built in) and the user's themes dir
//! (which wins on a name clash), checked with errors that name file and line.

use std::path::Path;
use std::str::FromStr;

use ratatui::style::Color;
use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, ConfigErrors, load_toml_dir};
use crate::ui::theme::{Colors, Theme};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    colors: ColorsFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColorsFile {
    text: Spanned<String>,
    background: Spanned<String>,
    border: Spanned<String>,
    muted: Spanned<String>,
    accent: Spanned<String>,
    ok: Spanned<String>,
    warn: Spanned<String>,
    critical: Spanned<String>,
    stale: Spanned<String>,
    selection_fg: Spanned<String>,
    selection_bg: Spanned<String>,
}

const BUILTIN: [(&str, &str); 4] = [
    ("themes/dark.toml", include_str!("../../themes/dark.toml")),
    ("themes/light.toml", include_str!("../../themes/light.toml")),
    (
        "themes/high-contrast.toml",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "themes/terminal.toml",
        include_str!("../../themes/terminal.toml"),
    ),
];

/// Parses one theme file; `file` names it in errors.
pub fn parse_theme(file: &str, text: &str) -> Result<Theme, ConfigErrors> {
    let raw: ThemeFile = toml::from_str(text)
        .map_err(|e| ConfigErrors(vec![ConfigError::from_toml(file, text, &e)]))?;
    let mut errors = Vec::new();
    let mut color = |value: &Spanned<String>| {
        Color::from_str(value.get_ref()).unwrap_or_else(|_| {
            errors.push(
                ConfigError::new(file, format!("`{}` is not a colour", value.get_ref()), "write a colour as \"#rrggbb\", a name such as \"red\" or \"darkgray\", an index 0-255, or \"reset\" for the terminal's default")
                    .at(text, Some(value.span()))
                    .expected("a colour"),
            );
            Color::Reset
        })
    };
    let c = &raw.colors;
    let colors = Colors {
        text: color(&c.text),
        background: color(&c.background),
        border: color(&c.border),
        muted: color(&c.muted),
        accent: color(&c.accent),
        ok: color(&c.ok),
        warn: color(&c.warn),
        critical: color(&c.critical),
        stale: color(&c.stale),
        selection_fg: color(&c.selection_fg),
        selection_bg: color(&c.selection_bg),
    };
    if errors.is_empty() {
        Ok(Theme::new(raw.name, colors))
    } else {
        Err(ConfigErrors(errors))
    }
}

#[derive(Debug, Clone)]
pub struct ThemeSet {
    themes: Vec<Theme>,
}

impl ThemeSet {
    /// The themes shipped in the binary, in a fixed order (dark first).
    pub fn builtin() -> Result<Self, ConfigErrors> {
        let themes = BUILTIN
            .iter()
            .map(|(file, text)| parse_theme(file, text))
            .collect::<Result<_, _>>()?;
        Ok(Self { themes })
    }

    /// The built-in themes plus `*.toml` in `dir` (if it exists); a user theme
    /// replaces a built-in one of the same name.
    pub fn load(dir: Option<&Path>) -> Result<Self, ConfigErrors> {
        let mut set = Self::builtin()?;
        if let Some(dir) = dir {
            load_toml_dir(dir, "themes", parse_theme)?
                .into_iter()
                .for_each(|theme| set.insert(theme));
        }
        Ok(set)
    }

    fn insert(&mut self, theme: Theme) {
        match self.themes.iter_mut().find(|t| t.name == theme.name) {
            Some(existing) => *existing = theme,
            None => self.themes.push(theme),
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.themes.iter().map(|t| t.name.clone()).collect()
    }

    pub fn get(&self, index: usize) -> Option<&Theme> {
        self.themes.get(index)
    }

    /// The theme at `index`, or the first one. A set always holds the built-ins,
    /// which a unit test keeps valid, so it is never empty.
    pub fn theme(&self, index: usize) -> &Theme {
        &self.themes[if index < self.themes.len() { index } else { 0 }]
    }

    /// Drops colour from every theme, for `NO_COLOR`.
    pub fn without_color(self) -> Self {
        Self {
            themes: self.themes.into_iter().map(Theme::without_color).collect(),
        }
    }
}

/// `NO_COLOR` is honoured when set to anything non-empty (no-color.org).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::Role;

    #[test]
    fn builtin_themes_parse_and_keep_their_order() {
        let set = ThemeSet::builtin().expect("built-in themes are valid");
        assert_eq!(set.names(), ["dark", "light", "high-contrast", "terminal"]);
    }

    #[test]
    fn terminal_theme_uses_the_terminal_defaults() {
        let set = ThemeSet::builtin().expect("valid");
        let terminal = set.get(3).expect("terminal theme");
        assert_eq!(terminal.color(Role::Text), Color::Reset);
        assert_eq!(terminal.style(Role::Text).bg, Some(Color::Reset));
        assert_eq!(terminal.color(Role::Critical), Color::Red);
    }

    #[test]
    fn bad_colour_is_located() {
        let text = "name = \"x\"\n[colors]\ntext = \"#zzz\"\nbackground = \"reset\"\nborder = \"red\"\nmuted = \"red\"\naccent = \"red\"\nok = \"red\"\nwarn = \"red\"\ncritical = \"red\"\nstale = \"red\"\nselection_fg = \"red\"\nselection_bg = \"red\"\n";
        let ConfigErrors(errors) = parse_theme("x.toml", text).expect_err("bad colour");
        assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(3));
        assert_eq!(errors[0].key.as_deref(), Some("colors.text"));
    }

    #[test]
    fn missing_role_is_an_error() {
        let ConfigErrors(errors) =
            parse_theme("x.toml", "name = \"x\"\n[colors]\ntext = \"red\"\n")
                .expect_err("incomplete");
        assert!(errors[0].problem.contains("missing field"), "{}", errors[0]);
    }

    #[test]
    fn user_theme_overrides_and_adds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dark = BUILTIN[0].1.replace("#1a1b26", "#000000");
        std::fs::write(dir.path().join("dark.toml"), dark).expect("write");
        let extra = BUILTIN[0].1.replace("name = \"dark\"", "name = \"solar\"");
        std::fs::write(dir.path().join("solar.toml"), extra).expect("write");
        let set = ThemeSet::load(Some(dir.path())).expect("valid");
        assert_eq!(
            set.names(),
            ["dark", "light", "high-contrast", "terminal", "solar"]
        );
        assert_eq!(
            set.get(0).map(|t| t.style(Role::Text).bg),
            Some(Some(Color::Rgb(0, 0, 0)))
        );
    }
}
