//! Work this process started that reports back later (a gate, a deploy, a
//! rollback's reverts, an incident report): each is a [`Request`] bound to the
//! release that started it. A result is folded into the release on screen
//! only if it is that release's; one that arrives after a switch is journaled
//! into its own release instead, and never shown as this one's.

use crate::domain::events::{Event, GateOutcome};
use crate::domain::incident::{IncidentError, IncidentWritten};
use crate::domain::rollback::UndoOutcome;
use crate::domain::rollout::ActionError;

use crate::domain::rollout::DeployOutcome;

/// Which release asked, and which of its requests this is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Request {
    pub release: String,
    pub id: u64,
}

/// What a request reports when it finishes.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskResult {
    Gate {
        step: String,
        outcome: GateOutcome,
    },
    Deploy(DeployOutcome),
    /// One Deployment's revert: a rollback reports once per item.
    RollbackItem {
        item: String,
        result: Result<UndoOutcome, ActionError>,
    },
    /// The incident report's path and the notice's text, or why not.
    Incident(Result<IncidentWritten, IncidentError>),
    /// A message that is no notify step's went out, or did not.
    Message {
        key: String,
        channel: String,
        ok: bool,
        summary: String,
    },
    /// The work never started (its write-ahead line could not be written):
    /// nothing to record, and nothing runs any more.
    NotStarted(String),
}

impl TaskResult {
    /// The journal line that records this result in its own release, when it
    /// arrives after another release was opened.
    pub fn event(&self) -> Option<Event> {
        match self {
            Self::Gate { step, outcome } => Some(Event::GateFinished {
                step: step.clone(),
                outcome: outcome.clone(),
            }),
            Self::Deploy(outcome) => Some(Event::DeployFinished {
                ok: outcome.ok,
                results: outcome.results.clone(),
            }),
            Self::RollbackItem { item, result } => Some(Event::RollbackItemFinished {
                item: item.clone(),
                ok: result.is_ok(),
                detail: crate::domain::rollback::revert_detail(result),
            }),
            Self::Incident(Ok(written)) => Some(Event::IncidentWritten {
                path: written.path.clone(),
            }),
            Self::Message {
                key,
                channel,
                ok,
                summary,
            } => Some(Event::MessageSent {
                key: key.clone(),
                channel: channel.clone(),
                ok: *ok,
                summary: summary.clone(),
            }),
            Self::Incident(Err(_)) | Self::NotStarted(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct InFlight {
    request: Request,
    what: String,
    /// Results still to come (a rollback's items report one by one).
    remaining: usize,
}

/// Requests under way, in the order they started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    next: u64,
    in_flight: Vec<InFlight>,
}

/// Where a result belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// The release on screen started it: fold it in.
    Current,
    /// Another release started it (the operator switched since): journal it
    /// there.
    Elsewhere(String),
    /// No such request is under way (reported twice, or never started here).
    Unknown,
}

impl Requests {
    /// Starts a request for `release` that will report `results` times.
    pub fn start(&mut self, release: &str, what: String, results: usize) -> Request {
        self.next += 1;
        let request = Request {
            release: release.to_owned(),
            id: self.next,
        };
        // Work that will report nothing (a rollback of no items) is never
        // under way: it must not hold up a switch or a quit.
        if results > 0 {
            self.in_flight.push(InFlight {
                request: request.clone(),
                what,
                remaining: results,
            });
        }
        request
    }

    /// Takes one result of `request`, saying where it belongs; `open` is the
    /// release on screen.
    pub fn finish(&mut self, request: &Request, open: Option<&str>) -> Binding {
        let Some(index) = self.in_flight.iter().position(|f| f.request == *request) else {
            return Binding::Unknown;
        };
        let entry = &mut self.in_flight[index];
        entry.remaining -= 1;
        if entry.remaining == 0 {
            self.in_flight.remove(index);
        }
        if open == Some(request.release.as_str()) {
            Binding::Current
        } else {
            Binding::Elsewhere(request.release.clone())
        }
    }

    /// What is under way, for "quit while actions run?" and for refusing to
    /// switch releases.
    pub fn running(&self) -> Vec<String> {
        self.in_flight.iter().map(|f| f.what.clone()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_bound_to_the_release_that_asked_and_counted_off_once() {
        let mut requests = Requests::default();
        let gate = requests.start("r1", "gate `smoke`".into(), 1);
        let rollback = requests.start("r1", "rollback".into(), 2);
        assert_eq!(requests.running(), ["gate `smoke`", "rollback"]);
        assert_eq!(requests.finish(&gate, Some("r1")), Binding::Current);
        assert_eq!(
            requests.finish(&gate, Some("r1")),
            Binding::Unknown,
            "only once"
        );
        assert_eq!(
            requests.finish(&rollback, Some("r2")),
            Binding::Elsewhere("r1".into())
        );
        assert!(!requests.is_empty(), "one revert still to come");
        assert_eq!(
            requests.finish(&rollback, Some("r2")),
            Binding::Elsewhere("r1".into())
        );
        assert!(requests.is_empty());
        let nothing = requests.start("r1", "rollback".into(), 0);
        assert!(requests.is_empty(), "no results to wait for");
        assert_eq!(requests.finish(&nothing, Some("r1")), Binding::Unknown);
    }

    #[test]
    fn a_refused_switch_names_what_still_runs() {
        use crate::app::model::SwitchRefused;
        let one = SwitchRefused {
            running: vec!["gate `smoke`".into()],
        };
        assert_eq!(
            one.to_string(),
            "gate `smoke` running for this release: switch releases once it is done (R shows a rollback)"
        );
        let two = SwitchRefused {
            running: vec!["gate `smoke`".into(), "rollback".into()],
        };
        assert_eq!(
            two.to_string(),
            "gate `smoke`, rollback running for this release: switch releases once they are done (R shows a rollback)"
        );
    }
}
