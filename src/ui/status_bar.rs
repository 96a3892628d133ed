//! The top line: what release this is, an incident's next follow-up, where
//! the config came from, alerts, who is operating, read-only, and the time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::columns::clip;
use super::theme::{Role, Theme};
use crate::app::Model;
use crate::app::alerts::Severity;
use crate::app::dialogs::notices::NoticeLevel;
use crate::app::model::ConfigOrigin;
use crate::domain::checklist::Outcome;
use crate::domain::display_time;
use crate::domain::offset::format_t_clock;
use chrono::{DateTime, Utc};

/// The T-clock while the release is ahead or under way, with what it is in;
/// how it ended once it did.
fn outcome_spans(model: &Model, t0: DateTime<Utc>, theme: &Theme) -> Vec<Span<'static>> {
    let now = model.clock.now;
    let clock = Span::styled(format_t_clock(now - t0), theme.style(Role::Accent));
    let at = |at| display_time::near(at, now, model.clock.zone);
    let Some(outcome) = model.release_outcome() else {
        return vec![clock];
    };
    match outcome {
        Outcome::Upcoming => vec![clock],
        Outcome::InProgress { .. } => vec![
            clock,
            Span::raw(" "),
            Span::styled("in progress", theme.style(Role::Accent)),
        ],
        Outcome::Postponed { to } => vec![Span::styled(
            format!("postponed to {}", at(to)),
            theme.style(Role::Warn),
        )],
        Outcome::Released { at: when } => vec![Span::styled(
            format!("released {}", at(when)),
            theme.style(Role::Ok).add_modifier(Modifier::BOLD),
        )],
        Outcome::RolledBack { at: when } => vec![Span::styled(
            format!("rolled back {}", at(when)),
            theme.style(Role::Critical).add_modifier(Modifier::BOLD),
        )],
        Outcome::Abandoned { at: when, .. } => vec![Span::styled(
            format!("abandoned {}", at(when)),
            theme.style(Role::Muted).add_modifier(Modifier::BOLD),
        )],
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let separator = || Span::styled(" │ ", theme.style(Role::Border));
    let mut left = vec![Span::raw(" ")];
    // Narrow terminals keep the room for what changes.
    if area.width >= 100 {
        left.push(Span::styled(
            "release-cockpit",
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ));
        left.push(separator());
    }
    match &model.release {
        Some(view) => {
            let release = &view.checklist.release;
            left.push(Span::styled(
                format!("{} {}", release.name, release.version),
                theme.style(Role::Text).add_modifier(Modifier::BOLD),
            ));
            left.push(Span::raw(" "));
            left.extend(outcome_spans(model, release.t0, theme));
            // An incident's report and follow-ups stay in sight until done.
            if let Some((step, due)) = view.checklist.next_follow_up(model.clock.now) {
                left.push(separator());
                let at = display_time::near(due, model.clock.now, model.clock.zone);
                let overdue = model.clock.now >= due;
                let text = match (area.width >= 120, overdue) {
                    (true, false) => format!("{} due {at}", step.title),
                    (true, true) => format!("{} OVERDUE since {at}", step.title),
                    (false, false) => format!("follow-up due {at}"),
                    (false, true) => format!("follow-up OVERDUE since {at}"),
                };
                left.push(Span::styled(
                    text,
                    if overdue {
                        theme.style(Role::Critical).add_modifier(Modifier::BOLD)
                    } else {
                        theme.style(Role::Warn)
                    },
                ));
            }
        }
        None => left.push(Span::styled("no release", theme.style(Role::Muted))),
    }
    if let ConfigOrigin::Demo { reason } = &model.operator.origin {
        left.push(separator());
        left.push(Span::styled(
            format!("DEMO: {reason}"),
            theme.style(Role::Warn),
        ));
    }
    let mut right = vec![Span::raw(" ")];
    let parts = model.alerts().parts();
    if parts.is_empty() {
        right.push(Span::styled("no alerts", theme.style(Role::Ok)));
    }
    for (i, (text, severity)) in parts.into_iter().enumerate() {
        if i > 0 {
            right.push(Span::raw(" "));
        }
        right.push(match severity {
            Severity::Critical => Span::styled(
                text,
                theme.style(Role::Critical).add_modifier(Modifier::BOLD),
            ),
            Severity::Warning => Span::styled(text, theme.style(Role::Warn)),
            Severity::Stale => Span::styled(text, theme.style(Role::Stale)),
            Severity::Quiet => Span::styled(text, theme.style(Role::Muted)),
        });
    }
    // `[share]`: durable lines the cluster has not got yet are not lost,
    // but another machine cannot see them: said until it has them.
    if let Some(mirror) = model
        .mirror
        .as_ref()
        .filter(|m| m.behind > 0 || m.problem.is_some())
    {
        right.push(separator());
        right.push(Span::styled(
            if mirror.behind > 0 {
                format!("mirror {} behind", mirror.behind)
            } else {
                "mirror failing".to_owned()
            },
            theme.style(Role::Stale),
        ));
    }
    if let Some(replay) = &model.replay {
        right.push(separator());
        right.push(Span::styled(
            format!(
                "REPLAY {} ×{} {}/{}",
                if replay.paused { "❚❚" } else { "▶" },
                replay.speed,
                replay.shown,
                replay.total()
            ),
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ));
    } else if let Some(writer) = &model.operator.following {
        right.push(separator());
        right.push(Span::styled(
            format!("following {writer}"),
            theme.style(Role::Warn),
        ));
    } else if model.operator.viewing && !model.operator.read_only {
        right.push(separator());
        right.push(Span::styled(
            "VIEWING (read-only)",
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ));
    } else if model.operator.read_only {
        right.push(separator());
        right.push(Span::styled(
            "READ-ONLY",
            theme.style(Role::Warn).add_modifier(Modifier::BOLD),
        ));
    }
    right.push(separator());
    right.push(Span::styled(
        model.operator.name.clone(),
        theme.style(Role::Text),
    ));
    right.push(separator());
    right.push(Span::styled(
        format!("{} ", model.clock.display()),
        theme.style(Role::Text),
    ));

    let right = Line::from(right);
    let right_width = (right.width() as u16).min(area.width);
    if let Some(notice) = &model.notice {
        left.push(separator());
        let room =
            usize::from(area.width - right_width).saturating_sub(Line::from(left.clone()).width());
        left.extend(notice_spans(notice, model.notice_level(), room, theme));
    }
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    frame.render_widget(Line::from(left), left_area);
    frame.render_widget(right, right_area);
}

/// Said when a notice does not fit: `:notices` has all of it.
const CUT_HINT: &str = " :notices";

/// The notice whole if it fits `room`, else its start, `…` and where the
/// rest is.
fn notice_spans<'a>(notice: &str, level: NoticeLevel, room: usize, theme: &Theme) -> Vec<Span<'a>> {
    let role = match level {
        NoticeLevel::Info => Role::Text,
        NoticeLevel::Warning => Role::Warn,
        NoticeLevel::Error => Role::Critical,
    };
    if notice.chars().count() <= room {
        return vec![Span::styled(notice.to_owned(), theme.style(role))];
    }
    let hint = CUT_HINT.chars().count();
    // Too little room for a useful start and the hint: the start alone.
    if room < hint + 8 {
        return vec![Span::styled(clip(notice, room), theme.style(role))];
    }
    vec![
        Span::styled(clip(notice, room - hint), theme.style(role)),
        Span::styled(CUT_HINT, theme.style(Role::Muted)),
    ]
}
