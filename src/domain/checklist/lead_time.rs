//! Lead time for changes: for each commit a release's tags released, the
//! time from the commit to the release reaching production, as the journal
//! records both (the tag step's released commits; the first production
//! deploy step finished). Kept per release for the DORA figures.

use chrono::{DateTime, Duration, Utc};

use super::{Checklist, GateRun};

/// One commit's way to production.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadTime {
    pub commit: String,
    pub component: Option<String>,
    pub committed: DateTime<Utc>,
    pub lead: Duration,
}

/// A release's lead times; none until it reached production.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadTimes {
    /// When the release reached production, if it has.
    pub deployed: Option<DateTime<Utc>>,
    /// How many commits its tags released.
    pub released: usize,
    pub commits: Vec<LeadTime>,
}

impl LeadTimes {
    /// The middle lead time (the lower of the two middle ones).
    pub fn median(&self) -> Option<Duration> {
        let mut leads: Vec<Duration> = self.commits.iter().map(|c| c.lead).collect();
        leads.sort();
        leads.get(leads.len().saturating_sub(1) / 2).copied()
    }
}

impl Checklist {
    /// Each released commit's lead time. Production is an environment
    /// named `production` or one the playbook gates by go/no-go.
    pub fn lead_times(&self) -> LeadTimes {
        let steps: Vec<_> = self.playbook.steps().map(|(_, s)| s).collect();
        // A deploy step skipped deployed nothing.
        let deployed = steps
            .iter()
            .filter(|s| s.kind.deploys_to().is_some_and(|e| self.is_production(e)))
            .filter(|s| self.record(&s.id).is_none_or(|r| r.skipped.is_none()))
            .filter_map(|s| self.finished_at(s))
            .min();
        let released: Vec<_> = steps
            .iter()
            .filter_map(|s| match &self.record(&s.id)?.gate {
                GateRun::Finished { outcome, .. } if outcome.passed => Some(&outcome.released),
                _ => None,
            })
            .flatten()
            .flat_map(|r| r.commits.iter().map(move |c| (r, c)))
            .collect();
        let commits = match deployed {
            None => Vec::new(),
            Some(at) => released
                .iter()
                .map(|(r, c)| LeadTime {
                    commit: c.id.clone(),
                    component: r.component.clone(),
                    committed: c.at,
                    // A commit dated after the deploy (a clock off) counts
                    // as no time, never as negative.
                    lead: (at - c.at).max(Duration::zero()),
                })
                .collect(),
        };
        LeadTimes {
            deployed,
            released: released.len(),
            commits,
        }
    }
}
