//! What `R`, the wizard's keys and the rollback's results do to the model:
//! the wizard decides, this turns its outcomes into journal lines and
//! effects, verifies against the live rollout and signals, and arms the
//! automatic rollback when a trigger fires in `auto` mode.

use chrono::{DateTime, Duration, Utc};

use crate::app::actions::incident;
use crate::app::dialogs::rollback_wizard::{Checks, Outcome, Stage, Wizard};
use crate::app::effect::Effect;
use crate::app::keys::keymap::Input;
use crate::app::model::{Model, Overlay};
use crate::app::panes::health::Firing;
use crate::domain::comms::routes::Level;
use crate::domain::events::{Event, Recorded};
use crate::domain::incident::{IncidentDraft, plan};
use crate::domain::rollback::{
    Candidate, Countdown, OnTrigger, RollbackCommands, RollbackPlan, UndoOutcome,
};
use crate::domain::rollout::ActionError;

/// `R`: shows the rollback in progress, or starts the wizard.
pub fn open(model: &mut Model) -> Vec<Effect> {
    if model.rollback.is_some() {
        model.overlay = Some(Overlay::Rollback);
        return Vec::new();
    }
    // The writer on another machine rolls back; this one may take over
    // once its Lease lapsed.
    if model.operator.remote_writer.is_some() {
        super::share::refused(model, "a rollback");
        return Vec::new();
    }
    match new_wizard(model) {
        Ok(wizard) => {
            model.rollback = Some(wizard);
            model.overlay = Some(Overlay::Rollback);
        }
        Err(why) => model.notice = Some(why.to_string()),
    }
    Vec::new()
}

/// Why `R` has nothing to roll back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoRollback {
    NoRelease,
    NoTargets,
}

impl std::fmt::Display for NoRollback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoRelease => {
                "no release is open: a rollback goes back from a release's version (start or open one)"
            }
            Self::NoTargets => {
                "nothing to roll back: no target has reported a unit (configure a [[target]], kubernetes or command)"
            }
        })
    }
}

/// The wizard `R` opens, at its first stage, for `release-cockpit
/// rollback` to fill in; or why there is nothing to roll back.
pub fn wizard_for(model: &Model) -> Result<Wizard, String> {
    new_wizard(model).map_err(|why| why.to_string())
}

fn new_wizard(model: &Model) -> Result<Wizard, NoRollback> {
    let release = model.release.as_ref().ok_or(NoRollback::NoRelease)?;
    let candidates: Vec<Candidate> = model
        .rollout
        .rows()
        .map(|(target, d)| {
            // A component's targets run its own version.
            let version = release
                .checklist
                .release
                .version_of(target.component.as_deref())
                .to_string();
            let mut candidate = Candidate {
                stale: target.stale.is_some(),
                ..Candidate::from_state(&target.name, d, &version)
            };
            if let Some(templates) = &target.commands {
                // Without rollback commands there is no way back to offer.
                if templates.rollback.is_empty() {
                    candidate.choices.clear();
                }
                candidate.commands = Some(RollbackCommands {
                    templates: templates.clone(),
                    release: release.checklist.release.id.clone(),
                });
            }
            candidate
        })
        .collect();
    if candidates.is_empty() {
        return Err(NoRollback::NoTargets);
    }
    let trigger = model
        .health
        .firing()
        .first()
        .map(|f| incident::facts(model, f));
    Ok(
        Wizard::new(trigger, candidates, model.rollback_settings.verify)
            .with_scale(model.incident_settings.severities.clone()),
    )
}

