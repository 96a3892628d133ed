//! `release-cockpit rollback`: the guided rollback (`R`) for pipelines and
//! on-call scripts, by its rules. The targets and signals are read once, the
//! wizard is built as `R` builds it (what this release changed, to the
//! revision before it), `--target`, `--to`, `--severity` and `--reason`
//! answer its stages, `--yes` its confirmation; the start is journaled
//! (synced) before anything is reverted, each unit's outcome after, and the
//! verification is the wizard's own, against live reads, to its verdict and
//! the incident report.

use std::time::Duration as StdDuration;

use super::*;
use crate::app::dialogs::rollback_wizard::{Outcome, Wizard};
use crate::app::requests::TaskResult;
use crate::cli::args::RollbackArgs;
use crate::domain::events::Event;

/// Verified: every unit back and every signal within its rules.
const EXIT_VERIFIED: i32 = 0;
/// The rollback started and did not end well: a revert failed, the verdict
/// is "not verified", a journal line or the incident report could not be
/// written. The world changed; the cockpit (`R`) shows where it stands.
const EXIT_INCOMPLETE: i32 = 4;
/// The verification did not end within `--timeout`; the rollback stays
/// journaled as unverified, and a cockpit opening the release resumes it.
const EXIT_TIMEOUT: i32 = 3;
/// Between two rounds of reads while verifying.
const PAUSE: StdDuration = StdDuration::from_secs(1);

pub(in crate::startup) fn rollback_command(
    cli: &Cli,
    args: &RollbackArgs,
    paths: Option<&Paths>,
) -> i32 {
    if args.reason.trim().is_empty() {
        eprintln!("error: a rollback needs a reason; fix: --reason \"what went wrong\"");
        return EXIT_USAGE;
    }
    let timeout = match super::super::commands::positive_duration(&args.timeout, "--timeout", "30m")
    {
        Ok(timeout) => timeout,
        Err(code) => return code,
    };
    let (
        (prepared, demo),
        Writer {
            mut model,
            mut journal,
            zone,
            _lock,
        },
    ) = match as_writer(cli, paths, args.release.as_deref(), "a rollback is refused") {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    crate::app::actions::rollback::release_opened(&mut model);
    if let Some(record) = model
        .release
        .as_ref()
        .and_then(|r| r.checklist.rollback.as_ref())
        .filter(|r| r.verified.is_none())
    {
        eprintln!(
            "refused: a rollback started {} is not verified yet; fix: open the cockpit, which resumes its verification",
            crate::domain::display_time::full(record.at, zone)
        );
        return EXIT_REFUSED;
    }
    let runtime = match async_runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return EXIT_REFUSED;
        }
    };
    let state_dir = targets_state_dir(paths, demo);
    let reads = Reads {
        targets: prepared.settings.targets.clone(),
        state_dir: state_dir.clone(),
        signals: prepared.settings.signals.clone(),
        chart: prepared.settings.health.chart,
    };
    runtime.block_on(reads.read_into(&mut model));
    let mut wizard = match crate::app::actions::rollback::wizard_for(&model) {
        Ok(wizard) => wizard,
        Err(why) => {
            eprintln!("refused: {why}");
            return EXIT_REFUSED;
        }
    };
    if let Err(why) = answer(&mut wizard, args) {
        eprintln!("error: {}", strip_controls(&why));
        return EXIT_USAGE;
    }
    let items = wizard.items();
    for item in &items {
        println!("plan: {}", strip_controls(&item.describe()));
        for command in &item.commands {
            println!("  $ {}", strip_controls(command));
        }
    }
    println!(
        "severity: {}; reason: {}",
        wizard.severity_entry().label(),
        strip_controls(&wizard.reason_or_default())
    );
    if !wizard.severity.calls_for_rollback() {
        println!(
            "note: the decision matrix says {} for {}; rolling back as asked",
            wizard.severity.action(),
            wizard.severity
        );
    }
    if !args.yes {
        eprintln!("not rolled back: add --yes to revert these");
        return EXIT_REFUSED;
    }
    let now = Utc::now();
    model.clock.now = now;
    let assessed = Event::SeverityAssessed {
        severity: wizard.severity,
        severity_name: wizard.severity_entry().journal_name().map(str::to_owned),
        reason: wizard.reason_or_default(),
        trigger: wizard.trigger.as_ref().map(|t| t.rule.clone()),
    };
    let Outcome::Record(started) = wizard.start(now) else {
        return EXIT_REFUSED;
    };
    model.rollback = Some(wizard);
    let mut asked = Vec::new();
    if let Err(code) = journal_all(
        &mut model,
        &mut journal,
        vec![Effect::Record(assessed), Effect::Record(*started)],
        zone,
        |e| asked.push(e),
    ) {
        return code;
    }
    let Some(Effect::Rollback { request, plan }) = asked
        .into_iter()
        .find(|e| matches!(e, Effect::Rollback { .. }))
    else {
        eprintln!("refused: the rollback did not start");
        return EXIT_REFUSED;
    };
    let (acting, set, mut results) = acting_on(
        &plan.release_id,
        &model.operator.name,
        reads.targets.clone(),
        state_dir,
    );
    let incidents = incident_files(&prepared, paths);
    let journal_path = journal.path().to_path_buf();
    let reverting = plan.items.len();
    let deadline = tokio::time::Instant::now() + timeout.to_std().unwrap_or(StdDuration::MAX);
    runtime.block_on(async {
        crate::runtime::rollback::spawn(&set, request, *plan, &acting);
        // The tasks hold the only senders: a task that dies ends the wait.
        drop(acting);
        let mut answered = 0;
        let mut not_recorded = false;
        // Every unit's answer, journaled as it comes; all of them awaited,
        // even once a line could not be written, so none is cut off.
        while answered < reverting {
            let Ok(Some(msg)) = tokio::time::timeout_at(deadline, results.recv()).await else {
                break;
            };
            match msg {
                Msg::RunOutput(crate::domain::rollout::RunOutput::Line { target, line }) => {
                    println!("  {target}: {}", strip_controls(&line));
                }
                done @ Msg::Done { .. } => {
                    answered += 1;
                    let effects = crate::app::update(&mut model, done);
                    if !not_recorded {
                        not_recorded =
                            journal_all(&mut model, &mut journal, effects, zone, |_| {}).is_err();
                    }
                }
                _ => {}
            }
        }
        if not_recorded {
            return EXIT_INCOMPLETE;
        }
        if answered < reverting {
            eprintln!(
                "timeout: {} of {reverting} revert(s) answered within {}; fix: open the cockpit, where R shows the rollback",
                answered,
                crate::domain::offset::format_duration(timeout)
            );
            return EXIT_TIMEOUT;
        }
        if let Some(failed) = failed_reverts(&model) {
            eprintln!(
                "{failed}; fix: open the cockpit, where R shows the rollback: r retries the failed revert, c verifies anyway"
            );
            return EXIT_INCOMPLETE;
        }
        verify(
            &mut model,
            &mut journal,
            &reads,
            &incidents,
            &journal_path,
            timeout,
            zone,
        )
        .await
    })
}

