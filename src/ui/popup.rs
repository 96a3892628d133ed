use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Clear};

use super::theme::{Role, Theme};

/// Clears `area` and draws a titled dialog frame over whatever was below; returns
/// the area inside the border. `role` colours the border and title.
pub fn dialog(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    border: BorderType,
    role: Role,
    theme: &Theme,
) -> Rect {
    let block = Block::bordered()
        .border_type(border)
        .border_style(theme.style(role))
        .style(theme.style(Role::Text))
        .title(Span::styled(
            format!(" {title} "),
            theme.style(role).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    inner
}
