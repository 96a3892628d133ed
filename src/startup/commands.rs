//! The subcommands that print and exit: `calendar`, `check-config`, `info`,
//! `status` and `start`. They load the config as the cockpit does and never
//! touch the terminal.

use super::*;
use crate::cli::output::{print_json, print_text};

/// The config prepared, or its errors printed: the exit code to return.
pub(super) fn prepared_or_said(
    source: ConfigSource,
    paths: Option<&Paths>,
) -> Result<Prepared, i32> {
    prepare(source, paths, None).map_err(|errors| {
        eprintln!(
            "{}",
            crate::cli::output::strip_controls(&errors.to_string())
        );
        EXIT_CONFIG
    })
}

pub(super) fn calendar_command(cli: &Cli, args: &CalendarArgs, paths: Option<&Paths>) -> i32 {
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let (from, to) = match (day(&args.from, "--from"), day(&args.to, "--to")) {
        (Ok(from), Ok(to)) => {
            let from = from.unwrap_or_else(|| {
                Utc::now()
                    .date_naive()
                    .and_time(chrono::NaiveTime::MIN)
                    .and_utc()
            });
            (from, to.unwrap_or(from + chrono::Duration::days(90)))
        }
        (Err(error), _) | (_, Err(error)) => {
            eprintln!(
                "error: {}",
                crate::cli::output::strip_controls(&error.to_string())
            );
            return EXIT_USAGE;
        }
    };
    if to <= from {
        eprintln!("error: --to must be after --from");
        return EXIT_USAGE;
    }
    let store = release_store(paths, demo);
    let loaded = crate::session::calendar_setup::load_calendar(&prepared.settings, &store);
    if let Some(problem) = &loaded.problem {
        eprintln!("warning: {}", crate::cli::output::strip_controls(problem));
    }
    if loaded.calendar.trains.is_empty() {
        eprintln!(
            "no release trains are configured in {}: add [[train]] tables (see config.example.toml)",
            prepared.loaded.source.describe()
        );
        return 1;
    }
    let occurrences = loaded.calendar.occurrences(from, to);
    if args.ics {
        print_text(&crate::cli::calendar::ics(
            &loaded.calendar,
            &occurrences,
            Utc::now(),
        ));
    } else if args.json {
        print_json(&crate::cli::calendar::json_lines(&occurrences));
    } else {
        print_text(&crate::cli::calendar::text(&occurrences));
    }
    0
}

/// A `--from` or `--to` that is not a date.
#[derive(Debug)]
struct BadDate {
    flag: &'static str,
    text: String,
    cause: chrono::ParseError,
}

impl std::fmt::Display for BadDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} `{}` is not a date like 2026-12-01: {}",
            self.flag, self.text, self.cause
        )
    }
}

/// The start of the day `text` names, in UTC, if given.
fn day(text: &Option<String>, flag: &'static str) -> Result<Option<DateTime<Utc>>, BadDate> {
    text.as_deref()
        .map(|t| {
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
                .map_err(|cause| BadDate {
                    flag,
                    text: t.to_owned(),
                    cause,
                })
        })
        .transpose()
}

pub(super) fn check_config(source: ConfigSource, paths: Option<&Paths>) -> i32 {
    let described = source.describe();
    match prepare(source, paths, None) {
        Ok(prepared) => {
            let (errors, notes) = crate::cli::check_config::check(
                &prepared.loaded,
                &prepared.settings.signals,
                async_runtime,
            );
            let (gating, unmarked) = prepared.playbooks.gating_report();
            for note in notes.into_iter().chain(unmarked) {
                eprintln!("note: {note}");
            }
            if errors.is_empty() {
                let mut out = format!("ok: {described}\n");
                for line in gating {
                    out.push_str(&line);
                    out.push('\n');
                }
                print_text(&out);
                0
            } else {
                eprintln!(
                    "{}",
                    crate::cli::output::strip_controls(&ConfigErrors(errors).to_string())
                );
                EXIT_CONFIG
            }
        }
        Err(errors) => {
            eprintln!(
                "{}",
                crate::cli::output::strip_controls(&errors.to_string())
            );
            EXIT_CONFIG
        }
    }
}

pub(super) fn print_info(cli: &Cli, paths: Option<&Paths>) {
    print_text(&info_text(cli, paths));
}

