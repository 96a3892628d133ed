//! Colour themes as the screen uses them: semantic roles mapped to styles.
//! Loading them from `themes/*.toml` is `config::themes`.

use ratatui::style::{Color, Modifier, Style};

/// What a colour means, never which colour it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Border,
    Muted,
    Accent,
    Ok,
    Warn,
    Critical,
    Stale,
    Selection,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Text,
        Role::Border,
        Role::Muted,
        Role::Accent,
        Role::Ok,
        Role::Warn,
        Role::Critical,
        Role::Stale,
        Role::Selection,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    colors: Colors,
    /// `NO_COLOR`: keep emphasis (bold, reverse, dim), drop every colour.
    no_color: bool,
}

/// One colour per role; selection has a colour pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    pub text: Color,
    pub background: Color,
    pub border: Color,
    pub muted: Color,
    pub accent: Color,
    pub ok: Color,
    pub warn: Color,
    pub critical: Color,
    pub stale: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
}

impl Theme {
    pub fn new(name: String, colors: Colors) -> Self {
        Self {
            name,
            colors,
            no_color: false,
        }
    }

    /// The style for text of a role, on the theme's background.
    pub fn style(&self, role: Role) -> Style {
        let c = &self.colors;
        if self.no_color {
            return match role {
                Role::Text | Role::Border | Role::Ok => Style::new(),
                Role::Muted | Role::Stale => Style::new().add_modifier(Modifier::DIM),
                Role::Accent | Role::Warn => Style::new().add_modifier(Modifier::BOLD),
                Role::Critical => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                Role::Selection => Style::new().add_modifier(Modifier::REVERSED),
            };
        }
        let fg = |color| Style::new().fg(color).bg(c.background);
        match role {
            Role::Text => fg(c.text),
            Role::Border => fg(c.border),
            Role::Muted => fg(c.muted),
            Role::Accent => fg(c.accent),
            Role::Ok => fg(c.ok),
            Role::Warn => fg(c.warn),
            Role::Critical => fg(c.critical).add_modifier(Modifier::BOLD),
            Role::Stale => fg(c.stale).add_modifier(Modifier::ITALIC),
            Role::Selection => Style::new().fg(c.selection_fg).bg(c.selection_bg),
        }
    }

    /// The colour a role paints its text with (`Reset` under `NO_COLOR`).
    pub fn color(&self, role: Role) -> Color {
        self.style(role).fg.unwrap_or(Color::Reset)
    }

    pub fn without_color(mut self) -> Self {
        self.no_color = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colors(all: Color) -> Colors {
        Colors {
            text: all,
            background: Color::Reset,
            border: all,
            muted: all,
            accent: all,
            ok: all,
            warn: all,
            critical: all,
            stale: all,
            selection_fg: all,
            selection_bg: all,
        }
    }

    #[test]
    fn no_color_drops_colours_but_keeps_emphasis() {
        let theme = Theme::new("x".into(), colors(Color::Red)).without_color();
        for role in Role::ALL {
            let style = theme.style(role);
            assert_eq!((style.fg, style.bg), (None, None), "{role:?}");
        }
        assert!(
            theme
                .style(Role::Selection)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }

    #[test]
    fn a_role_paints_with_its_colour_on_the_background() {
        let theme = Theme::new("x".into(), colors(Color::Red));
        assert_eq!(theme.color(Role::Critical), Color::Red);
        assert_eq!(theme.style(Role::Text).bg, Some(Color::Reset));
    }
}
