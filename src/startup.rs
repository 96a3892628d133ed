//! From command line to running cockpit: the subcommands, config and theme
//! loading (errors printed before the terminal is touched), and the tokio runtime.

use std::io::{Write, stdout};

use chrono::Utc;
use chrono_tz::Tz;
use clap::CommandFactory;
use color_eyre::eyre::{WrapErr, eyre};
use crossterm::event::EventStream;
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::model::{ConfigOrigin, Session, Themes};
use crate::app::{Model, Msg};
use crate::cli::{Cli, CliCommand};
use crate::config::{ConfigError, ConfigErrors, ConfigSource, LoadedConfig, Settings};
use crate::paths::{CONFIG_ENV, Paths};
use crate::runtime::{self, LoopOptions, Sources, TerminalGuard, run_loop};
use crate::ui::theme::{ThemeSet, no_color_requested};

/// Exit code for invalid configuration or usage.
pub const EXIT_CONFIG: i32 = 2;

pub fn run(cli: Cli) -> color_eyre::Result<i32> {
    let paths = Paths::discover();
    match &cli.command {
        Some(CliCommand::Completions { shell }) => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "release-cockpit",
                &mut stdout(),
            );
            Ok(0)
        }
        Some(CliCommand::Info) => {
            print_info(&cli, paths.as_ref());
            Ok(0)
        }
        Some(CliCommand::CheckConfig { path }) => {
            let source = match path {
                Some(path) => ConfigSource::Flag(path.clone()),
                None => resolve_source(&cli, paths.as_ref()),
            };
            Ok(check_config(source, paths.as_ref()))
        }
        Some(CliCommand::Demo) => {
            let source = ConfigSource::Demo {
                reason: "started with `demo`".to_owned(),
            };
            cockpit(&cli, source, paths)
        }
        None => {
            let source = resolve_source(&cli, paths.as_ref());
            cockpit(&cli, source, paths)
        }
    }
}

fn resolve_source(cli: &Cli, paths: Option<&Paths>) -> ConfigSource {
    ConfigSource::resolve(cli.config.clone(), std::env::var_os(CONFIG_ENV), paths)
}

/// Everything the cockpit needs, checked before the terminal is taken over.
struct Prepared {
    loaded: LoadedConfig,
    settings: Settings,
    themes: ThemeSet,
}

fn prepare(
    source: ConfigSource,
    paths: Option<&Paths>,
    cli_theme: Option<&str>,
) -> Result<Prepared, ConfigErrors> {
    let themes_dir = paths.map(Paths::themes_dir);
    let loaded = source.load()?;
    let themes = ThemeSet::load(themes_dir.as_deref())?;
    let mut settings = loaded.settings(&themes.names())?;
    if let Some(name) = cli_theme {
        let names = themes.names();
        settings.theme = Some(names.iter().position(|n| n == name).ok_or_else(|| {
            ConfigErrors(vec![
                ConfigError::new(
                    "command line",
                    format!("unknown theme `{name}` given to --theme"),
                    "pick one of the listed themes",
                )
                .key("--theme")
                .expected(format!("one of {}", names.join(", ")))
                .suggestion(
                    crate::config::closest(name, &names).map(|s| format!("did you mean `{s}`?")),
                ),
            ])
        })?);
    }
    Ok(Prepared {
        loaded,
        settings,
        themes,
    })
}

fn check_config(source: ConfigSource, paths: Option<&Paths>) -> i32 {
    let described = source.describe();
    match prepare(source, paths, None) {
        Ok(_) => {
            println!("ok: {described}");
            0
        }
        Err(errors) => {
            eprintln!("{errors}");
            EXIT_CONFIG
        }
    }
}

fn print_info(cli: &Cli, paths: Option<&Paths>) {
    println!("release-cockpit {}", env!("CARGO_PKG_VERSION"));
    println!("config in use:  {}", resolve_source(cli, paths).describe());
    let Some(paths) = paths else {
        println!("no home directory found: config, state and logs have no default location");
        return;
    };
    let exists = |p: &std::path::Path| if p.exists() { "" } else { " (not present)" };
    let rows = [
        ("config file", paths.default_config_file()),
        ("config dir", paths.config_dir.clone()),
        ("themes dir", paths.themes_dir()),
        ("playbooks dir", paths.playbooks_dir()),
        ("state dir", paths.state_dir.clone()),
        ("log file", paths.log_file()),
    ];
    for (label, path) in rows {
        println!(
            "{:<15} {}{}",
            format!("{label}:"),
            path.display(),
            exists(&path)
        );
    }
    let builtin = ThemeSet::builtin()
        .map(|t| t.names().join(", "))
        .unwrap_or_default();
    println!("built-in themes: {builtin}");
    println!(
        "environment:    {CONFIG_ENV} names a config file; NO_COLOR=1 turns colour off; RUST_LOG sets log levels"
    );
}

