//! From command line to running cockpit: the subcommands, config and theme
//! loading (errors printed before the terminal is touched), and the tokio runtime.

use std::io::{Write, stdout};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clap::CommandFactory;
use color_eyre::eyre::{WrapErr, eyre};
use crossterm::event::EventStream;
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::model::{ConfigOrigin, ModelSettings, Operator, Themes};
use crate::app::panes::rollout::TargetSpec;
use crate::app::{Model, Msg};
use crate::cli::{CalendarArgs, Cli, CliCommand, StartArgs};
use crate::config::PlaybookLibrary;
use crate::config::paths::{CONFIG_ENV, Paths};
use crate::config::themes::{ThemeSet, no_color_requested};
use crate::config::{ConfigError, ConfigErrors, ConfigSource, LoadedConfig, ProcessDir, Settings};
use crate::domain::display_time;
use crate::domain::release::{NewReleaseError, parse_t0};
use crate::runtime::{self, LoopOptions, Sources, TerminalGuard, run_loop};
use crate::runtime::{EffectRunner, Runner, Writer};
use crate::session::current_release::{Current, open_current};
use crate::session::open::parse_version;
use crate::session::{NewRelease, ReleaseStore, start_release};

mod commands;
mod headless;
pub mod logging;
mod notify;
mod share;
use commands::{
    calendar_command, check_config, git_command, print_info, start_command, status_command,
};

/// Exit code for invalid configuration or usage.
pub const EXIT_CONFIG: i32 = 2;
/// Bad command-line arguments, as clap itself reports them.
pub const EXIT_USAGE: i32 = 2;

/// Runs what `cli` asks for with the platform's `paths` (`None`: no home
/// directory); returns the exit code.
pub fn run(cli: Cli, paths: Option<Paths>) -> color_eyre::Result<i32> {
    match &cli.command {
        Some(CliCommand::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "release-cockpit", &mut script);
            crate::cli::output::print_raw(&script);
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
        Some(CliCommand::Start(args)) => Ok(start_command(&cli, args, paths.as_ref())),
        Some(CliCommand::Releases) => {
            let store = release_store(
                paths.as_ref(),
                uses_demo_store(&resolve_source(&cli, paths.as_ref()), paths.as_ref(), false),
            );
            crate::cli::output::print_text(&crate::cli::history::releases(&store, Utc::now()));
            Ok(0)
        }
        Some(CliCommand::History { release, json }) => {
            let store = release_store(
                paths.as_ref(),
                uses_demo_store(&resolve_source(&cli, paths.as_ref()), paths.as_ref(), false),
            );
            match crate::cli::history::history(&store, release.as_deref(), *json) {
                Ok(text) if *json => {
                    crate::cli::output::print_json(&text);
                    Ok(0)
                }
                Ok(text) => {
                    crate::cli::output::print_text(&text);
                    Ok(0)
                }
                Err(error) => {
                    eprintln!(
                        "error: {}",
                        crate::cli::output::strip_controls(&error.to_string())
                    );
                    Ok(1)
                }
            }
        }
        Some(CliCommand::Calendar(args)) => Ok(calendar_command(&cli, args, paths.as_ref())),
        Some(CliCommand::Status { json, strict }) => {
            Ok(status_command(&cli, *json, *strict, paths.as_ref()))
        }
        Some(CliCommand::Metrics(args)) => {
            Ok(commands::metrics_command(&cli, args, paths.as_ref()))
        }
        Some(CliCommand::Watch(args)) => Ok(commands::watch_command(&cli, args, paths.as_ref())),
        Some(CliCommand::Step(args)) => Ok(headless::step_command(&cli, args, paths.as_ref())),
        Some(CliCommand::Deploy(args)) => Ok(headless::deploy_command(&cli, args, paths.as_ref())),
        Some(CliCommand::Rollback(args)) => {
            Ok(headless::rollback_command(&cli, args, paths.as_ref()))
        }
        Some(CliCommand::Notes(args)) => Ok(git_command(&cli, paths.as_ref(), |repos| {
            crate::cli::git::notes(repos, args, Utc::now().date_naive())
        })),
        Some(CliCommand::Version(args)) => Ok(git_command(&cli, paths.as_ref(), |repos| {
            crate::cli::git::version(repos, args)
        })),
        Some(CliCommand::Notify(args)) => Ok(notify::command(&cli, args, paths.as_ref())),
        Some(CliCommand::Sandbox(args)) => match async_runtime() {
            Ok(runtime) => Ok(crate::cli::sandbox::run(args, paths.as_ref(), &runtime)),
            Err(error) => {
                eprintln!("error: cannot start the async runtime: {error}");
                Ok(1)
            }
        },
        Some(CliCommand::Demo { speed }) => {
            let source = ConfigSource::Demo {
                reason: "started with `demo`".to_owned(),
            };
            cockpit(&cli, source, paths, true, *speed, None)
        }
        Some(CliCommand::Replay(args)) => {
            // A replay writes nothing: the state dir stays as it is.
            let mut cli = cli.clone();
            cli.read_only = true;
            let source = resolve_source(&cli, paths.as_ref());
            cockpit(&cli, source, paths, false, 1, Some(args))
        }
        None => {
            let source = resolve_source(&cli, paths.as_ref());
            cockpit(&cli, source, paths, false, 1, None)
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
    playbooks: PlaybookLibrary,
    /// The playbooks and templates read beside the config file.
    process: ProcessDir,
}

fn prepare(
    source: ConfigSource,
    paths: Option<&Paths>,
    cli_theme: Option<&str>,
) -> Result<Prepared, ConfigErrors> {
    let themes_dir = paths.map(Paths::themes_dir);
    let process = source.process_dir(paths);
    let loaded = source.load()?;
    let themes = ThemeSet::load(themes_dir.as_deref())?;
    let mut playbooks = PlaybookLibrary::load(process.playbooks.as_deref())?;
    if matches!(loaded.source, ConfigSource::Demo { .. }) {
        playbooks.add_demo()?;
    }
    let mut settings = loaded.settings(&themes.names())?;
    loaded.check_train_playbooks(&playbooks.names(), process.playbooks.as_deref())?;
    settings.repos.templates = crate::config::repos::note_templates(
        process.templates.as_deref(),
        !settings.repos.components.is_empty(),
    )?;
    playbooks.check_components(&settings.repos)?;
    playbooks.check_channels(&settings.channels)?;
    settings.messages = crate::config::message_templates::load(process.templates.as_deref())?;
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
        playbooks,
        process,
    })
}

