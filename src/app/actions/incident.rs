//! Incidents: `:incident` declares one without a rollback (form, the one
//! confirmation, `IncidentDeclared` journaled, then its report), and a written
//! report, the wizard's or a declared one's, becomes Follow-up steps due
//! relative to the incident (`[rollback] report` and `follow_ups`).

use chrono::{DateTime, Utc};

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::dialogs::incident_form::{Declaration, FormOutcome, IncidentForm};
use crate::app::dialogs::rollback_wizard::Stage;
use crate::app::effect::Effect;
use crate::app::keys::keymap::Input;
use crate::app::model::{Model, Overlay};
use crate::app::panes::health::Firing;
use crate::domain::events::{Event, Recorded};
use crate::domain::health::Unit;
use crate::domain::incident::{
    IncidentDraft, IncidentError, IncidentWritten, free_id, plan, step_id,
};
use crate::domain::rollback::{Severity, TriggerFacts, suggest};

/// Who answers for the follow-ups, as the post-mortem always had it.
const OWNER: &str = "incident-commander";

/// Why `:incident` declares nothing now.
fn refused(model: &Model) -> Option<&'static str> {
    if model.operator.is_read_only() {
        return Some(
            "read-only: declaring an incident is refused (another cockpit writes this release, or --read-only)",
        );
    }
    let release = model.release.as_ref()?;
    let rollback_unverified = release
        .checklist
        .rollback
        .as_ref()
        .is_some_and(|r| r.verified.is_none());
    if model.rollback.as_ref().is_some_and(|w| w.is_running()) || rollback_unverified {
        return Some(
            "a rollback is under way: its incident report is written once it is verified (R shows it)",
        );
    }
    None
}

/// `:incident`: the form, starting from what a firing trigger suggests.
pub fn open(model: &mut Model) -> Vec<Effect> {
    if model.release.is_none() {
        model.notice = Some(
            "no release is open: an incident is declared on a release (start or open one)"
                .to_owned(),
        );
        return Vec::new();
    }
    if let Some(why) = refused(model) {
        model.warn(why.to_owned());
        return Vec::new();
    }
    let trigger = model.health.firing().first().map(|f| facts(model, f));
    let (level, reason) = match &trigger {
        Some(t) => suggest(t),
        None => (Severity::P1, String::new()),
    };
    model.overlay = Some(Overlay::Incident(IncidentForm::new(
        &model.incident_settings.severities,
        level,
        reason,
        trigger.map(|t| t.rule),
    )));
    Vec::new()
}

/// What fired, as an assessment (the wizard's or the form's) starts from it.
pub fn facts(model: &Model, firing: &Firing) -> TriggerFacts {
    let unit = model
        .health
        .signals
        .iter()
        .find(|s| s.signal.name == firing.signal)
        .map_or(Unit::Number, |s| s.signal.unit);
    TriggerFacts {
        rule: firing.rule.clone(),
        health_check: unit == Unit::Health,
        value: unit.format(firing.value),
        since: firing.since,
    }
}

/// A key in the form: `Enter` asks the one confirmation (default cancel).
pub fn input(model: &mut Model, mut form: IncidentForm, input: Input) -> Vec<Effect> {
    match form.input(input, &model.incident_settings.severities) {
        FormOutcome::Open => model.overlay = Some(Overlay::Incident(form)),
        FormOutcome::Close => model.notice = Some("incident not declared".to_owned()),
        FormOutcome::Confirm(declaration) => {
            model.overlay = Some(Overlay::Confirm(Confirm::new(Action::DeclareIncident(
                declaration,
            ))));
        }
    }
    Vec::new()
}

/// `y`: journaled first (synced); its `Recorded` writes the report.
pub fn confirmed(model: &mut Model, declaration: Declaration) -> Vec<Effect> {
    if model.release.is_none() {
        model.notice = Some("no release is open: nothing declared".to_owned());
        return Vec::new();
    }
    if let Some(why) = refused(model) {
        model.warn(why.to_owned());
        return Vec::new();
    }
    let Declaration {
        severity,
        severity_name,
        reason,
        trigger,
    } = declaration;
    model.notice = Some("incident declared: writing its report".to_owned());
    vec![Effect::Record(Event::IncidentDeclared {
        severity,
        severity_name,
        reason,
        trigger,
    })]
}

