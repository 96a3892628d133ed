//! A message as the open release fills it in now: what a notify step's
//! details preview, its dialog shows and, once confirmed, what is sent.

use crate::app::Model;
use crate::domain::comms::template::render;
use crate::domain::comms::values::{Context, values};

/// The template's text filled in from the open release; `None` without a
/// release or such a template.
pub fn filled(model: &Model, template: &str) -> Option<String> {
    filled_with(model, template, Vec::new())
}

/// [`filled`], with more values (an alert's signal, rule and value).
pub fn filled_with(
    model: &Model,
    template: &str,
    extra: Vec<(&'static str, String)>,
) -> Option<String> {
    let view = model.release.as_ref()?;
    let text = model.messages.get(template)?;
    let checklist = &view.checklist;
    let readings = match &view.repo_reading {
        Some(Ok(readings)) => Some(readings.as_slice()),
        _ => None,
    };
    let context = Context {
        zone: Some(model.clock.zone),
        window: model
            .calendar
            .calendar
            .train(&checklist.release.name)
            .and_then(|t| t.window),
        readings,
    };
    let mut values = values(checklist, model.clock.now, &context);
    values.extend(extra);
    Some(render(text, &values))
}
