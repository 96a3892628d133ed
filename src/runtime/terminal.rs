//! Terminal set-up and, above all, restoration: on quit, on error, on panic in any
//! thread, on SIGTERM/SIGHUP (via the loop), and around Ctrl-Z.

use std::io::{self, Write, stdout};

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
}

/// Puts the terminal back as the shell expects it. Safe to call more than once and
/// when the terminal was never set up; every step is tried even if one fails.
pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    let screen = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = stdout().flush();
    raw.and(screen)
}

/// Restores the terminal when dropped, so every exit path out of the cockpit,
/// including `?` on an error, leaves a usable shell.
pub struct TerminalGuard(());

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        // Build the guard first: if entering fails half-way, the drop undoes it.
        let guard = Self(());
        enter()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// Installs color-eyre's error and panic reports, with the terminal restored
/// before a panic is printed. A panic in any thread ends the process: a cockpit
/// with a dead task would show a screen that no longer tells the truth.
pub fn install_hooks() -> color_eyre::Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .into_hooks();
    eyre_hook.install()?;
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        panic_hook(info);
        tracing::error!(%info, "panic; terminal restored, exiting");
        std::process::exit(101);
    }));
    Ok(())
}

/// What the loop needs from the terminal beyond drawing, so tests can run the real
/// loop without a terminal.
pub trait TerminalControl {
    /// Hands the terminal to the shell and stops the process (Ctrl-Z); returns once
    /// the process is continued, with the terminal set up again.
    fn suspend(&mut self) -> io::Result<()>;

    /// Rings the terminal bell. Tests count the rings; the default is silent.
    fn bell(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The real terminal, driven through crossterm.
pub struct Crossterm;

impl TerminalControl for Crossterm {
    fn suspend(&mut self) -> io::Result<()> {
        restore()?;
        // Raw mode turned ISIG off, so the terminal did not stop us; do it ourselves.
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        enter()
    }

    fn bell(&mut self) -> io::Result<()> {
        use std::io::Write;
        let mut out = io::stdout();
        out.write_all(b"\x07")?;
        out.flush()
    }
}