/// The reverts that failed, said; `None` when every one was sent.
fn failed_reverts(model: &Model) -> Option<String> {
    let wizard = model.rollback.as_ref()?;
    let failed: Vec<String> = wizard
        .progress
        .iter()
        .filter_map(|p| match &p.state {
            crate::app::dialogs::rollback_wizard::ItemState::Failed(why) => {
                Some(format!("{}: {}", p.item.key(), strip_controls(why)))
            }
            _ => None,
        })
        .collect();
    (!failed.is_empty()).then(|| format!("not rolled back: {}", failed.join("; ")))
}

/// What the rollback reads: the config's targets and signals.
struct Reads {
    targets: crate::config::Targets,
    state_dir: std::path::PathBuf,
    signals: Vec<crate::domain::health::Signal>,
    chart: chrono::Duration,
}

impl Reads {
    /// One round of reads, folded into the model's Rollout and Health as
    /// the cockpit folds them (no alerts are sent from here).
    async fn read_into(&self, model: &mut Model) {
        let (updates, readings) = crate::cli::status::read_once(
            self.targets.clone(),
            &self.state_dir,
            &self.signals,
            self.chart,
        )
        .await;
        let now = Utc::now();
        model.clock.now = now;
        for update in updates {
            model.rollout.apply(update, now);
        }
        let baselines: std::collections::BTreeMap<String, f64> = model
            .release
            .as_ref()
            .map(|r| {
                self.signals
                    .iter()
                    .filter_map(|s| r.checklist.baseline(&s.name).map(|b| (s.name.clone(), b)))
                    .collect()
            })
            .unwrap_or_default();
        for reading in readings {
            model
                .health
                .apply(reading, |s| baselines.get(s).copied(), now);
        }
    }
}

