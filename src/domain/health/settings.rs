//! The `[health]` settings every signal starts from.

use chrono::Duration;

/// The `[health]` settings every signal starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthSettings {
    pub prometheus: Option<String>,
    pub interval: Duration,
    pub baseline: Duration,
    pub chart: Duration,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            prometheus: None,
            interval: Duration::seconds(15),
            baseline: Duration::minutes(30),
            chart: Duration::hours(1),
        }
    }
}
