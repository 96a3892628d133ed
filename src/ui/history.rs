//! A Deployment's revision history, as `kubectl rollout history` lists it, with
//! each revision's image, age and pods; the running revision is marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{BorderType, Paragraph};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::dialogs::scrolling::ScrollFrom;
use crate::domain::offset::format_duration;
use crate::domain::rollout::image_tag;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    (namespace, name): (&str, &str),
    scroll: ScrollFrom,
    model: &Model,
    theme: &Theme,
) {
    let Some((_, d)) = model
        .rollout
        .rows()
        .find(|(_, d)| d.namespace == namespace && d.name == name)
    else {
        return;
    };
    let height = u16::try_from(d.history.len() + 4)
        .unwrap_or(20)
        .min(area.height);
    let popup = centered(area, area.width.saturating_sub(8).min(110), height);
    let title = format!("{namespace}/{name}: revision history");
    let inner = dialog(
        frame,
        popup,
        &title,
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    let mut lines = vec![Line::styled(
        format!(
            "{:<3} {:>4}  {:<18} {:<10} {:>4}  {}",
            "", "REV", "IMAGE", "AGE", "PODS", "CHANGE-CAUSE"
        ),
        theme.style(Role::Muted).add_modifier(Modifier::BOLD),
    )];
    // Below the heading line.
    let visible = usize::from(inner.height.saturating_sub(1));
    let first = scroll.first_line(d.history.len(), visible);
    for revision in d.history.iter().skip(first) {
        let current = revision.number == d.revision;
        // A command target's versions have no images.
        let image = if revision.images.is_empty() {
            revision.version.clone()
        } else {
            revision
                .images
                .iter()
                .map(|i| image_tag(i))
                .collect::<Vec<_>>()
                .join(",")
        };
        let age = revision
            .created
            .map(|at| format_duration(model.clock.now - at))
            .unwrap_or_default();
        let style = if current {
            theme.style(Role::Accent).add_modifier(Modifier::BOLD)
        } else {
            theme.style(Role::Text)
        };
        lines.push(Line::styled(
            format!(
                "{:<3} {:>4}  {:<18.18} {:<10} {:>4}  {}",
                if current { "▶" } else { "" },
                revision.number,
                image,
                age,
                revision.replicas,
                revision.change_cause.as_deref().unwrap_or("")
            ),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
