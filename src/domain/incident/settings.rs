//! `[rollback]`'s incident part: when the report is due, the follow-ups, and
//! the team's severity scale. The wizard's report and `:incident` share it.

use chrono::Duration;

use super::follow_ups::FollowUpRule;
use crate::domain::severity_scale::SeverityScale;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentSettings {
    /// How long after the incident its report must be complete (1h).
    pub report: Duration,
    /// Due after the incident, in this order. Unset, one post-mortem due
    /// after `post_mortem` (24h): the behaviour before follow-ups existed.
    pub follow_ups: Vec<FollowUpRule>,
    pub severities: SeverityScale,
}

/// The post-mortem every incident had before `follow_ups` existed.
pub fn post_mortem(due: Duration) -> FollowUpRule {
    FollowUpRule {
        title: "Post-mortem".to_owned(),
        due,
    }
}

impl Default for IncidentSettings {
    fn default() -> Self {
        Self {
            report: Duration::hours(1),
            follow_ups: vec![post_mortem(Duration::hours(24))],
            severities: SeverityScale::default(),
        }
    }
}