fn cockpit(
    cli: &Cli,
    source: ConfigSource,
    paths: Option<Paths>,
    demo_requested: bool,
    speed: u32,
    replay: Option<&crate::cli::args::ReplayArgs>,
) -> color_eyre::Result<i32> {
    let described = source.describe();
    let prepared = match prepare(source, paths.as_ref(), cli.theme.as_deref()) {
        Ok(mut prepared) => {
            if matches!(prepared.loaded.source, ConfigSource::Demo { .. }) {
                crate::demo::cluster::speed_up(&mut prepared.settings, speed);
                // The demo's repository, made on its first run (never under
                // --read-only: the state dir stays as it is).
                let dir = targets_state_dir(paths.as_ref(), true);
                prepared.settings.channels = crate::demo::channels(&dir);
                if (!cli.read_only || git2::Repository::open(dir.join("repo")).is_ok())
                    && let Some(repos) = crate::demo::repo::prepare(&dir)
                {
                    prepared.settings.repos = repos;
                }
            }
            prepared
        }
        Err(errors) => {
            eprintln!(
                "{}",
                crate::cli::output::strip_controls(&errors.to_string())
            );
            return Ok(EXIT_CONFIG);
        }
    };
    start_logging(cli, paths.as_ref(), &prepared.settings);
    tracing::info!(config = %described, version = env!("CARGO_PKG_VERSION"), "starting");

    let zone = prepared.settings.zone.unwrap_or_else(system_zone);
    let demo = uses_demo_store(&prepared.loaded.source, paths.as_ref(), demo_requested);
    let store = release_store(paths.as_ref(), demo);
    let runtime = async_runtime().wrap_err("starting the async runtime")?;
    // `[share]`: what the team's cluster has that this machine has not, first.
    let share = prepared
        .settings
        .share
        .clone()
        .filter(|_| !demo && replay.is_none());
    let cluster = share
        .as_ref()
        .map(|settings| runtime.block_on(share::connect(settings)));
    // A mirror that cannot be read is as bad as no cluster: this machine's
    // copy may be behind, and a writer here would hand out numbers twice.
    let cluster = cluster.map(|reached| {
        reached.and_then(
            |cluster| match runtime.block_on(share::copy_releases(&cluster, &store)) {
                Ok(copied) => {
                    tracing::info!(copied, "lines copied from the cluster's mirrors");
                    Ok(cluster)
                }
                Err(why) => Err(why),
            },
        )
    });

    let mut replayed = None;
    let current = match replay {
        Some(args) => match crate::session::open::release_from_start(&store, &args.release) {
            Ok((checklist, records)) => {
                replayed = Some(crate::app::replay::Replay::new(
                    records,
                    checklist.started_at,
                    args.speed,
                ));
                Current {
                    checklist: Some(checklist),
                    journal: None,
                    lock: None,
                    follow: None,
                    notice: None,
                }
            }
            Err(error) => {
                eprintln!(
                    "error: {}; fix: `release-cockpit releases` lists them",
                    crate::cli::output::strip_controls(&error.to_string())
                );
                return Ok(EXIT_USAGE);
            }
        },
        None => open_current(&store, &prepared.playbooks, demo, cli.read_only, zone),
    };
    // After the demo's release is started above, so that the calendar knows it.
    let calendar = crate::session::calendar_setup::load_calendar(&prepared.settings, &store);
    let start_notice = start_notice(&current, zone).or(calendar.problem);
    let mut model = Model::new(
        model_settings(cli, &prepared, zone, calendar.calendar, calendar.releases),
        Utc::now(),
    );
    if let Some(text) = start_notice {
        model.announce(crate::app::dialogs::notices::NoticeLevel::Warning, text);
    }
    if let Some(checklist) = current.checklist {
        let remembered = store
            .view_path(&checklist.release.id)
            .map(|path| runtime::view_file::read(&path))
            .unwrap_or_default();
        model.show_release(checklist);
        model.restore(&remembered);
    }
    if let Some(follow) = &current.follow {
        // Following a writer makes the session read-only by itself (and
        // writable again when the writer is gone and this one takes over);
        // with no writer to follow (`--read-only`, a journal this build may
        // not write) it is read-only for good.
        if follow.writer.is_none() {
            model.operator.read_only = true;
        }
        model.operator.following = follow.writer.clone();
    }
    crate::app::actions::rollback::release_opened(&mut model);

    let mut targets = prepared.settings.targets.clone();
    let mut signals = prepared.settings.signals.clone();
    if let Some(replay) = replayed {
        // The journal's day, not today's readings: nothing live is read.
        model.operator.read_only = true;
        model.clock.now = replay.at;
        model.notice = Some(format!(
            "replaying {}: {} lines at ×{}; P pauses, . shows the next line, + and - change speed",
            model.release_id().unwrap_or_default(),
            replay.total(),
            replay.speed
        ));
        model.replay = Some(replay);
        targets = crate::config::Targets::default();
        signals.clear();
    }
    let chart_range = prepared.settings.health.chart;
    let incidents = incident_files(&prepared, paths.as_ref());
    let demo_world =
        matches!(prepared.loaded.source, ConfigSource::Demo { .. }) && model.replay.is_none();
    let state_dir = targets_state_dir(paths.as_ref(), demo_world);
    let demo_files = DemoFiles::new(paths.as_ref(), &store, cli.read_only);
    let (mut journal, mut lock, mut follow) = (current.journal, current.lock, current.follow);
    let read_only = cli.read_only;
    let playbooks = prepared.playbooks.clone();
    let operator = model.operator.name.clone();
    let themes = if no_color_requested() {
        prepared.themes.without_color()
    } else {
        prepared.themes
    };
    let options = LoopOptions {
        exit_after_first_frame: cli.exit_after_first_frame,
        ..LoopOptions::default()
    };
    let scratch = demo_files.scratch.clone();
    let code = runtime.block_on(async move {
        let (mailbox_tx, mailbox) = tokio::sync::mpsc::unbounded_channel();
        runtime::signals::forward_termination(mailbox_tx.clone())
            .wrap_err("installing signal handlers")?;
        #[cfg(debug_assertions)]
        debug_panic_on_request();
        // Served before the terminal is taken, so a failure prints plainly.
        let _sandbox = if demo_world {
            match crate::demo::cluster::start(
                &mut targets.kubernetes,
                &mut signals,
                demo_files.kubeconfig,
                &operator,
                speed,
                &demo_files.claim,
                true,
            )
            .await
            {
                Ok(sandbox) => Some(sandbox),
                Err(problem) => {
                    model.notice = Some(problem.to_string());
                    None
                }
            }
        } else {
            None
        };
        let mut target_set = runtime::targets::TargetSet::new(
            targets,
            crate::adapters::kubernetes::Clients::default(),
            state_dir,
        );
        target_set.spawn_watches(&mailbox_tx);
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
        let joined = match (&share, &cluster) {
            (Some(settings), Some(cluster)) => Some(
                share::join(
                    cluster,
                    settings,
                    &store,
                    &mut journal,
                    &mut lock,
                    &mut follow,
                    &mut model,
                    format!("{operator}@{}", crate::session::lock::holder_name()),
                    &mailbox_tx,
                )
                .await,
            ),
            _ => None,
        };
        let mut effects = Runner::new(
            mailbox_tx.clone(),
            operator,
            journal.map(|journal| Writer { journal, lock }),
            store,
            playbooks,
        );
        if let Ok((width, _)) = crossterm::terminal::size() {
            effects.run(crate::app::Effect::ChartColumns(width));
        }
        runtime::health::spawn_polls(signals, chart_range, effects.chart_columns(), &mailbox_tx);
        effects.set_targets(target_set);
        effects.set_incidents(incidents);
        effects.set_read_only(read_only);
        if let Some(joined) = joined {
            effects.set_share(joined);
        }
        if let Some(follow) = follow {
            effects.start_following(follow);
        }
        // What the repositories say of the release opened (its flags and
        // notes preview), as a release opened later reads them.
        if let Some(read) = crate::app::actions::versions::read_for_release(&mut model) {
            effects.run(read);
        }
        // How the other releases ended, for the calendar.
        effects.run(crate::app::Effect::ReadReleases);
        let result = run_loop(
            &mut terminal,
            &mut runtime::terminal::Crossterm,
            &mut effects,
            sources,
            &mut model,
            &themes,
            &options,
        )
        .await;
        drop(mailbox_tx);
        drop(guard);
        // A clean exit gives the Lease up (once the cluster has every line):
        // another machine need not wait.
        effects.leave_share().await;
        drop(effects);
        result
    })?;
    if let Some(scratch) = scratch {
        let _ = std::fs::remove_dir_all(scratch);
    }
    let _ = stdout().flush();
    tracing::info!(code, "exiting");
    Ok(code)
}

