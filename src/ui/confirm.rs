//! Confirmation dialogs. The safe answer is always the default.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;

pub fn render_quit(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let popup = centered(area, 60, 8);
    let mut lines = vec![Line::styled("Still running:", theme.style(Role::Text))];
    lines.extend(
        model
            .running_actions()
            .into_iter()
            .map(|label| Line::styled(format!("  • {label}"), theme.style(Role::Warn))),
    );
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("y", theme.style(Role::Accent).add_modifier(Modifier::BOLD)),
        Span::styled(" quit anyway    ", theme.style(Role::Text)),
        Span::styled(
            "any other key",
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(" cancel (default)", theme.style(Role::Text)),
    ]));
    let inner = dialog(
        frame,
        popup,
        "Quit while actions run?",
        BorderType::Double,
        Role::Warn,
        theme,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