fn info_text(cli: &Cli, paths: Option<&Paths>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "release-cockpit {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        out,
        "config in use:  {}",
        resolve_source(cli, paths).describe()
    );
    let Some(paths) = paths else {
        let _ = writeln!(
            out,
            "no home directory found: config, state and logs have no default location"
        );
        return out;
    };
    let exists = |p: &std::path::Path| if p.exists() { "" } else { " (not present)" };
    // The playbooks and templates of the config in use: beside its file.
    let process = resolve_source(cli, Some(paths)).process_dir(Some(paths));
    let playbooks_dir = process.playbooks.unwrap_or_else(|| paths.playbooks_dir());
    let templates_dir = process
        .templates
        .unwrap_or_else(|| paths.config_dir.join("templates"));
    let rows = [
        ("config file", paths.default_config_file()),
        ("config dir", paths.config_dir.clone()),
        ("themes dir", paths.themes_dir()),
        ("playbooks dir", playbooks_dir.clone()),
        ("templates dir", templates_dir),
        ("state dir", paths.state_dir.clone()),
        ("log file", paths.log_file()),
    ];
    for (label, path) in rows {
        let _ = writeln!(
            out,
            "{:<15} {}{}",
            format!("{label}:"),
            path.display(),
            exists(&path)
        );
    }
    let builtin = ThemeSet::builtin()
        .map(|t| t.names().join(", "))
        .unwrap_or_default();
    let _ = writeln!(out, "built-in themes: {builtin}");
    let playbooks = PlaybookLibrary::load(Some(&playbooks_dir))
        .map(|l| l.names().join(", "))
        .unwrap_or_else(|e| format!("(errors: run check-config)\n{e}"));
    let _ = writeln!(out, "playbooks:      {playbooks}");
    let _ = writeln!(
        out,
        "releases:       {} ({} journals)",
        paths.releases_dir().display(),
        ReleaseStore::new(paths.releases_dir()).list().len()
    );
    let _ = writeln!(
        out,
        "environment:    {CONFIG_ENV} names a config file; NO_COLOR=1 turns colour off; RUST_LOG sets log levels"
    );
    out
}

/// `release-cockpit status`: everything read once; see `cli::status`.
pub(super) fn status_command(cli: &Cli, json: bool, strict: bool, paths: Option<&Paths>) -> i32 {
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let store = release_store(paths, demo);
    // Read-only: the baselines journaled by the cockpit that writes it.
    let current = open_current(&store, &prepared.playbooks, false, true, chrono_tz::UTC);
    let checklist = current.checklist;
    let baseline = |name: &str| checklist.as_ref().and_then(|c| c.baseline(name));
    let runtime = match async_runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return crate::cli::status::EXIT_ERROR;
        }
    };
    let mut targets = prepared.settings.targets.clone();
    let mut signals = prepared.settings.signals.clone();
    let demo_world = matches!(prepared.loaded.source, ConfigSource::Demo { .. });
    let report = runtime.block_on(async {
        let kubeconfig =
            std::env::temp_dir().join(format!("release-cockpit-status-{}", std::process::id()));
        let _sandbox = if demo_world {
            joined_demo_world(&mut targets, &mut signals, &kubeconfig, &store, "status").await
        } else {
            None
        };
        let report = crate::cli::status::gather(
            targets,
            &super::targets_state_dir(paths, demo_world),
            signals,
            prepared.settings.health.chart,
            baseline,
            checklist.as_ref().is_some_and(|c| c.last_deploy.is_some()),
        )
        .await;
        let _ = std::fs::remove_file(&kubeconfig);
        report
    });
    if json {
        print_json(&crate::cli::status::json(&report, strict));
    } else {
        print_text(&crate::cli::status::text(&report));
    }
    crate::cli::status::exit_code(&report, strict)
}

