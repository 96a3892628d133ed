//! The Rollout and Health panes of a replay: what the journal says happened
//! to the targets (deploys, rollouts, rollbacks) and to the signals
//! (baselines, triggers, assessments), up to the replayed clock. Live
//! readings are not journaled, so a replay never shows today's.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::{Role, Theme};
use crate::app::{Model, Pane};
use crate::domain::events::{Event, Recorded};

pub fn render(frame: &mut Frame, area: Rect, pane: Pane, model: &Model, theme: &Theme) {
    let Some(replay) = &model.replay else {
        return;
    };
    let (title, lines): (&str, Vec<&Recorded>) = match pane {
        Pane::Health => (
            "Signals, as the journal has them",
            replay.health_lines().collect(),
        ),
        _ => (
            "Targets, as the journal has them",
            replay.rollout_lines().collect(),
        ),
    };
    let zone = model.clock.zone;
    let mut body = vec![Line::styled(
        title,
        theme.style(Role::Accent).add_modifier(Modifier::BOLD),
    )];
    if lines.is_empty() {
        body.push(Line::styled("nothing yet", theme.style(Role::Muted)));
        body.push(Line::styled(
            "live readings are not journaled: what the cockpit recorded replays",
            theme.style(Role::Muted),
        ));
    }
    // The newest at the bottom, as many as fit, one row each.
    let room = usize::from(area.height.saturating_sub(1));
    let skip = lines.len().saturating_sub(room);
    for recorded in &lines[skip..] {
        body.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} ",
                    crate::domain::display_time::second(recorded.at, zone)
                ),
                theme.style(Role::Muted),
            ),
            Span::styled(
                crate::cli::output::strip_controls(&recorded.event.describe_in(zone)),
                theme.style(role(&recorded.event)),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(body), area);
}

/// Bad news in the critical colour, good news plain.
fn role(event: &Event) -> Role {
    match event {
        Event::TriggerFired { .. }
        | Event::RollbackStarted { .. }
        | Event::DeployFinished { ok: false, .. }
        | Event::RolloutFinished { ok: false, .. }
        | Event::RollbackItemFinished { ok: false, .. }
        | Event::RollbackVerified { ok: false, .. } => Role::Critical,
        Event::IncidentDeclared { .. } | Event::SeverityAssessed { .. } => Role::Warn,
        _ => Role::Text,
    }
}
