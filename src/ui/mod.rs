//! Drawing: `view` turns a `Model` into a frame. Nothing here changes the model,
//! does I/O or parses anything; it runs on every redraw and must stay cheap.

mod banner;
mod calendar;
mod checklist;
mod columns;
mod confirm;
mod confirm_notify;
mod details;
mod footer;
mod health;
mod help;
mod history;
mod incident;
mod key_names;
pub mod layout;
mod message_preview;
mod metrics;
mod notices;
mod palette;
mod panes;
mod popup;
mod prompt;
mod releases;
mod replay_panes;
mod repo_details;
mod rollback;
mod rollout;
mod run_log;
mod status_bar;
mod tabs;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::app::{Model, Overlay};
pub use theme::{Role, Theme};

/// What the grid's top row needs: the Calendar's text, the Checklist's titles.
fn needs(model: &Model, theme: &Theme) -> layout::Needs {
    layout::Needs {
        calendar: calendar::need(model, theme),
        checklist: model.release.as_ref().map_or(layout::Need::EMPTY, |view| {
            checklist::need(view, model, theme)
        }),
    }
}

pub fn view(frame: &mut Frame, model: &Model, theme: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.style(Role::Text)), area);
    let firing = model.health.firing();
    // A firing trigger takes the top line, above everything, until it clears.
    let body = if firing.is_empty() || area.height < 3 {
        area
    } else {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        banner::render(frame, banner, &firing, model, theme);
        rest
    };
    let layout = layout::screen_layout(body, model.focus, model.zoomed, || needs(model, theme));
    status_bar::render(frame, layout.status, model, theme);
    if let Some(tabs) = layout.tabs {
        tabs::render(frame, tabs, model, theme);
    }
    for (pane, rect) in &layout.panes {
        panes::render(frame, *rect, *pane, model, theme);
    }
    footer::render(frame, layout.footer, model, theme);
    match &model.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help::render(frame, area, *scroll, model, theme),
        Some(Overlay::Palette(palette)) => palette::render(frame, area, palette, model, theme),
        Some(Overlay::Confirm(dialog)) => confirm::render(frame, area, dialog, model, theme),
        Some(Overlay::History {
            namespace,
            name,
            scroll,
        }) => {
            history::render(frame, area, (namespace, name), *scroll, model, theme);
        }
        Some(Overlay::Prompt(prompt)) => prompt::render(frame, area, prompt, model, theme),
        Some(Overlay::Rollback) => rollback::render(frame, area, model, theme),
        Some(Overlay::Details { step, scroll }) => {
            details::render(frame, area, step, *scroll, model, theme)
        }
        Some(Overlay::Notices { scroll }) => notices::render(frame, area, *scroll, model, theme),
        Some(Overlay::Releases { list, selected }) => {
            releases::render(frame, area, list.as_deref(), *selected, model, theme)
        }
        Some(Overlay::Metrics {
            figures, scroll, ..
        }) => metrics::render(frame, area, figures.as_deref(), *scroll, model, theme),
        Some(Overlay::RunLog { target, scroll }) => {
            run_log::render(frame, area, target, *scroll, model, theme)
        }
        Some(Overlay::Incident(form)) => incident::render(frame, area, form, model, theme),
    }
}
