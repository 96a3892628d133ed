//! A fixed, deterministic model for tests, snapshots and benchmarks.

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};

use super::calendar_view::CalendarView;
use super::keymap::Keymap;
use super::model::{ConfigOrigin, Model, Pane, Session, Themes};
use super::release_view::ReleaseView;
use crate::config::ConfigSource;
use crate::config::PlaybookLibrary;
use crate::domain::calendar::Calendar;
use crate::domain::checklist::Checklist;
use crate::domain::events::{Event, Recorded};
use crate::domain::release::{Release, ReleaseType};

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
        roles: BTreeMap::new(),
        following: None,
    };
    let themes = Themes {
        names: ["dark", "light", "high-contrast", "terminal"]
            .map(str::to_owned)
            .to_vec(),
        current: 0,
    };
    let theme_names = themes.names.clone();
    let mut model = Model::new(session, Keymap::defaults(), themes, now, chrono_tz::UTC);
    model.calendar =
        CalendarView::new(demo_calendar(&theme_names), Vec::new(), now, chrono_tz::UTC);
    model
}

/// The built-in demo's trains and blackouts.
pub fn demo_calendar(theme_names: &[String]) -> Calendar {
    let settings = ConfigSource::Demo {
        reason: "fixture".to_owned(),
    }
    .load()
    .and_then(|loaded| loaded.settings(theme_names))
    .unwrap_or_else(|e| panic!("the demo config: {e}"));
    Calendar {
        trains: settings.trains,
        blackouts: settings.blackouts,
        changes: Default::default(),
    }
}

/// The sample model with the built-in minor playbook's release 2.4.0 open, T-0
/// at 18:00 UTC (1h20m after the sample's clock), started by `carol` a week
/// before, with the Checklist pane focused.
pub fn sample_model_with_release() -> Model {
    let mut model = sample_model();
    let t0 = model.clock.now + Duration::minutes(80);
    let library = PlaybookLibrary::builtin().unwrap_or_else(|e| panic!("built-in playbooks: {e}"));
    let entry = library
        .for_type(ReleaseType::Minor)
        .unwrap_or_else(|| panic!("a minor playbook"));
    let version = semver::Version::new(2, 4, 0);
    let release = Release {
        id: Release::make_id("minor", &version, t0),
        name: "minor".to_owned(),
        kind: ReleaseType::Minor,
        version,
        t0,
        zone: chrono_tz::America::Los_Angeles,
        playbook: entry.playbook.name.clone(),
        targets: Vec::new(),
    };
    let started = Recorded {
        seq: 1,
        at: t0 - Duration::days(8),
        operator: "carol".to_owned(),
        event: Event::ReleaseStarted {
            release: release.clone(),
            playbook_file: entry.file.clone(),
            playbook_text: entry.text.clone(),
        },
    };
    model.release = Some(ReleaseView::new(Checklist::new(
        release,
        entry.playbook.clone(),
        &started,
    )));
    model.focus = Pane::Checklist;
    model
}
