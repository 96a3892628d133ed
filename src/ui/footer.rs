//! The bottom line: the keys that work right now, from the command table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::{Role, Theme};
use crate::app::{COMMANDS, Model, Overlay, Pane, Scope};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let hints: Vec<(String, &str)> = match &model.overlay {
        Some(Overlay::Help { .. }) => vec![("j/k".into(), "scroll"), ("esc".into(), "close")],
        Some(Overlay::Palette(_)) => vec![
            ("type".into(), "filter"),
            ("↑/↓".into(), "select"),
            ("enter".into(), "run"),
            ("esc".into(), "close"),
        ],
        Some(Overlay::ConfirmQuit) => vec![
            ("y".into(), "quit anyway"),
            ("any other key".into(), "cancel"),
        ],
        Some(Overlay::History { .. }) => vec![("any key".into(), "close")],
        Some(Overlay::ConfirmRun { .. }) => {
            vec![("y".into(), "run it"), ("any other key".into(), "cancel")]
        }
        Some(Overlay::ConfirmEarlyComplete { .. }) => vec![
            ("y".into(), "complete it now"),
            ("any other key".into(), "cancel"),
        ],
        Some(Overlay::ConfirmDeploy(plan)) => {
            let mut keys = Vec::new();
            if !plan.items.is_empty() {
                keys.push(("y".into(), "deploy"));
                keys.push(("t".into(), "toggle dry run"));
            }
            if !plan.held_back.is_empty() {
                keys.push(("O".into(), "override go/no-go"));
            }
            keys.push(("any other key".into(), "cancel"));
            keys
        }
        Some(Overlay::Rollback) => super::rollback::hints(model),
        Some(Overlay::Prompt(_)) => vec![("enter".into(), "record"), ("esc".into(), "cancel")],
        Some(Overlay::Details { .. }) => vec![("j/k".into(), "scroll"), ("esc".into(), "close")],
        Some(Overlay::Notices { .. }) => vec![
            ("j/k".into(), "older/newer"),
            ("g/G".into(), "newest/oldest"),
            ("esc".into(), "close"),
        ],
        None => {
            // The focused pane's own keys first, then the global ones.
            let scopes: &[Scope] = match model.focus {
                Pane::Checklist if model.release.is_some() => &[Scope::Checklist, Scope::Global],
                Pane::Calendar if !model.calendar.is_empty() => &[Scope::Calendar, Scope::Global],
                Pane::Rollout if !model.rollout.is_empty() => &[Scope::Rollout, Scope::Global],
                Pane::Health if model.health.is_configured() => &[Scope::Health, Scope::Global],
                _ => &[Scope::Global],
            };
            scopes
                .iter()
                .flat_map(|scope| COMMANDS.iter().filter(move |spec| spec.scope == *scope))
                .filter_map(|spec| {
                    let hint = spec.hint?;
                    let key = model.keymap.keys_for(spec.command).first()?.to_string();
                    Some((key, hint))
                })
                .collect()
        }
    };
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in hints.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.style(Role::Border)));
        }
        spans.push(Span::styled(key, theme.style(Role::Accent)));
        spans.push(Span::styled(format!(" {what}"), theme.style(Role::Muted)));
    }
    frame.render_widget(Line::from(spans), area);
}