/// The process's async runtime: every subcommand that needs one builds it
/// here, once. Two workers carry the loop's tasks, the polls and the sandbox.
pub(crate) fn async_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// The log file, unless `--read-only` (which writes nothing under the state
/// dir, not even the log) or there is no state dir.
fn start_logging(cli: &Cli, paths: Option<&Paths>, settings: &Settings) {
    let Some(paths) = paths.filter(|_| !cli.read_only) else {
        return;
    };
    let log_file = paths.log_file();
    if let Err(error) = logging::init(
        &log_file,
        cli.log_level.as_deref(),
        settings.log_level.as_deref(),
    ) {
        eprintln!(
            "warning: cannot write the log file {}: {error}",
            log_file.display()
        );
    }
}

/// What the status bar says first: a deploy or rollback the last run left
/// without an outcome, or a declared incident without its report, else what
/// opening the release said.
fn start_notice(current: &Current, zone: Tz) -> Option<String> {
    let interrupted = current
        .checklist
        .as_ref()
        .and_then(|c| c.deploy_in_flight.as_ref())
        .map(|d| {
            format!(
                "no recorded outcome for the deploy of {} (the cockpit stopped mid-deploy; requested by {} at {}): the Rollout pane shows what the cluster runs now",
                d.what,
                d.by,
                display_time::full(d.at, zone)
            )
        });
    let rollback_cut_off = current
        .checklist
        .as_ref()
        .and_then(|c| c.rollback.as_ref())
        .filter(|r| r.in_flight())
        .map(|r| {
            format!(
                "no recorded outcome for some items of a rollback (the cockpit stopped mid-rollback; started by {} at {}): the Rollout pane shows what the cluster runs now; R shows the rollback",
                r.by,
                display_time::full(r.at, zone)
            )
        });
    let unreported = current
        .checklist
        .as_ref()
        .and_then(|c| crate::app::actions::incident::unreported(c, zone));
    interrupted
        .or(rollback_cut_off)
        .or(unreported)
        .or_else(|| current.notice.clone())
}