/// Answers the wizard's stages from the command line: which units, to
/// which version, how bad and why.
fn answer(wizard: &mut Wizard, args: &RollbackArgs) -> Result<(), String> {
    if let Some(target) = &args.target {
        if !wizard.choices.iter().any(|c| &c.candidate.target == target) {
            let known: Vec<&str> = wizard
                .choices
                .iter()
                .map(|c| c.candidate.target.as_str())
                .collect();
            return Err(format!(
                "no target `{}`; fix: --target one of {}",
                strip_controls(target),
                known.join(", ")
            ));
        }
        for choice in &mut wizard.choices {
            choice.selected &= &choice.candidate.target == target;
        }
    }
    if let Some(to) = &args.to {
        for choice in wizard.choices.iter_mut().filter(|c| c.selected) {
            match choice.candidate.revision_for(to) {
                Some(revision) => choice.revision = revision,
                None => {
                    return Err(format!(
                        "{} has no revision running {}; fix: --to one of {}",
                        choice.candidate.key(),
                        strip_controls(to),
                        choice.candidate.offered_versions().join(", ")
                    ));
                }
            }
        }
    }
    if let Some(word) = &args.severity {
        // The team's word, else the level itself (P1) on its first word.
        let rank = wizard
            .scale
            .names()
            .iter()
            .position(|n| n.name.eq_ignore_ascii_case(word.trim()))
            .or_else(|| {
                word.trim()
                    .to_ascii_uppercase()
                    .parse::<crate::domain::rollback::Severity>()
                    .ok()
                    .map(|level| wizard.scale.rank_of(level))
            });
        let Some(rank) = rank else {
            let words: Vec<&str> = wizard
                .scale
                .names()
                .iter()
                .map(|n| n.name.as_str())
                .collect();
            return Err(format!(
                "no severity `{}`; fix: --severity one of {}",
                strip_controls(word),
                words.join(", ")
            ));
        };
        wizard.rank = rank;
        wizard.severity = wizard.scale.get(rank).level;
    }
    wizard.reason = args.reason.trim().to_owned();
    if wizard.items().is_empty() {
        let why = wizard
            .choices
            .iter()
            .map(|c| {
                let changed = if c.candidate.changed {
                    "changed by this release"
                } else {
                    "not changed by this release"
                };
                let state = if c.candidate.stale {
                    ", its data stale"
                } else if c.candidate.choices.is_empty() {
                    ", no older revision"
                } else {
                    ""
                };
                format!(
                    "{} runs {} ({changed}{state})",
                    c.candidate.key(),
                    c.candidate.version
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Err(format!("nothing to roll back: {why}"));
    }
    Ok(())
}

/// The wizard's verification against live reads, to its verdict; then the
/// incident report, as the cockpit writes it.
async fn verify(
    model: &mut Model,
    journal: &mut Guarded,
    reads: &Reads,
    incidents: &crate::runtime::rollback::IncidentFiles,
    journal_path: &std::path::Path,
    timeout: chrono::Duration,
    zone: chrono_tz::Tz,
) -> i32 {
    let started = Utc::now();
    let mut said = String::new();
    loop {
        reads.read_into(model).await;
        let effects = crate::app::actions::rollback::verify(model);
        let mut incident = None;
        if let Err(_not_recorded) = journal_all(model, journal, effects, zone, |e| {
            if let Effect::WriteIncident { request, draft } = e {
                incident = Some((request, draft));
            }
        }) {
            return EXIT_INCOMPLETE;
        }
        let Some(wizard) = model.rollback.as_ref() else {
            return EXIT_INCOMPLETE;
        };
        if let Some(verdict) = wizard.verdict.clone() {
            let mut report_failed = false;
            if let Some((request, draft)) = incident {
                let written = incidents.write(&draft, Some(journal_path));
                match &written {
                    Ok(written) => {
                        println!("incident report: {}", written.path);
                        println!(
                            "rollback notice: {} (the cockpit's wizard sends it)",
                            written.path.replace(".md", "-notice.md")
                        );
                    }
                    Err(error) => {
                        report_failed = true;
                        eprintln!(
                            "error: the incident report was not written: {}",
                            strip_controls(&error.to_string())
                        );
                    }
                }
                let effects = crate::app::update(
                    model,
                    Msg::Done {
                        request,
                        result: TaskResult::Incident(written),
                    },
                );
                if let Err(_not_recorded) = journal_all(model, journal, effects, zone, |_| {}) {
                    return EXIT_INCOMPLETE;
                }
            }
            return if verdict.ok {
                println!("verified: {}", strip_controls(&verdict.detail));
                if report_failed {
                    EXIT_INCOMPLETE
                } else {
                    EXIT_VERIFIED
                }
            } else {
                println!("not verified: {}", strip_controls(&verdict.detail));
                EXIT_INCOMPLETE
            };
        }
        let now = Utc::now();
        let waiting = if wizard.waiting_for.is_empty() {
            match wizard.healthy_since {
                Some(since) => format!(
                    "healthy for {} of {}",
                    seconds(now - since),
                    crate::domain::offset::format_duration(wizard.verify_window)
                ),
                None => "verifying".to_owned(),
            }
        } else {
            format!("waiting: {}", wizard.waiting_for.join("; "))
        };
        if waiting != said {
            println!("{}", strip_controls(&waiting));
            said = waiting;
        }
        if now - started >= timeout {
            eprintln!(
                "timeout: not verified within {}; the rollback stays journaled as unverified, and the cockpit resumes its verification",
                crate::domain::offset::format_duration(timeout)
            );
            return EXIT_TIMEOUT;
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// `0s`, `4s`, `1m 30s`.
fn seconds(d: chrono::Duration) -> String {
    if d < chrono::Duration::seconds(1) {
        "0s".to_owned()
    } else {
        crate::domain::offset::format_duration(d)
    }
}
