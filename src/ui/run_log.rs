//! A command target's latest deploy or rollback output, following its end
//! unless scrolled up; the title says how it stands and the footer where its
//! whole log is kept.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{BorderType, Paragraph};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    target: &str,
    scroll: u16,
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(160),
        area.height.saturating_sub(4),
    );
    let Some(run) = model.rollout.runs.get(target) else {
        return;
    };
    let (state, role) = match run.ok {
        None => ("running", Role::Accent),
        Some(true) => ("done", Role::Ok),
        Some(false) => ("failed", Role::Critical),
    };
    let title = format!("{target}: {} — {state}", run.title);
    let inner = dialog(frame, popup, &title, BorderType::Rounded, role, theme);
    let room = usize::from(inner.height).saturating_sub(1);
    let end = run.lines.len().saturating_sub(usize::from(scroll));
    let start = end.saturating_sub(room);
    let mut lines: Vec<Line> = run
        .lines
        .range(start..end)
        .map(|line| {
            let role = if line.starts_with("$ ") {
                Role::Accent
            } else {
                Role::Text
            };
            Line::styled(line.clone(), theme.style(role))
        })
        .collect();
    lines.extend(std::iter::repeat_n(
        Line::default(),
        room.saturating_sub(lines.len()),
    ));
    let position = if scroll == 0 {
        "following the output".to_owned()
    } else {
        format!("{scroll} lines up from the end")
    };
    lines.push(Line::styled(
        format!("{position} · log: {}", run.log.display()),
        theme.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}
