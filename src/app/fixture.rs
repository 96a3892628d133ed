//! A fixed, deterministic model for tests, snapshots and benchmarks.

use chrono::{TimeZone, Utc};

use super::keymap::Keymap;
use super::model::{ConfigOrigin, Model, Session, Themes};

/// The cockpit as it starts with the built-in demo, at a fixed instant, in UTC,
/// for operator `alice`.
pub fn sample_model() -> Model {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 21, 16, 40, 0)
        .single()
        .unwrap_or_default();
    let session = Session {
        operator: "alice".to_owned(),
        read_only: false,
        origin: ConfigOrigin::Demo {
            reason: "no config file".to_owned(),
        },
    };
    let themes = Themes {
        names: ["dark", "light", "high-contrast", "terminal"]
            .map(str::to_owned)
            .to_vec(),
        current: 0,
    };
    Model::new(session, Keymap::defaults(), themes, now, chrono_tz::UTC)
}
