//! What the cockpit's keys do, for scripts and CI, by the same rules:
//! `step`, `deploy` and `rollback`. The release is opened as its writer
//! (refused while a cockpit writes it, naming it), a model is built as the
//! cockpit builds it, the command runs through the pure core, and each line
//! it journals is appended (synced) before the next is asked. What needs a
//! dialog's answer asks for `--yes`.

mod deploy;
mod rollback;
mod step;

pub(super) use deploy::deploy_command;
pub(super) use rollback::rollback_command;
pub(super) use step::step_command;

use super::commands::prepared_or_said;
use super::*;
use crate::app::Model;
use crate::app::effect::Effect;
use crate::app::msg::Msg;
use crate::cli::output::strip_controls;
use crate::startup::Prepared;

/// The step was done (or was already).
const EXIT_DONE: i32 = 0;
/// The rules refused it: it stays as it was.
const EXIT_REFUSED: i32 = 1;

/// A release opened as its writer, with a model showing it. Its lock is
/// held while the caller keeps this.
struct Writer {
    model: Model,
    journal: Guarded,
    zone: chrono_tz::Tz,
    _lock: Option<crate::session::lock::ReleaseLock>,
}

/// The release's journal, and under `[share]` its Lease: a line is
/// appended only while the Lease is held.
struct Guarded {
    journal: crate::session::journal::Journal,
    // Dropped after the journal's last line: mirrored, then given up.
    share: Option<super::share::HeadlessShare>,
}

impl Guarded {
    fn append(
        &mut self,
        operator: &str,
        at: chrono::DateTime<Utc>,
        event: crate::domain::events::Event,
    ) -> Result<crate::domain::events::Recorded, String> {
        if let Some(why) = self.share.as_ref().and_then(|s| s.lost()) {
            return Err(format!("this command no longer writes the release: {why}"));
        }
        self.journal
            .append(operator, at, event)
            .map_err(|e| e.to_string())
    }

    fn path(&self) -> &std::path::Path {
        self.journal.path()
    }
}

/// What every headless command starts with: refused `--read-only` (`what`
/// says why), the config prepared, and the release opened as its writer;
/// or the exit code, said.
fn as_writer(
    cli: &Cli,
    paths: Option<&Paths>,
    release: Option<&str>,
    what: &str,
) -> Result<((Prepared, bool), Writer), i32> {
    if cli.read_only {
        eprintln!("error: --read-only: {what}; fix: run it without --read-only");
        return Err(EXIT_USAGE);
    }
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let prepared = prepared_or_said(source, paths)?;
    // `[share]`: what the cluster has of the releases, before one is opened.
    let shared = match prepared.settings.share.as_ref().filter(|_| !demo) {
        Some(settings) => {
            match super::share::headless_connect(settings, &release_store(paths, demo)) {
                Ok(connected) => Some((settings.clone(), connected)),
                Err(why) => {
                    eprintln!(
                        "error: the cluster releases are shared through: {}; without its Lease nobody can say that no other machine writes",
                        strip_controls(&why)
                    );
                    return Err(EXIT_REFUSED);
                }
            }
        }
        None => None,
    };
    let mut writer = opened(cli, &prepared, paths, demo, release)?;
    if let Some((settings, connected)) = shared {
        let id = writer.model.release_id().unwrap_or_default().to_owned();
        let me = format!(
            "{}@{}",
            writer.model.operator.name,
            crate::session::lock::holder_name()
        );
        match super::share::HeadlessShare::claim(
            connected,
            &settings,
            &release_store(paths, demo),
            &id,
            me,
            writer.zone,
        ) {
            Ok(share) => writer.journal.share = Some(share),
            Err(why) => {
                eprintln!("refused: {}", strip_controls(&why));
                return Err(EXIT_REFUSED);
            }
        }
    }
    Ok(((prepared, demo), writer))
}

/// The release (`--release`, or the current one) opened as its writer, and
/// a model built as the cockpit builds it; or the exit code, said.
fn opened(
    cli: &Cli,
    prepared: &Prepared,
    paths: Option<&Paths>,
    demo: bool,
    release: Option<&str>,
) -> Result<Writer, i32> {
    let zone = prepared.settings.zone.unwrap_or_else(system_zone);
    let store = release_store(paths, demo);
    let current = match release {
        Some(id) => crate::session::current_release::open_by_id(&store, id, false),
        None => open_current(&store, &prepared.playbooks, false, false, zone),
    };
    let Some(checklist) = current.checklist else {
        eprintln!(
            "error: {}",
            strip_controls(
                current.notice.as_deref().unwrap_or(
                    "no release in progress; fix: start one with `release-cockpit start`"
                )
            )
        );
        return Err(EXIT_USAGE);
    };
    let Some(journal) = current.journal else {
        let holder = current
            .follow
            .and_then(|f| f.writer)
            .unwrap_or_else(|| "another process".to_owned());
        eprintln!(
            "error: {} is open in the cockpit of {}, its only writer; fix: act from that cockpit, or stop it first",
            checklist.release.id,
            strip_controls(&holder)
        );
        return Err(EXIT_REFUSED);
    };
    let calendar = crate::session::calendar_setup::load_calendar(&prepared.settings, &store);
    let mut model = Model::new(
        model_settings(cli, prepared, zone, calendar.calendar, calendar.releases),
        Utc::now(),
    );
    model.show_release(checklist);
    Ok(Writer {
        model,
        journal: Guarded {
            journal,
            share: None,
        },
        zone,
        _lock: current.lock,
    })
}

/// The targets as the cockpit's runner acts on them, for `release` by
/// `operator`, and where their results and output arrive.
fn acting_on(
    release: &str,
    operator: &str,
    targets: crate::config::Targets,
    state_dir: std::path::PathBuf,
) -> (
    crate::runtime::targets::Acting,
    crate::runtime::targets::TargetSet,
    tokio::sync::mpsc::UnboundedReceiver<Msg>,
) {
    let (mailbox, received) = tokio::sync::mpsc::unbounded_channel();
    let acting = crate::runtime::targets::Acting {
        release: release.to_owned(),
        operator: operator.to_owned(),
        mailbox,
    };
    let set = crate::runtime::targets::TargetSet::new(
        targets,
        crate::adapters::kubernetes::Clients::default(),
        state_dir,
    );
    (acting, set, received)
}

/// Appends each journal line the core asks for (synced), feeding it back,
/// until it asks for none; prints each. `Err` when one could not be written.
fn journal_all(
    model: &mut Model,
    journal: &mut Guarded,
    mut effects: Vec<Effect>,
    zone: chrono_tz::Tz,
    mut other: impl FnMut(Effect),
) -> Result<bool, i32> {
    let mut recorded_any = false;
    while !effects.is_empty() {
        let mut next = Vec::new();
        for effect in effects {
            let Effect::Record(event) = effect else {
                other(effect);
                continue;
            };
            let operator = model.operator.name.clone();
            match journal.append(&operator, Utc::now(), event) {
                Ok(recorded) => {
                    println!(
                        "#{} {}",
                        recorded.seq,
                        strip_controls(&recorded.event.describe_in(zone))
                    );
                    recorded_any = true;
                    next.extend(crate::app::update(model, Msg::Recorded(recorded)));
                }
                Err(error) => {
                    eprintln!("error: not recorded, so not done: {error}");
                    return Err(EXIT_REFUSED);
                }
            }
        }
        effects = next;
    }
    Ok(recorded_any)
}
