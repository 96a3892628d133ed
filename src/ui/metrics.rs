//! The `:metrics` overlay: the delivery figures with their targets, a bar
//! per week of production deploys (failed ones marked), and the releases
//! behind each figure. Text from journals (release ids) is the store's own.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph};

use super::layout::centered;
use super::popup::dialog;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::domain::delivery::shown;
use crate::domain::delivery::{Figure, Figures};

pub fn render(
    frame: &mut Frame,
    area: Rect,
    figures: Option<&Figures>,
    scroll: u16,
    model: &Model,
    theme: &Theme,
) {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(4),
    );
    let inner = dialog(
        frame,
        popup,
        "Delivery figures (esc closes)",
        BorderType::Rounded,
        Role::Accent,
        theme,
    );
    let lines = match figures {
        None => vec![Line::styled(
            format!(
                "Reading every journal for the last {}…",
                crate::domain::offset::format_duration(model.delivery.window)
            ),
            theme.style(Role::Muted),
        )],
        Some(figures) => lines(figures, theme),
    };
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

fn lines(figures: &Figures, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(
            format!(
                "{} to {}: {}",
                figures.since.format("%Y-%m-%d"),
                figures.until.format("%Y-%m-%d"),
                figures.deployment_frequency.basis
            ),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Line::default(),
    ];
    let rows: [(&str, &Figure); 7] = [
        ("Deployment frequency", &figures.deployment_frequency),
        ("Lead time for changes", &figures.lead_time),
        ("Change failure rate", &figures.change_failure_rate),
        ("Time to restore", &figures.time_to_restore),
        ("Release frequency", &figures.release_frequency),
        ("Rollback rate", &figures.rollback_rate),
        ("Deployment duration", &figures.deployment_duration),
    ];
    for (name, figure) in rows {
        let value = figure
            .value
            .map_or_else(|| "-".to_owned(), |v| shown(v, figure.unit));
        let (met, role) = match figure.met {
            Some(true) => ("✓ met", Role::Ok),
            Some(false) => ("✗ missed", Role::Critical),
            None => ("", Role::Muted),
        };
        let target = figure
            .target
            .as_ref()
            .map_or_else(String::new, |t| format!("target {}", t.describe()));
        lines.push(Line::from(vec![
            Span::styled(format!(" {name:<23}"), theme.style(Role::Text)),
            Span::styled(
                format!("{value:<10}"),
                theme.style(Role::Accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("{target:<16}"), theme.style(Role::Muted)),
            Span::styled(format!("{met:<10}"), theme.style(role)),
            Span::styled(figure.basis.clone(), theme.style(Role::Muted)),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        " Production deploys per week (█ went well, ▒ failed)",
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    ));
    for week in &figures.weeks {
        let good = week.deploys.saturating_sub(week.failures).min(40);
        let bad = week.failures.min(40);
        lines.push(Line::from(vec![
            Span::styled(format!(" {}  ", week.start), theme.style(Role::Muted)),
            Span::styled("█".repeat(good), theme.style(Role::Ok)),
            Span::styled("▒".repeat(bad), theme.style(Role::Critical)),
            Span::styled(
                format!(
                    " {}{}",
                    week.deploys,
                    week.lead_time.map_or_else(String::new, |h| format!(
                        " · lead time {}",
                        shown(h, "hours")
                    ))
                ),
                theme.style(Role::Muted),
            ),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        " The releases behind each",
        theme.style(Role::Text).add_modifier(Modifier::BOLD),
    ));
    for (name, figure) in [
        ("Change failure rate", &figures.change_failure_rate),
        ("Time to restore", &figures.time_to_restore),
        ("Lead time for changes", &figures.lead_time),
        ("Deployment frequency", &figures.deployment_frequency),
    ] {
        let releases = if figure.releases.is_empty() {
            "none".to_owned()
        } else {
            figure.releases.join(", ")
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {name}: "), theme.style(Role::Text)),
            Span::styled(releases, theme.style(Role::Muted)),
        ]));
    }
    lines
}
