//! Confirmation dialogs. The safe answer is always the default.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::layout::centered;
use super::theme::{Role, Theme};
use crate::app::Model;

pub fn render_quit(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let popup = centered(area, 60, 8);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::Warn))
        .style(theme.style(Role::Text))
        .title(Span::styled(
            " Quit while actions run? ",
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ));
    let mut lines = vec![Line::styled("Still running:", theme.style(Role::Text))];
    lines.extend(
        model
            .running
            .iter()
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
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
}