/// `release-cockpit start`: writes the release's first journal line.
pub(super) fn start_command(cli: &Cli, args: &StartArgs, paths: Option<&Paths>) -> i32 {
    if cli.read_only {
        eprintln!(
            "error: `start` writes a new release's journal, and --read-only writes nothing; fix: run it without --read-only"
        );
        return EXIT_USAGE;
    }
    let prepared = match prepare(resolve_source(cli, paths), paths, None) {
        Ok(prepared) => prepared,
        Err(errors) => {
            eprintln!(
                "{}",
                crate::cli::output::strip_controls(&errors.to_string())
            );
            return EXIT_CONFIG;
        }
    };
    let zone = prepared.settings.zone.unwrap_or_else(system_zone);
    let new = match new_release(args, zone) {
        Ok(new) => new,
        Err(error) => {
            eprintln!(
                "error: {}",
                crate::cli::output::strip_controls(&error.to_string())
            );
            return EXIT_CONFIG;
        }
    };
    let store = release_store(paths, false);
    let operator = operator_name(&prepared.settings);
    match start_release(&store, &prepared.playbooks, &new, &operator, Utc::now()) {
        Ok(opened) => {
            let release = &opened.checklist.release;
            print_text(&format!(
                "started {} ({} {}, {} playbook), T-0 {}\n",
                release.id,
                release.kind,
                release.version,
                release.playbook,
                release.t0_local().format("%Y-%m-%d %H:%M %Z")
            ));
            print_text(&format!("journal: {}\n", opened.journal.path().display()));
            0
        }
        Err(error) => {
            eprintln!(
                "error: {}",
                crate::cli::output::strip_controls(&error.to_string())
            );
            EXIT_CONFIG
        }
    }
}

/// The release `start`'s flags describe; T-0 in `zone` unless it names one.
fn new_release(args: &StartArgs, zone: Tz) -> Result<NewRelease, NewReleaseError> {
    let (t0, zone) = parse_t0(&args.at, zone)?;
    let (components, rest) = crate::domain::release::take_components(&args.components.join(" "))?;
    if let Some(word) = rest.split_whitespace().next() {
        return Err(NewReleaseError::Component(word.to_owned()));
    }
    Ok(NewRelease {
        kind: args.kind.parse()?,
        version: parse_version(&args.version)?,
        t0,
        zone,
        name: args.name.clone(),
        playbook: args.playbook.clone(),
        components,
    })
}

/// `notes` and `version`: the config's repos, then `run`; its text on
/// stdout, or its error on stderr with exit 1.
pub(super) fn git_command(
    cli: &Cli,
    paths: Option<&Paths>,
    run: impl FnOnce(&crate::config::repos::Repos) -> Result<String, String>,
) -> i32 {
    let source = resolve_source(cli, paths);
    let prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    match run(&prepared.settings.repos) {
        Ok(text) if text.trim_start().starts_with('{') => {
            print_json(&text);
            println!();
            0
        }
        Ok(text) => {
            print_text(&text);
            0
        }
        Err(error) => {
            eprintln!("error: {}", crate::cli::output::strip_controls(&error));
            1
        }
    }
}

/// `metrics`: the figures over `--since` (or `[metrics] window`) up to
/// `--until` (or now), from every journal of the store.
pub(super) fn metrics_command(
    cli: &Cli,
    args: &crate::cli::args::MetricsArgs,
    paths: Option<&Paths>,
) -> i32 {
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let settings = &prepared.settings.delivery;
    let window = match args.since.as_deref() {
        None => settings.window,
        Some(text) => match positive_duration(text, "--since", "90d") {
            Ok(window) => window,
            Err(code) => return code,
        },
    };
    let until = match day(&args.until, "--until") {
        Ok(Some(until)) if !(1970..=9999).contains(&chrono::Datelike::year(&until)) => {
            eprintln!("error: --until: a day between 1970 and 9999, e.g. 2026-12-01");
            return EXIT_USAGE;
        }
        Ok(until) => until.unwrap_or_else(Utc::now),
        Err(error) => {
            eprintln!(
                "error: {}",
                crate::cli::output::strip_controls(&error.to_string())
            );
            return EXIT_USAGE;
        }
    };
    let store = release_store(paths, demo);
    let (facts, unreadable) = crate::session::delivery::release_facts(&store);
    let Some(since) = until.checked_sub_signed(window) else {
        eprintln!("error: --since reaches before the first day there is");
        return EXIT_USAGE;
    };
    let figures = crate::domain::delivery::figures(&facts, settings, since, until);
    for problem in &unreadable {
        eprintln!(
            "note: not counted, unreadable: {}",
            crate::cli::output::strip_controls(problem)
        );
    }
    if args.json {
        let value = crate::cli::metrics::json(&figures, &unreadable);
        print_json(&format!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        ));
    } else {
        print_text(&crate::cli::metrics::text(&figures));
    }
    0
}

