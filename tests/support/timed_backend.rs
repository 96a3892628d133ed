//! A TestBackend that keeps each frame it was given with the (tokio, so
//! pausable) instant it was flushed, so loop tests can say when a change
//! reached the screen. Included by `#[path]`, not through `support/mod.rs`.

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::time::Instant;

/// One drawn frame: when it was flushed and the whole screen as text.
pub struct Frame {
    pub at: Instant,
    pub screen: String,
}

pub struct TimedBackend {
    inner: TestBackend,
    pub frames: Vec<Frame>,
}

impl TimedBackend {
    pub fn new(width: u16, height: u16) -> Self {
        Self {
            inner: TestBackend::new(width, height),
            frames: Vec::new(),
        }
    }
}

type Result<T> = std::result::Result<T, <TestBackend as Backend>::Error>;

impl Backend for TimedBackend {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize> {
        self.inner.window_size()
    }

    /// `Terminal::draw` flushes once at the end of every frame.
    fn flush(&mut self) -> Result<()> {
        self.inner.flush()?;
        self.frames.push(Frame {
            at: Instant::now(),
            screen: self.inner.to_string(),
        });
        Ok(())
    }
}