fn cockpit(cli: &Cli, source: ConfigSource, paths: Option<Paths>) -> color_eyre::Result<i32> {
    let described = source.describe();
    let prepared = match prepare(source, paths.as_ref(), cli.theme.as_deref()) {
        Ok(prepared) => prepared,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(EXIT_CONFIG);
        }
    };
    if let Some(paths) = &paths {
        let log_file = paths.log_file();
        if let Err(error) = crate::logging::init(
            &log_file,
            cli.log_level.as_deref(),
            prepared.settings.log_level.as_deref(),
        ) {
            eprintln!(
                "warning: cannot write the log file {}: {error}",
                log_file.display()
            );
        }
    }
    tracing::info!(config = %described, version = env!("CARGO_PKG_VERSION"), "starting");

    let mut model = build_model(cli, &prepared);
    let themes = if no_color_requested() {
        prepared.themes.without_color()
    } else {
        prepared.themes
    };
    let options = LoopOptions {
        exit_after_first_frame: cli.exit_after_first_frame,
        ..LoopOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")?;
    let code = runtime.block_on(async move {
        let (mailbox_tx, mailbox) = tokio::sync::mpsc::unbounded_channel();
        runtime::signals::forward_termination(mailbox_tx.clone())
            .wrap_err("installing signal handlers")?;
        #[cfg(debug_assertions)]
        debug_panic_on_request();
        let guard = TerminalGuard::enter().wrap_err("setting up the terminal")?;
        let mut terminal =
            Terminal::new(CrosstermBackend::new(stdout())).map_err(|e| eyre!("terminal: {e}"))?;
        let input = EventStream::new().filter_map(|event| {
            std::future::ready(match event {
                Ok(event) => runtime::input::translate(event),
                Err(error) => Some(Msg::Terminate {
                    reason: format!("terminal input failed: {error}"),
                    exit_code: 1,
                }),
            })
        });
        let sources = Sources {
            input: Box::pin(input),
            mailbox,
        };
        let result = run_loop(
            &mut terminal,
            &mut runtime::terminal::Crossterm,
            sources,
            &mut model,
            &themes,
            &options,
        )
        .await;
        drop(mailbox_tx);
        drop(guard);
        result
    })?;
    let _ = stdout().flush();
    tracing::info!(code, "exiting");
    Ok(code)
}

fn build_model(cli: &Cli, prepared: &Prepared) -> Model {
    let settings = &prepared.settings;
    let origin = match &prepared.loaded.source {
        ConfigSource::Demo { reason } => {
            tracing::info!(reason, "opening the built-in demo");
            ConfigOrigin::Demo {
                reason: demo_label(reason),
            }
        }
        _ => ConfigOrigin::File(prepared.loaded.file.clone()),
    };
    let operator = settings
        .operator
        .clone()
        .or_else(|| {
            ["USER", "LOGNAME"]
                .iter()
                .find_map(|var| std::env::var(var).ok().filter(|u| !u.is_empty()))
        })
        .unwrap_or_else(|| "unknown operator".to_owned());
    let session = Session {
        operator,
        read_only: cli.read_only,
        origin,
    };
    let themes = Themes {
        names: prepared.themes.names(),
        current: settings.theme.unwrap_or(0),
    };
    let zone = settings.zone.unwrap_or_else(system_zone);
    Model::new(session, settings.keymap.clone(), themes, Utc::now(), zone)
}

/// The status bar has room for a short reason only; the full one is in the log.
fn demo_label(reason: &str) -> String {
    if reason.starts_with("no config file") {
        "no config file".to_owned()
    } else {
        "built-in config".to_owned()
    }
}

fn system_zone() -> Tz {
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|name| name.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

/// Debug builds only: `RELEASE_COCKPIT_DEBUG_PANIC=1` panics in a background task
/// after start-up, so the end-to-end tests can check the terminal is restored.
#[cfg(debug_assertions)]
fn debug_panic_on_request() {
    if std::env::var_os("RELEASE_COCKPIT_DEBUG_PANIC").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            panic!("panic requested by RELEASE_COCKPIT_DEBUG_PANIC");
        });
    }
}
