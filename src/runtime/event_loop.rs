//! The loop: messages in, `update`, effects out, and a redraw only when the model
//! changed, at most once per frame interval. Generic over the input stream and the
//! ratatui backend so tests drive the real loop with scripted keys on a TestBackend.

use std::time::Duration;

use chrono::{DateTime, Utc};
use color_eyre::eyre::eyre;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, sleep_until};

use super::effects::EffectRunner;
use super::terminal::TerminalControl;
use crate::app::{Effect, Model, Msg, update};
use crate::ui::{self, ThemeSet};

#[derive(Debug, Clone)]
pub struct LoopOptions {
    /// The shortest time between two frames; bursts of messages share one frame.
    pub frame_interval: Duration,
    /// Draw once and return (start-up measurements).
    pub exit_after_first_frame: bool,
}

impl Default for LoopOptions {
    fn default() -> Self {
        Self {
            frame_interval: Duration::from_millis(16),
            exit_after_first_frame: false,
        }
    }
}

/// Where the loop's messages come from: terminal input and the mailbox that
/// signal handlers and effect tasks post to.
pub struct Sources<I> {
    pub input: I,
    pub mailbox: UnboundedReceiver<Msg>,
}

/// Runs until an `Effect::Quit`; returns its exit code.
#[allow(clippy::too_many_arguments)] // Each is a separate seam tests replace.
pub async fn run_loop<B, C, E, I>(
    terminal: &mut Terminal<B>,
    control: &mut C,
    effects: &mut E,
    sources: Sources<I>,
    model: &mut Model,
    themes: &ThemeSet,
    options: &LoopOptions,
) -> color_eyre::Result<i32>
where
    B: Backend,
    C: TerminalControl,
    E: EffectRunner,
    I: Stream<Item = Msg> + Unpin,
{
    let Sources {
        mut input,
        mut mailbox,
    } = sources;
    draw(terminal, model, themes)?;
    let mut last_draw = Instant::now();
    tracing::debug!("first frame drawn");
    if options.exit_after_first_frame {
        return Ok(0);
    }

    let mut dirty = model.take_changed();
    loop {
        let redraw_at = last_draw + options.frame_interval;
        let clock_at = model.next_time_change().map(instant_at);
        // Biased: results already in the mailbox (durable events, gate outcomes)
        // are taken before the next key, so a key acts on what the screen shows.
        let first = tokio::select! {
            biased;
            Some(msg) = mailbox.recv() => Some(msg),
            msg = input.next() => Some(msg.unwrap_or_else(input_closed)),
            () = sleep_until(redraw_at), if dirty => None,
            () = sleep_until(clock_at.unwrap_or(redraw_at)), if clock_at.is_some() => Some(Msg::Tick(Utc::now())),
        };

        // Take what the mailbox already holds, so a burst costs one frame. Input is
        // not drained here: polling crossterm's stream with a no-op waker loses the
        // wake-up for the next key. Keys still share frames: the draw below waits
        // for the frame interval, and the next key is taken before it passes.
        let mut pending: Vec<Msg> = first.into_iter().collect();
        while let Ok(msg) = mailbox.try_recv() {
            pending.push(msg);
        }

        for msg in pending {
            for effect in update(model, msg) {
                match effect {
                    Effect::Quit { code } => return Ok(code),
                    Effect::Suspend => {
                        if let Err(error) = control.suspend() {
                            tracing::warn!(%error, "suspend failed");
                        }
                        terminal
                            .clear()
                            .map_err(|e| eyre!("clearing the terminal failed: {e}"))?;
                        update(model, Msg::Resumed);
                    }
                    Effect::Bell => {
                        if let Err(error) = control.bell() {
                            tracing::warn!(%error, "bell failed");
                        }
                    }
                    other => effects.run(other),
                }
            }
        }

        dirty |= model.take_changed();
        if dirty && Instant::now() >= last_draw + options.frame_interval {
            draw(terminal, model, themes)?;
            last_draw = Instant::now();
            dirty = false;
        }
    }
}

fn draw<B: Backend>(
    terminal: &mut Terminal<B>,
    model: &Model,
    themes: &ThemeSet,
) -> color_eyre::Result<()> {
    let theme = themes.theme(model.themes.current);
    terminal
        .draw(|frame| ui::view(frame, model, theme))
        .map_err(|e| eyre!("drawing failed: {e}"))?;
    Ok(())
}

fn input_closed() -> Msg {
    Msg::Terminate {
        reason: "terminal input closed".to_owned(),
        exit_code: 0,
    }
}

/// The tokio instant matching a wall-clock time (now, if it has passed).
fn instant_at(at: DateTime<Utc>) -> Instant {
    Instant::now() + (at - Utc::now()).to_std().unwrap_or_default()
}
