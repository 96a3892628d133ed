//! The `?` overlay: every command with its current keys, from the command
//! table, under a heading for each pane, dialog and rollback stage. Keys and
//! names take the width they need; only the descriptions are cut.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::{COMMANDS, CommandSpec, Model, Scope};

/// Marks a command refused in a read-only cockpit.
const REFUSED: &str = "✗ ";

pub fn render(frame: &mut Frame, area: Rect, scroll: u16, model: &Model, theme: &Theme) {
    let read_only = model.operator.is_read_only();
    let docs_width = COMMANDS
        .iter()
        .map(|spec| spec.doc.chars().count() + REFUSED.chars().count())
        .max()
        .unwrap_or(0);
    let mut widest = 0;

    // Lines, and the line each command starts at (its heading, for a
    // group's first), in the order the help scrolls by.
    let mut lines = Vec::new();
    let mut starts = Vec::with_capacity(COMMANDS.len());
    for scope in Scope::ALL {
        let group: Vec<&CommandSpec> = COMMANDS.iter().filter(|s| s.scope == scope).collect();
        if group.is_empty() {
            continue;
        }
        // Each group is a table of its own: its keys and names in full.
        let keys_width = group
            .iter()
            .map(|spec| model.keymap.describe(spec.command).chars().count())
            .max()
            .unwrap_or(0);
        let names_width = group
            .iter()
            .map(|spec| spec.name.chars().count())
            .max()
            .unwrap_or(0);
        widest = widest.max(keys_width + names_width);
        starts.push(lines.len());
        lines.push(Line::styled(
            scope.title(),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ));
        for (i, spec) in group.into_iter().enumerate() {
            if i > 0 {
                starts.push(lines.len());
            }
            lines.push(row(spec, keys_width, names_width, read_only, model, theme));
        }
    }

    // A space before the keys, two after the keys and the name, the borders.
    let wanted = widest + docs_width + 5 + 2;
    let width = u16::try_from(wanted)
        .unwrap_or(u16::MAX)
        .min(area.width.saturating_sub(4));
    let height = u16::try_from(lines.len() + 3)
        .unwrap_or(u16::MAX)
        .min(area.height.saturating_sub(2));
    let popup = centered(area, width, height);
    let inner = dialog(
        frame,
        popup,
        "Keys",
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    if inner.height == 0 {
        return;
    }
    let rows_area = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let visible = usize::from(rows_area.height);
    // Never scroll past the last page.
    let first = starts
        .get(usize::from(scroll))
        .copied()
        .unwrap_or(lines.len())
        .min(lines.len().saturating_sub(visible));
    let shown: Vec<Line> = lines.into_iter().skip(first).take(visible).collect();
    frame.render_widget(Paragraph::new(shown), rows_area);

    let note_area = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    let mut note =
        "Remap any command under [keys] in your config (see config.example.toml)".to_owned();
    if read_only {
        note.push_str(&format!(" · {REFUSED}refused: this cockpit is read-only"));
    }
    frame.render_widget(
        Paragraph::new(Line::styled(note, theme.style(Role::Muted))),
        note_area,
    );
}

fn row<'a>(
    spec: &CommandSpec,
    keys_width: usize,
    names_width: usize,
    read_only: bool,
    model: &Model,
    theme: &Theme,
) -> Line<'a> {
    let refused = read_only && spec.writes;
    let (keys_role, name_role) = if refused {
        (Role::Muted, Role::Muted)
    } else {
        (Role::Accent, Role::Text)
    };
    let keys = model.keymap.describe(spec.command);
    Line::from(vec![
        Span::styled(format!(" {keys:<keys_width$}  "), theme.style(keys_role)),
        Span::styled(
            format!("{:<names_width$}  ", spec.name),
            theme.style(name_role),
        ),
        Span::styled(
            format!("{}{}", if refused { REFUSED } else { "" }, spec.doc),
            theme.style(Role::Muted),
        ),
    ])
}