/// Where the cockpit keeps its state: command targets' ledgers, run logs.
fn state_dir(paths: Option<&Paths>) -> std::path::PathBuf {
    paths.map_or_else(
        || std::env::temp_dir().join("release-cockpit"),
        |p| p.state_dir.clone(),
    )
}

/// Where incident reports go: `[rollback] incidents`, else the state dir's
/// `incidents`; a team's templates beside the config file.
/// Where command targets keep their ledgers and run logs: the demo's with
/// the demo's journals, apart from real ones.
fn targets_state_dir(paths: Option<&Paths>, demo: bool) -> std::path::PathBuf {
    let dir = state_dir(paths);
    if demo { dir.join("demo") } else { dir }
}

fn incident_files(
    prepared: &Prepared,
    paths: Option<&Paths>,
) -> crate::runtime::rollback::IncidentFiles {
    crate::runtime::rollback::IncidentFiles {
        dir: prepared
            .settings
            .rollback
            .incidents
            .clone()
            .unwrap_or_else(|| state_dir(paths).join("incidents")),
        templates: prepared.process.templates.clone(),
    }
}

/// The demo world's files: its kubeconfig, the claim that says who serves
/// it, and under `--read-only` a scratch dir removed at exit.
struct DemoFiles {
    kubeconfig: std::path::PathBuf,
    claim: std::path::PathBuf,
    scratch: Option<std::path::PathBuf>,
}

