//! The `:notices` overlay: every notice of the session, newest first, each
//! with its time and level, wrapped so that none is cut.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::dialogs::notices::NoticeLevel;
use crate::domain::display_time;

pub fn render(frame: &mut Frame, area: Rect, scroll: u16, model: &Model, theme: &Theme) {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.saturating_sub(4),
    );
    let title = format!("Notices ({}, newest first)", model.notices.len());
    let inner = dialog(
        frame,
        popup,
        &title,
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    let mut lines: Vec<Line> = model
        .notices
        .newest_first()
        .skip(usize::from(scroll))
        .map(|notice| {
            let level = match notice.level {
                NoticeLevel::Info => Role::Muted,
                NoticeLevel::Warning => Role::Warn,
                NoticeLevel::Error => Role::Critical,
            };
            Line::from(vec![
                Span::styled(
                    format!("{} ", display_time::second(notice.at, model.clock.zone)),
                    theme.style(Role::Muted),
                ),
                Span::styled(format!("{:<5} ", notice.level.label()), theme.style(level)),
                Span::styled(notice.text.clone(), theme.style(Role::Text)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(
            "No notices yet in this session.",
            theme.style(Role::Muted),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
