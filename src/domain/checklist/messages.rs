//! The messages a release sent that are no notify step's (`notify` from a
//! script, a signal's warning, the rollback notice), as the journal tells
//! them: what the next one's key is, and which one a crash cut off.

use chrono::{DateTime, Utc};

use super::Checklist;
use crate::domain::events::{Event, Recorded};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageLog {
    /// In the order they were journaled.
    entries: Vec<MessageEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEntry {
    pub key: String,
    pub channel: String,
    pub template: String,
    pub about: String,
    pub at: DateTime<Utc>,
    pub by: String,
    /// `None` while sending, or when the cockpit stopped before the outcome.
    pub outcome: Option<(bool, String)>,
}

impl MessageLog {
    pub(super) fn apply(&mut self, recorded: &Recorded) {
        match &recorded.event {
            Event::MessageSending {
                key,
                channel,
                template,
                about,
            } => {
                self.entries.push(MessageEntry {
                    key: key.clone(),
                    channel: channel.clone(),
                    template: template.clone(),
                    about: about.clone(),
                    at: recorded.at,
                    by: recorded.operator.clone(),
                    outcome: None,
                });
            }
            Event::MessageSent {
                key, ok, summary, ..
            } => {
                if let Some(entry) = self.entries.iter_mut().rev().find(|e| &e.key == key) {
                    entry.outcome = Some((*ok, summary.clone()));
                }
            }
            _ => {}
        }
    }

    /// How many messages about `about` went out.
    pub fn sent(&self, about: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.about == about && matches!(e.outcome, Some((true, _))))
            .count()
    }

    /// How many messages about `about` were journaled, sent or not.
    pub fn count(&self, about: &str) -> usize {
        self.entries.iter().filter(|e| e.about == about).count()
    }

    /// The last message about `about` that went out.
    pub fn delivered(&self, about: &str) -> Option<&MessageEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.about == about && matches!(e.outcome, Some((true, _))))
    }

    /// The messages about `about` journaled since the last that went out
    /// (failed, or cut off by a crash), oldest first.
    pub fn tries_since_delivered(&self, about: &str) -> Vec<&MessageEntry> {
        let mut tries: Vec<&MessageEntry> = self
            .entries
            .iter()
            .rev()
            .filter(|e| e.about == about)
            .take_while(|e| !matches!(e.outcome, Some((true, _))))
            .collect();
        tries.reverse();
        tries
    }

    /// The last message about `about` journaled.
    pub fn last(&self, about: &str) -> Option<&MessageEntry> {
        self.entries.iter().rev().find(|e| e.about == about)
    }

    pub fn iter(&self) -> impl Iterator<Item = &MessageEntry> {
        self.entries.iter()
    }
}

impl Checklist {
    /// How many times a notify step's message went out (its passed runs):
    /// the next send's key counts from here.
    pub fn times_sent(&self, step: &str) -> usize {
        self.record(step).map_or(0, |record| {
            record
                .history
                .iter()
                .filter(
                    |r| matches!(&r.event, Event::GateFinished { outcome, .. } if outcome.passed),
                )
                .count()
        })
    }
}