/// A key while the wizard is shown, read in its stage's mode.
pub fn input(model: &mut Model, input: Input) -> Vec<Effect> {
    model.mark_changed();
    let version = model
        .release
        .as_ref()
        .map(|r| r.checklist.release.version.to_string())
        .unwrap_or_default();
    let read_only = model.operator.is_read_only();
    let now = model.clock.now;
    let Some(wizard) = model.rollback.as_mut() else {
        return Vec::new();
    };
    model.overlay = Some(Overlay::Rollback);
    match wizard.input(input, &version, read_only, now) {
        Outcome::Nothing => Vec::new(),
        Outcome::Close => {
            model.rollback = None;
            model.overlay = None;
            Vec::new()
        }
        Outcome::Hide => {
            model.overlay = None;
            model.notice = Some("the rollback goes on: R shows it".to_owned());
            Vec::new()
        }
        Outcome::Record(event) => vec![Effect::Record(*event)],
        Outcome::SendNotice(text) => {
            let channel = model.rollback_settings.notify.clone();
            crate::app::actions::notify_step::ask_about(
                model,
                "rollback".to_owned(),
                "rollback-notice",
                channel.as_deref(),
                text,
            )
        }
    }
}

/// A journal line is durable: carry out what it stood for.
pub fn after_recorded(model: &mut Model, recorded: &Recorded) -> Vec<Effect> {
    let Some(release) = model.release.as_ref() else {
        return Vec::new();
    };
    let (release_id, version) = (
        release.checklist.release.id.clone(),
        release.checklist.release.version.to_string(),
    );
    match &recorded.event {
        // Write-ahead: the revert starts only once its line is on disk.
        Event::RollbackStarted { items, .. }
            if model.rollback.as_ref().is_some_and(Wizard::is_running) =>
        {
            let request = model.start_request(
                format!("rollback of {} Deployment(s)", items.len()),
                items.len(),
            );
            vec![Effect::Rollback {
                request,
                plan: Box::new(RollbackPlan {
                    release_id,
                    version,
                    items: items.clone(),
                }),
            }]
        }
        Event::RollbackVerified { .. } => match draft(model, recorded.at) {
            Some(draft) => vec![Effect::WriteIncident {
                request: model.start_request("the incident report".to_owned(), 1),
                draft: Box::new(draft),
            }],
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn draft(model: &Model, now: DateTime<Utc>) -> Option<IncidentDraft> {
    let wizard = model.rollback.as_ref()?;
    let release = &model.release.as_ref()?.checklist;
    let verdict = wizard.verdict.as_ref()?;
    let from = wizard
        .trigger
        .as_ref()
        .map(|t| t.since)
        .or(wizard.started_at);
    let settings = &model.incident_settings;
    Some(IncidentDraft {
        release: release.release.name.clone(),
        release_id: release.release.id.clone(),
        version: release.release.version.to_string(),
        severity: wizard.severity,
        severity_name: wizard.severity_entry().journal_name().map(str::to_owned),
        reason: wizard.reason_or_default(),
        trigger: wizard.trigger.as_ref().map(|t| t.rule.clone()),
        operator: model.operator.name.clone(),
        rolled_back: true,
        items: wizard.progress.iter().map(|p| p.item.clone()).collect(),
        verified: verdict.ok,
        verdict: verdict.detail.clone(),
        time_to_restore_secs: verdict
            .ok
            .then(|| from.map(|f| (verdict.at - f).num_seconds()))
            .flatten(),
        signals: incident::signal_lines(model),
        at: now,
        // Due from the verdict, as the post-mortem always was.
        report_due: verdict.at + settings.report,
        follow_ups: plan(&settings.follow_ups, verdict.at),
    })
}

/// One Deployment's revert came back.
pub fn item_done(
    model: &mut Model,
    item: String,
    result: &Result<UndoOutcome, ActionError>,
) -> Vec<Effect> {
    model.mark_changed();
    let (ok, detail) = (
        result.is_ok(),
        crate::domain::rollback::revert_detail(result),
    );
    if let Some(wizard) = model.rollback.as_mut() {
        wizard.item_done(&item, ok, &detail);
    }
    vec![Effect::Record(Event::RollbackItemFinished {
        item,
        ok,
        detail,
    })]
}

/// Verification, on every change of the rollout, the signals or the clock.
pub fn verify(model: &mut Model) -> Vec<Effect> {
    let now = model.clock.now;
    let Some(wizard) = model.rollback.as_ref() else {
        return Vec::new();
    };
    if wizard.stage != Stage::Verify {
        return Vec::new();
    }
    let checks = checks(model, wizard);
    let Some(wizard) = model.rollback.as_mut() else {
        return Vec::new();
    };
    let before = (wizard.waiting_for.clone(), wizard.healthy_since);
    let outcome = wizard.check(&checks, now);
    // While the window runs, its "all fine for 42s" moves every second.
    if (wizard.waiting_for.clone(), wizard.healthy_since) != before
        || wizard.healthy_since.is_some()
    {
        model.mark_changed();
    }
    match outcome {
        Outcome::Record(event) => {
            model.mark_changed();
            vec![Effect::Record(*event)]
        }
        _ => Vec::new(),
    }
}

fn checks(model: &Model, wizard: &Wizard) -> Checks {
    let reverted = wizard
        .progress
        .iter()
        .filter(|p| {
            model.rollout.rows().any(|(t, d)| {
                t.stale.is_none()
                    && d.namespace == p.item.namespace
                    && d.name == p.item.name
                    && if d.kind.runs_images() {
                        d.image == p.item.to_image
                    } else {
                        d.version == p.item.to_version()
                    }
                    && d.phase == crate::domain::rollout::RolloutPhase::Complete
                    && d.updated == d.desired
                    && d.available == d.desired
            })
        })
        .map(|p| p.item.key())
        .collect();
    let release = model.release.as_ref().map(|r| &r.checklist);
    let started = wizard.started_at.unwrap_or(model.clock.now);
    let mut problems = Vec::new();
    // Signals with a critical rule are the evidence: each must have a fresh,
    // finite value read since the rollback started.
    for s in model
        .health
        .signals
        .iter()
        .filter(|s| s.signal.critical.is_some())
    {
        let baseline = release.and_then(|c| c.baseline(&s.signal.name));
        let fresh = s.received.is_some_and(|at| at >= started) && !s.is_late(model.clock.now);
        if s.stale.is_some() || !fresh {
            problems.push(format!(
                "{}: no fresh value since the rollback started",
                s.signal.name
            ));
            continue;
        }
        if !s.value.is_some_and(f64::is_finite) {
            problems.push(format!(
                "{}: no value to judge by ({})",
                s.signal.name,
                s.note.clone().unwrap_or_default()
            ));
            continue;
        }
        if let Some(rule) = &s.signal.critical
            && rule.breached(s.value, baseline) == Some(true)
        {
            let value = s
                .value
                .map_or_else(String::new, |v| s.signal.unit.format(v));
            problems.push(format!(
                "{} breached (now {value})",
                s.signal.describe(rule)
            ));
        }
    }
    Checks { reverted, problems }
}

/// A critical rule fired: in `auto` mode (and a writing cockpit with nothing
/// running), the countdown starts.
pub fn on_fired(model: &mut Model, firing: &Firing) {
    let kind = model.release.as_ref().map(|r| r.checklist.release.kind);
    let auto = model.rollback_settings.on_trigger(kind) == OnTrigger::Auto;
    // A rollback journaled and not verified (this run, or one cut off by a
    // restart) is the one in charge.
    let unfinished = model
        .release
        .as_ref()
        .and_then(|r| r.checklist.rollback.as_ref())
        .is_some_and(|r| r.verified.is_none());
    if !auto
        || model.operator.is_read_only()
        || model.rollback.is_some()
        || model.countdown.is_some()
        || unfinished
    {
        return;
    }
    if new_wizard(model).is_err() {
        return;
    }
    model.countdown = Some(Countdown {
        trigger: incident::facts(model, firing),
        starts_at: firing.since + model.rollback_settings.auto_countdown,
    });
}

/// The rule cleared before its countdown ran out: nothing to roll back.
pub fn on_cleared(model: &mut Model, rule: &str) {
    if model
        .countdown
        .as_ref()
        .is_some_and(|c| c.trigger.rule == rule)
    {
        model.countdown = None;
        model.notice = Some(format!("automatic rollback called off: {rule} cleared"));
    }
}

/// Any key stops a countdown, and is used for nothing else.
pub fn cancel_countdown(model: &mut Model) -> Vec<Effect> {
    let Some(countdown) = model.countdown.take() else {
        return Vec::new();
    };
    model.mark_changed();
    model.notice = Some("automatic rollback cancelled: R starts a guided one".to_owned());
    vec![Effect::Record(Event::AutoRollbackCancelled {
        rule: countdown.trigger.rule,
    })]
}

/// The clock moved: a countdown that ran out starts the rollback of what
/// this release changed, to the revision before it.
pub fn tick(model: &mut Model) -> Vec<Effect> {
    let now = model.clock.now;
    let due = model.countdown.as_ref().is_some_and(|c| now >= c.starts_at);
    if model.countdown.is_some() {
        model.mark_changed();
    }
    if !due {
        return verify(model);
    }
    let Some(countdown) = model.countdown.take() else {
        return Vec::new();
    };
    let Ok(mut wizard) = new_wizard(model) else {
        return Vec::new();
    };
    wizard.trigger = Some(countdown.trigger.clone());
    let (severity, reason) = crate::domain::rollback::suggest(&countdown.trigger);
    wizard.set_severity(severity);
    wizard.reason = reason;
    wizard.automatic = true;
    if wizard.items().is_empty() {
        model.notice = Some(
            "automatic rollback: this release changed no Deployment that has an older revision"
                .to_owned(),
        );
        return Vec::new();
    }
    let assessed = Event::SeverityAssessed {
        severity,
        severity_name: wizard.severity_entry().journal_name().map(str::to_owned),
        reason: wizard.reason_or_default(),
        trigger: Some(countdown.trigger.rule),
    };
    let started = wizard.start(now);
    model.rollback = Some(wizard);
    model.overlay = Some(Overlay::Rollback);
    let mut effects = vec![Effect::Record(assessed)];
    if let Outcome::Record(event) = started {
        effects.push(Effect::Record(*event));
    }
    effects
}

/// Another release is open (or the cockpit started on one): the wizard and
/// countdown of the one before go, the triggers it journaled as firing start
/// out firing, and a rollback it left unverified resumes its verification.
pub fn release_opened(model: &mut Model) {
    model.countdown = None;
    model.rollback = None;
    let Some(release) = model.release.as_ref() else {
        return;
    };
    model.health.restore_open(&release.checklist.open_triggers);
    let messages = &release.checklist.messages;
    model.health.restore_warned(|signal| {
        let about = crate::domain::comms::routes::about(signal, Level::Warn);
        messages
            .delivered(&about)
            .filter(|m| m.template == crate::app::actions::alert_messages::FIRING)
            .map(|m| m.at)
    });
    if model.operator.is_read_only() {
        return;
    }
    let resumed = release
        .checklist
        .rollback
        .as_ref()
        .filter(|r| r.verified.is_none())
        .map(|r| {
            Wizard::resume(r, model.rollback_settings.verify)
                .with_scale(model.incident_settings.severities.clone())
        });
    model.rollback = resumed;
}

/// Seconds left on the countdown, for the banner.
pub fn countdown_left(model: &Model) -> Option<Duration> {
    model.countdown.as_ref().map(|c| {
        // Rounded up: "1 s" until it starts, never "0 s" for a second.
        let left = (c.starts_at - model.clock.now).max(Duration::zero());
        Duration::seconds((left.num_milliseconds() + 999) / 1000)
    })
}

#[cfg(test)]
mod tests;
