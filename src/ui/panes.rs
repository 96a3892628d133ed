//! The four panes. Until their capabilities land, each says plainly that nothing
//! is configured rather than showing invented data.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Wrap};

use super::theme::{Role, Theme};
use crate::app::{Model, Pane};

pub fn render(frame: &mut Frame, area: Rect, pane: Pane, model: &Model, theme: &Theme) {
    let focused = pane == model.focus;
    let (border, border_type) = if focused {
        (theme.style(Role::Accent), BorderType::Thick)
    } else {
        (theme.style(Role::Border), BorderType::Plain)
    };
    let mut title_style = theme.style(if focused { Role::Accent } else { Role::Text });
    if focused {
        title_style = title_style.add_modifier(Modifier::BOLD);
    }
    let block = Block::bordered()
        .border_type(border_type)
        .border_style(border)
        .padding(Padding::horizontal(1))
        .title(Span::styled(
            format!(" {} {} ", pane.index() + 1, pane.title()),
            title_style,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match (pane, &model.release) {
        (Pane::Rollout | Pane::Health, _) if model.replay.is_some() => {
            super::replay_panes::render(frame, inner, pane, model, theme)
        }
        (Pane::Checklist, Some(view)) => super::checklist::render(frame, inner, view, model, theme),
        (Pane::Calendar, _) if !model.calendar.is_empty() => {
            super::calendar::render(frame, inner, model, theme)
        }
        (Pane::Rollout, _) if model.rollout.is_configured() => {
            super::rollout::render(frame, inner, model, theme)
        }
        (Pane::Health, _) if model.health.is_configured() => {
            super::health::render(frame, inner, model, theme)
        }
        _ => render_empty(frame, inner, pane, theme),
    }
}

fn render_empty(frame: &mut Frame, area: Rect, pane: Pane, theme: &Theme) {
    let (headline, detail) = empty_text(pane);
    let body = vec![
        Line::styled(
            headline,
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::default(),
        Line::styled(detail, theme.style(Role::Muted)),
    ];
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }), area);
}

fn empty_text(pane: Pane) -> (&'static str, &'static str) {
    match pane {
        Pane::Calendar => (
            "Nothing configured: no release trains.",
            "Add [[train]] tables (a cadence as an RFC 5545 rule, freeze, window) to the config; config.example.toml shows how, and `release-cockpit demo` shows five trains.",
        ),
        Pane::Checklist => (
            "Nothing configured: no release in progress.",
            "Start one with `release-cockpit start --type minor --version 2.4.0 --at \"2026-12-01 10:00 America/Los_Angeles\"`, or :release-new here.",
        ),
        Pane::Rollout => (
            "Nothing configured: no rollout targets.",
            "Add [[target]] tables (kind = \"kubernetes\", a namespace, a deployment or a selector) to the config; config.example.toml shows how, and `release-cockpit demo` watches a sandbox cluster.",
        ),
        Pane::Health => (
            "Nothing configured: no signals.",
            "Add [[signal]] tables (source = \"prometheus\", \"scrape\" or \"health\", a unit, warn and critical rules such as \"> 5% for 2m\") to the config; config.example.toml shows how, and `release-cockpit demo` watches the sandbox's services.",
        ),
    }
}