/// A journal line is durable: a declared incident's report is written now.
pub fn after_recorded(model: &mut Model, recorded: &Recorded) -> Vec<Effect> {
    let Event::IncidentDeclared {
        severity,
        severity_name,
        reason,
        trigger,
    } = &recorded.event
    else {
        return Vec::new();
    };
    let Some(release) = model.release.as_ref().map(|r| &r.checklist.release) else {
        return Vec::new();
    };
    let settings = &model.incident_settings;
    let draft = IncidentDraft {
        release: release.name.clone(),
        release_id: release.id.clone(),
        version: release.version.to_string(),
        severity: *severity,
        severity_name: severity_name.clone(),
        reason: reason.clone(),
        trigger: trigger.clone(),
        operator: recorded.operator.clone(),
        rolled_back: false,
        items: Vec::new(),
        verified: false,
        verdict: String::new(),
        time_to_restore_secs: None,
        signals: signal_lines(model),
        at: recorded.at,
        report_due: recorded.at + settings.report,
        follow_ups: plan(&settings.follow_ups, recorded.at),
    };
    vec![Effect::WriteIncident {
        request: model.start_request("the incident report".to_owned(), 1),
        draft: Box::new(draft),
    }]
}

/// What the status bar says at start-up when the last declared incident has
/// no report: the cockpit stopped between its line and the report, or the
/// report could not be written.
pub fn unreported(
    checklist: &crate::domain::checklist::Checklist,
    zone: chrono_tz::Tz,
) -> Option<String> {
    let declared = checklist.declared.as_ref().filter(|d| d.report.is_none())?;
    Some(format!(
        "the incident declared by {} at {} ({}) has no report (the cockpit stopped first, or it could not be written): :incident declares it again with one",
        declared.by,
        crate::domain::display_time::full(declared.at, zone),
        crate::domain::severity_scale::label(declared.severity, declared.severity_name.as_deref())
    ))
}

/// Each signal as the report states it:
/// `error_rate: 0.21% (critical > 5% for 2m; baseline 0.20%)`.
pub fn signal_lines(model: &Model) -> Vec<String> {
    let release = model.release.as_ref().map(|r| &r.checklist);
    model
        .health
        .signals
        .iter()
        .map(|s| {
            let unit = s.signal.unit;
            let value = s
                .value
                .map_or_else(|| "no value".to_owned(), |v| unit.format(v));
            let rule = s
                .signal
                .critical
                .as_ref()
                .map(|r| s.signal.describe(r))
                .unwrap_or_default();
            let baseline = release
                .and_then(|c| c.baseline(&s.signal.name))
                .map(|b| format!("; baseline {}", unit.format(b)))
                .unwrap_or_default();
            format!("{}: {value} (critical {rule}{baseline})", s.signal.name)
        })
        .collect()
}

/// The report is written: say where, and add what it leaves to do (the
/// report itself, then each follow-up) to the checklist.
pub fn written(model: &mut Model, result: Result<IncidentWritten, IncidentError>) -> Vec<Effect> {
    model.mark_changed();
    let written = match result {
        Ok(written) => written,
        Err(error) => {
            let line = format!("the incident report could not be written: {error}");
            match model
                .rollback
                .as_mut()
                .filter(|w| w.stage == Stage::Incident)
            {
                Some(wizard) => wizard.message = Some(line),
                None => model.fail(line),
            }
            return Vec::new();
        }
    };
    let path = written.path.clone();
    let name = std::path::Path::new(&path)
        .file_stem()
        .map_or_else(|| path.clone(), |s| s.to_string_lossy().into_owned());
    if written.rolled_back {
        if let Some(wizard) = model.rollback.as_mut() {
            wizard.incident = Some(path.clone());
            wizard.notice = Some(written.notice.clone());
        }
    } else {
        model.notice = Some(format!(
            "incident report written: {path}; complete it by {}",
            crate::domain::display_time::near(
                written.report_due,
                model.clock.now,
                model.clock.zone
            )
        ));
    }
    let mut effects = vec![Effect::Record(Event::IncidentWritten {
        path: path.clone(),
    })];
    let mut ids: Vec<String> = Vec::new();
    let mut follow_up = |base: &str, title: String, instructions: String, due: DateTime<Utc>| {
        let id = free_id(base, |id| {
            ids.iter().any(|taken| taken == id)
                || model
                    .release
                    .as_ref()
                    .is_some_and(|r| r.checklist.playbook.step(id).is_some())
        });
        ids.push(id.clone());
        Effect::Record(Event::FollowUpAdded {
            id,
            title,
            instructions,
            due,
            owner: OWNER.to_owned(),
        })
    };
    effects.push(follow_up(
        "incident-report",
        format!("Incident report of {name}"),
        format!("Complete the report's impact, root cause and preventive measures: {path}"),
        written.report_due,
    ));
    for planned in &written.follow_ups {
        let base = step_id(&planned.title);
        let instructions = if base == "post-mortem" {
            format!(
                "Hold the post-mortem and complete the report's root cause and preventive measures: {path}"
            )
        } else {
            format!("{}, for the incident of {path}", planned.title)
        };
        effects.push(follow_up(
            &base,
            format!("{} of {name}", planned.title),
            instructions,
            planned.due,
        ));
    }
    effects
}

#[cfg(test)]
mod tests;
