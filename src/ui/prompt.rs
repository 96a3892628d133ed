//! A one-line text prompt: reasons, notes, a new release.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph};

use super::key_names::prose;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::model::Prompt;
use crate::app::{Command, Model};

/// The prompt's usual width; a longer title widens it up to the screen.
const WIDTH: u16 = 76;

pub fn render(frame: &mut Frame, area: Rect, prompt: &Prompt, model: &Model, theme: &Theme) {
    let title = prompt.purpose.title();
    // The border's corners and the spaces around the title.
    let title_width = u16::try_from(title.chars().count() + 4).unwrap_or(u16::MAX);
    let width = WIDTH.max(title_width).min(area.width);
    // Too narrow for the whole title: what follows its first `: ` (the hint
    // on what to type) moves inside, above the input.
    let (title, hint) = match title.split_once(": ") {
        Some((head, hint)) if title_width > width => (head.to_owned(), Some(hint.to_owned())),
        _ => (title, None),
    };
    let height = if hint.is_some() { 5 } else { 4 };
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height / 3,
        width,
        height: height.min(area.height.saturating_sub(area.height / 3)),
    };
    let inner = dialog(
        frame,
        popup,
        &title,
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    let mut lines = Vec::with_capacity(3);
    if let Some(hint) = hint {
        lines.push(Line::styled(hint, theme.style(Role::Muted)));
    }
    lines.push(Line::from(vec![
        Span::styled("> ", theme.style(Role::Accent)),
        Span::styled(prompt.text.as_str(), theme.style(Role::Text)),
        Span::styled("▏", theme.style(Role::Accent)),
    ]));
    lines.push(Line::styled(
        format!(
            "{} records it · {} cancels",
            prose(model, Command::PromptSubmit),
            prose(model, Command::PromptCancel)
        ),
        theme.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}
