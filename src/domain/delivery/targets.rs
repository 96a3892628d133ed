//! `[metrics]`: the window the figures cover by default, how soon a hotfix
//! counts against the release before it, and the team's targets.

use chrono::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// What `metrics` covers unless `--since` says (90 days).
    pub window: Duration,
    /// A hotfix deployed this soon after a release counts that release as
    /// a failed change (7 days).
    pub hotfix_window: Duration,
    pub lead_time: Option<Target>,
    pub change_failure_rate: Option<Target>,
    pub time_to_restore: Option<Target>,
    pub deployment_frequency: Option<Target>,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            window: Duration::days(90),
            hotfix_window: Duration::days(7),
            lead_time: None,
            change_failure_rate: None,
            time_to_restore: None,
            deployment_frequency: None,
        }
    }
}

/// A figure's bound, in the figure's unit, as the config wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// `true`: the figure should stay at or under `value`; else at or over.
    pub at_most: bool,
    pub value: f64,
    /// As written: `24h`, `5%`, `1/week`.
    pub text: String,
}

// A target's value comes from the config, checked finite: never NaN.
impl Eq for Target {}
impl Eq for DeliverySettings {}

impl Target {
    pub fn met_by(&self, value: f64) -> bool {
        if self.at_most {
            value <= self.value
        } else {
            value >= self.value
        }
    }

    /// `≤ 24h`, `≥ 1/week`.
    pub fn describe(&self) -> String {
        format!("{} {}", if self.at_most { "≤" } else { "≥" }, self.text)
    }
}