impl DemoFiles {
    fn new(paths: Option<&Paths>, store: &ReleaseStore, read_only: bool) -> Self {
        let kubeconfig = match paths.filter(|_| !read_only) {
            Some(paths) => paths.state_dir.join("demo").join("kubeconfig"),
            // Read-only: the state dir stays as it is; the file goes with the process.
            None => std::env::temp_dir()
                .join(format!("release-cockpit-{}", std::process::id()))
                .join("kubeconfig"),
        };
        let scratch = kubeconfig
            .parent()
            .filter(|_| read_only)
            .map(std::path::Path::to_path_buf);
        // Read-only joins the world a writer serves when there is a claim to
        // read, and otherwise serves its own, claimed in the scratch dir, not
        // the store.
        let claim = match &scratch {
            Some(scratch) if !store.dir().join(crate::demo::cluster::CLAIM_FILE).exists() => {
                scratch.join(crate::demo::cluster::CLAIM_FILE)
            }
            _ => store.dir().join(crate::demo::cluster::CLAIM_FILE),
        };
        Self {
            kubeconfig,
            claim,
            scratch,
        }
    }
}

/// What the model starts from: the session at the keyboard and the
/// configuration, with the calendar as loaded.
fn model_settings(
    cli: &Cli,
    prepared: &Prepared,
    zone: Tz,
    calendar: crate::domain::calendar::Calendar,
    releases: Vec<crate::app::panes::calendar::KnownRelease>,
) -> ModelSettings {
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
    ModelSettings {
        operator: Operator {
            name: operator_name(settings),
            read_only: cli.read_only,
            origin,
            roles: settings.roles.clone(),
            following: None,
            remote_writer: None,
            viewing: false,
        },
        keymap: settings.keymap.clone(),
        themes: Themes {
            names: prepared.themes.names(),
            current: settings.theme.unwrap_or(0),
        },
        zone,
        calendar,
        releases,
        targets: settings
            .targets
            .kubernetes
            .iter()
            .map(|t| TargetSpec {
                name: t.name.clone(),
                image: t.image.clone(),
                environment: t.environment.clone(),
                commands: None,
            })
            .chain(settings.targets.command.iter().map(|t| TargetSpec {
                name: t.name.clone(),
                image: t.templates.image.clone(),
                environment: Some(t.environment.clone()),
                commands: Some(t.templates.clone()),
            }))
            .chain(settings.targets.docker.iter().map(|t| TargetSpec {
                name: t.name.clone(),
                image: t.image.clone(),
                environment: Some(t.environment.clone()),
                commands: None,
            }))
            .collect(),
        signals: settings.signals.clone(),
        chart: settings.health.chart,
        rollback: settings.rollback.clone(),
        incident: settings.incident.clone(),
        repos: settings.repos.clone(),
        messages: settings.messages.clone(),
        channels: settings.channels.clone(),
        alert_routes: settings.alert_routes.clone(),
        delivery: settings.delivery.clone(),
    }
}

/// Who is at the keyboard: the config's name, else `$USER`/`$LOGNAME`.
fn operator_name(settings: &Settings) -> String {
    settings
        .operator
        .clone()
        .or_else(|| {
            ["USER", "LOGNAME"]
                .iter()
                .find_map(|var| std::env::var(var).ok().filter(|u| !u.is_empty()))
        })
        .unwrap_or_else(|| "unknown operator".to_owned())
}

/// The demo keeps its journals apart. It is used with no config file while no
/// real release exists (or when asked for with `demo`).
fn uses_demo_store(source: &ConfigSource, paths: Option<&Paths>, demo_requested: bool) -> bool {
    demo_requested
        || (matches!(source, ConfigSource::Demo { .. })
            && release_store(paths, false).list().is_empty())
}

/// Where release journals go: the state dir, or a separate one for the demo.
fn release_store(paths: Option<&Paths>, demo: bool) -> ReleaseStore {
    let dir = match paths {
        Some(paths) if demo => paths.demo_releases_dir(),
        Some(paths) => paths.releases_dir(),
        None => std::env::temp_dir().join("release-cockpit").join(if demo {
            "demo"
        } else {
            "releases"
        }),
    };
    ReleaseStore::new(dir)
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
