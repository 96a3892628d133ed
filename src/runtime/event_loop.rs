//! The loop: messages in, `update`, effects out, and a redraw only when the model
//! changed: at once for input, at most once per frame interval for everything else
//! (`frame_pacing`). Generic over the input stream and the ratatui backend so tests
//! drive the real loop with scripted keys on a TestBackend.

use std::task::Poll;
use std::time::Duration;

use chrono::{DateTime, Utc};
use color_eyre::eyre::eyre;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, sleep_until};

use super::effects::EffectRunner;
use super::frame_pacing::{Cause, FramePacing};
use super::terminal::TerminalControl;
use crate::app::{Effect, Model, Msg, update};
use crate::config::themes::ThemeSet;
use crate::ui;

#[derive(Debug, Clone)]
pub struct LoopOptions {
    /// The shortest time between a frame and the next one that only background
    /// messages asked for; bursts of them share one frame. Input is drawn at once.
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

/// The most input messages handled before a frame is drawn, so that a flood of
/// input (a held key over a slow link, a long unbracketed paste) still shows
/// progress.
const INPUT_PER_FRAME: usize = 64;

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
    // The first frame shows the model as built.
    model.take_changed();
    let mut frames = FramePacing::new(options.frame_interval, Instant::now());
    tracing::debug!("first frame drawn");
    if options.exit_after_first_frame {
        return Ok(0);
    }

    loop {
        let frame_at = frames.next_frame();
        let clock_at = model.next_time_change().map(instant_at);
        // Biased: results already in the mailbox (durable events, gate outcomes)
        // are taken before the next key, so a key acts on what the screen shows.
        let first = tokio::select! {
            biased;
            Some(msg) = mailbox.recv() => Some((Cause::Background, msg)),
            msg = input.next() => Some((Cause::Input, msg.unwrap_or_else(input_closed))),
            () = sleep_until(frame_at.unwrap_or_else(Instant::now)), if frame_at.is_some() => None,
            () = sleep_until(clock_at.unwrap_or_else(Instant::now)), if clock_at.is_some() => {
                Some((Cause::Background, Msg::Tick(Utc::now())))
            }
        };

        // Handle what is already queued before drawing, so a burst costs one
        // frame: the whole mailbox before each key, as above, then the next key
        // if one is waiting.
        let mut inputs = usize::from(matches!(first, Some((Cause::Input, _))));
        let mut next = first;
        loop {
            if let Some((cause, msg)) = next.take() {
                if let Some(code) = handle(msg, model, terminal, control, effects)? {
                    return Ok(code);
                }
                if model.take_changed() {
                    frames.changed(cause);
                }
            }
            if let Ok(msg) = mailbox.try_recv() {
                next = Some((Cause::Background, msg));
                continue;
            }
            if inputs >= INPUT_PER_FRAME {
                break;
            }
            match waiting_input(&mut input).await {
                Some(msg) => {
                    inputs += 1;
                    next = Some((Cause::Input, msg));
                }
                None => break,
            }
        }

        if frames.due(Instant::now()) {
            draw(terminal, model, themes)?;
            frames.drawn(Instant::now());
        }
    }
}

/// Runs `update` on one message and carries out the effects that belong to the
/// loop; returns the exit code once one says quit.
fn handle<B, C, E>(
    msg: Msg,
    model: &mut Model,
    terminal: &mut Terminal<B>,
    control: &mut C,
    effects: &mut E,
) -> color_eyre::Result<Option<i32>>
where
    B: Backend,
    C: TerminalControl,
    E: EffectRunner,
{
    effects.delivered(&msg);
    for effect in update(model, msg) {
        match effect {
            Effect::Quit { code } => return Ok(Some(code)),
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
    Ok(None)
}

/// The next input message if one is already waiting, without waiting for one.
/// It is polled with the loop's own waker, not a no-op one (`now_or_never`):
/// crossterm's `EventStream` keeps the waker of the poll that found it empty
/// until the next event arrives, and a no-op waker there loses that wake-up.
async fn waiting_input<I: Stream<Item = Msg> + Unpin>(input: &mut I) -> Option<Msg> {
    std::future::poll_fn(|cx| {
        Poll::Ready(match input.poll_next_unpin(cx) {
            Poll::Ready(msg) => Some(msg.unwrap_or_else(input_closed)),
            Poll::Pending => None,
        })
    })
    .await
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
