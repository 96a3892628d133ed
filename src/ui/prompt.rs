//! A one-line text prompt: reasons, notes, a new release.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph};

use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::model::Prompt;

pub fn render(frame: &mut Frame, area: Rect, prompt: &Prompt, theme: &Theme) {
    let width = 76.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height / 3,
        width,
        height: 4.min(area.height),
    };
    let inner = dialog(
        frame,
        popup,
        &prompt.purpose.title(),
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    let lines = vec![
        Line::from(vec![
            Span::styled("> ", theme.style(Role::Accent)),
            Span::styled(prompt.text.as_str(), theme.style(Role::Text)),
            Span::styled("▏", theme.style(Role::Accent)),
        ]),
        Line::styled("Enter records it · Esc cancels", theme.style(Role::Muted)),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}