/// The demo's cluster for a subcommand that reads it (`status`, `watch`):
/// joined, or served by this process while it runs; its targets and
/// signals pointed at it. `None`, with a warning, when it cannot be.
async fn joined_demo_world(
    targets: &mut crate::config::Targets,
    signals: &mut [crate::domain::health::Signal],
    kubeconfig: &std::path::Path,
    store: &ReleaseStore,
    operator: &str,
) -> Option<crate::demo::cluster::DemoWorld> {
    crate::demo::cluster::start(
        &mut targets.kubernetes,
        signals,
        kubeconfig.to_path_buf(),
        operator,
        1,
        &store.dir().join(crate::demo::cluster::CLAIM_FILE),
        false,
    )
    .await
    .map_err(|problem| {
        eprintln!(
            "warning: {}",
            crate::cli::output::strip_controls(&problem.to_string())
        )
    })
    .ok()
}

/// `watch`: until the release's rollouts are complete and every signal has
/// held for `[rollback] verify`, or something fails, or `--timeout`.
pub(super) fn watch_command(
    cli: &Cli,
    args: &crate::cli::args::WatchArgs,
    paths: Option<&Paths>,
) -> i32 {
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let timeout = match positive_duration(&args.timeout, "--timeout", "30m") {
        Ok(timeout) => timeout,
        Err(code) => return code,
    };
    let store = release_store(paths, demo);
    let checklist = match &args.release {
        Some(id) => match crate::session::open_release_read_only(&store, id) {
            Ok(read) => Some(read.checklist),
            Err(error) => {
                eprintln!(
                    "error: release {}: {}",
                    crate::cli::output::strip_controls(id),
                    crate::cli::output::strip_controls(&error.to_string())
                );
                return crate::cli::watch::EXIT_ERROR;
            }
        },
        None => open_current(&store, &prepared.playbooks, false, true, chrono_tz::UTC).checklist,
    };
    let last = checklist.as_ref().and_then(|c| c.deploys.last());
    if let (Some(run), Some(rollback)) =
        (last, checklist.as_ref().and_then(|c| c.rollback.as_ref()))
        && rollback.at >= run.at
    {
        println!("failed: the release was rolled back after its last deploy");
        return crate::cli::watch::EXIT_FAILED;
    }
    let deployed = last.map(|r| r.targets.clone()).unwrap_or_default();
    let baselines = checklist
        .as_ref()
        .map(|c| {
            c.baselines
                .iter()
                .filter_map(|(k, v)| v.map(|n| (k.clone(), n.0)))
                .collect()
        })
        .unwrap_or_default();
    let runtime = match async_runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return crate::cli::watch::EXIT_ERROR;
        }
    };
    let mut targets = prepared.settings.targets.clone();
    let mut signals = prepared.settings.signals.clone();
    let demo_world = matches!(prepared.loaded.source, ConfigSource::Demo { .. });
    runtime.block_on(async {
        let kubeconfig =
            std::env::temp_dir().join(format!("release-cockpit-watch-{}", std::process::id()));
        let _sandbox = if demo_world {
            joined_demo_world(&mut targets, &mut signals, &kubeconfig, &store, "watch").await
        } else {
            None
        };
        let plan = crate::cli::watch::Watch {
            targets,
            state_dir: super::targets_state_dir(paths, demo_world),
            signals,
            chart: prepared.settings.health.chart,
            verify: prepared.settings.rollback.verify,
            timeout,
            deployed,
            baselines,
        };
        let code = crate::cli::watch::watch(plan, |line| {
            print_text(&format!("{}\n", line));
        })
        .await;
        let _ = std::fs::remove_file(&kubeconfig);
        code
    })
}

/// A flag's duration, longer than nothing; else the usage error, said.
pub(super) fn positive_duration(
    text: &str,
    flag: &str,
    example: &str,
) -> Result<chrono::Duration, i32> {
    match crate::domain::offset::parse_duration(text) {
        Ok(d) if d > chrono::Duration::zero() => Ok(d),
        Ok(_) => {
            eprintln!("error: {flag} must be longer than nothing, e.g. {example}");
            Err(EXIT_USAGE)
        }
        Err(error) => {
            eprintln!(
                "error: {flag}: {}",
                crate::cli::output::strip_controls(&error.0)
            );
            Err(EXIT_USAGE)
        }
    }
}
