use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::{Role, Theme};
use crate::app::{Model, Pane};

/// `1 Calendar  2 Checklist  3 Rollout  4 Health`, the focused one highlighted.
pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let mut spans = Vec::new();
    for pane in Pane::ALL {
        let role = if pane == model.focus {
            Role::Selection
        } else {
            Role::Muted
        };
        spans.push(Span::styled(
            format!(" {} {} ", pane.index() + 1, pane.title()),
            theme.style(role),
        ));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(spans), area);
}
