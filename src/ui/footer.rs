//! The bottom line: the keys that work right now (`app::hints`, from the
//! command table).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::keys::hints;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for (i, hint) in hints::footer(model).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.style(Role::Border)));
        }
        spans.push(Span::styled(hint.keys, theme.style(Role::Accent)));
        spans.push(Span::styled(
            format!(" {}", hint.label),
            theme.style(Role::Muted),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}
