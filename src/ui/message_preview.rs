//! A notify step's part of its details: where it sends, and the message,
//! filled in from the release as it stands now, exactly as it would go out.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::theme::{Role, Theme};
use crate::app::Model;
use crate::domain::comms::channel::ChannelKind;

/// The `sends to` line: the channel and its kind, or why it is done by hand.
pub fn sends_to(channel: Option<&str>, model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let (text, role) = match model.channels.resolve(channel) {
        Ok(found) => (
            format!("{} ({})", found.name, describe(&found.kind)),
            Role::Text,
        ),
        Err(why) => (format!("by hand: {why}"), Role::Warn),
    };
    vec![Line::from(vec![
        Span::styled(format!("{:<11}", "sends to"), theme.style(Role::Muted)),
        Span::styled(text, theme.style(role)),
    ])]
}

/// The `repeats` line of a step with `every`: how often, and when next.
pub fn repeats(
    step: &crate::domain::playbook::Step,
    every: chrono::Duration,
    model: &Model,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let now = model.clock.now;
    let next = model
        .release
        .as_ref()
        .and_then(|v| v.checklist.due_again(step, now))
        .map(|due| {
            format!(
                "; due again {}",
                crate::domain::display_time::near(due, now, model.clock.zone)
            )
        })
        .unwrap_or_default();
    vec![Line::from(vec![
        Span::styled(format!("{:<11}", "repeats"), theme.style(Role::Muted)),
        Span::styled(
            format!(
                "every {} while the release is open{next}",
                crate::domain::offset::format_duration(every)
            ),
            theme.style(Role::Text),
        ),
    ])]
}

/// Where a channel puts a message, without its secrets.
fn describe(kind: &ChannelKind) -> String {
    match kind {
        ChannelKind::Slack { .. } => "a Slack webhook".to_owned(),
        ChannelKind::Webhook { signing, .. } if signing.is_some() => "a signed webhook".to_owned(),
        ChannelKind::Webhook { .. } => "a webhook".to_owned(),
        ChannelKind::File { path } => format!("appended to {}", path.display()),
        ChannelKind::Command { run, .. } => format!("piped to `{run}`"),
        ChannelKind::Clipboard => "the terminal's clipboard".to_owned(),
    }
}

/// The heading and the message's lines, or why there is none.
pub fn lines(template: Option<&str>, model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    if model.release.is_none() {
        return Vec::new();
    }
    let Some(name) = template else {
        return vec![
            Line::default(),
            Line::styled(
                "No message: the step names no `template` (notice, announce, in-progress, complete, postponed).",
                theme.style(Role::Muted),
            ),
        ];
    };
    let Some(filled) = crate::app::messages::filled(model, name) else {
        return Vec::new();
    };
    let origin = model.messages.origin(name).unwrap_or(name);
    let mut lines = vec![
        Line::default(),
        Line::styled(
            format!("Message ({origin}), as it would go out now"),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
    ];
    lines.extend(
        filled
            .lines()
            .map(|l| Line::styled(format!("  {l}"), theme.style(Role::Text))),
    );
    lines
}
