//! The notify step's dialog: the message exactly as it goes out, where to,
//! and, after a send the cockpit stopped during, that it may have gone.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{BorderType, Paragraph, Wrap};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::dialogs::confirm::Confirm;
use crate::domain::comms::notify_plan::NotifyPlan;

/// At most this many lines of the message; the details show all of it.
const SHOWN: usize = 14;
const WIDTH: u16 = 100;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    confirm: &Confirm,
    plan: &NotifyPlan,
    model: &Model,
    theme: &Theme,
) {
    let text: Vec<&str> = plan.message.text.trim_end().lines().collect();
    let shown = text.len().min(SHOWN);
    let mut lines = vec![Line::styled(
        format!(
            "`{}` sends `{}` to {} ({}):",
            plan.message.about,
            plan.message.template,
            plan.channel.name,
            plan.channel.kind.name()
        ),
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    )];
    if plan.uncertain {
        lines.push(Line::styled(
            "The last send may have gone out: the cockpit stopped during it, or the channel gave no clear answer.",
            theme.style(Role::Warn),
        ));
        lines.push(Line::styled(
            "Sending again uses the same key (a file channel or a webhook that honours Idempotency-Key keeps one); h if it did go.",
            theme.style(Role::Warn),
        ));
    }
    lines.extend(
        text.iter()
            .take(shown)
            .map(|l| Line::styled(format!("  │ {l}"), theme.style(Role::Accent))),
    );
    if text.len() > shown {
        lines.push(Line::styled(
            format!(
                "  │ … {} more lines (Enter on the step shows them)",
                text.len() - shown
            ),
            theme.style(Role::Muted),
        ));
    }
    lines.push(Line::styled(
        format!(
            "Key {}. Journaled before and after; the journal keeps the channel's name, never its URL.",
            plan.message.key
        ),
        theme.style(Role::Muted),
    ));
    lines.push(Line::default());
    lines.push(super::confirm::answers(confirm, model, None, theme));
    // As high as the lines wrapped take, so the answers are never cut off.
    let width = area.width.min(WIDTH).saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    // One row spare: words wrap before the last column.
    let popup = centered(area, WIDTH, u16::try_from(rows + 3).unwrap_or(u16::MAX));
    let inner = dialog(
        frame,
        popup,
        "Send the message?",
        BorderType::Double,
        Role::Warn,
        theme,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
