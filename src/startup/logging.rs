//! Logs go to a file in the state dir: the terminal belongs to the cockpit.

use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Starts logging to `file`. The level comes from `--log-level`, then `RUST_LOG`,
/// then the config, then `info`.
pub fn init(
    file: &Path,
    cli_level: Option<&str>,
    config_level: Option<&str>,
) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        crate::config::paths::create_private_dir_all(dir)?;
    }
    let writer = crate::config::paths::private_file()
        .create(true)
        .append(true)
        .open(file)?;
    let filter = match (cli_level, std::env::var("RUST_LOG").ok(), config_level) {
        (Some(level), _, _) => EnvFilter::new(level),
        (None, Some(env), _) if !env.is_empty() => EnvFilter::new(env),
        (None, _, Some(level)) => EnvFilter::new(level),
        _ => EnvFilter::new("info"),
    };
    // A second init (tests) keeps the first subscriber; that is harmless.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(writer))
        .with_ansi(false)
        .try_init();
    Ok(())
}
