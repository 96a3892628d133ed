#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every built-in message template filled in from the sample release (a
//! minor 2.4.0, T-0 in Los Angeles, a week lived through), as golden files:
//! what a team reads is reviewed as text.

use release_cockpit::app::fixture::sample_model_with_release;
use release_cockpit::domain::comms::template::{NAMES, render};
use release_cockpit::domain::comms::values::{Context, values};
use release_cockpit::domain::versioning::bump::Bump;
use release_cockpit::domain::versioning::reading::ComponentReading;

fn readings() -> Vec<ComponentReading> {
    vec![ComponentReading {
        label: "shop".into(),
        component: None,
        previous_tag: Some("v2.3.1".into()),
        commits: 4,
        bump: Bump::Minor,
        suggested: semver::Version::new(2, 4, 0),
        why: "2 feature(s)".into(),
        beyond_type: None,
        notes: "## [2.4.0] - 2026-12-01\n\n### Added\n\n- **search:** search as you type (#31, 0a92dfe)\n- **orders:** export orders as CSV (#35, 3b3f104)\n\n### Fixed\n\n- **checkout:** a declined card keeps the cart (#33, cce0f27)\n".into(),
        summary: "v2.4.0: 2 added, 1 fixed".into(),
    }]
}

#[test]
fn every_built_in_template_reads_well_for_the_sample_release() {
    let model = sample_model_with_release();
    let checklist = &model.release.as_ref().unwrap().checklist;
    let readings = readings();
    let context = Context {
        zone: Some(chrono_tz::Europe::Berlin),
        window: Some(chrono::Duration::hours(1)),
        readings: Some(&readings),
    };
    let filled = values(checklist, model.clock.now, &context);
    let mut alert = filled.clone();
    alert.extend([
        ("signal", "error_rate".to_owned()),
        ("level", "Critical".to_owned()),
        ("rule", "error_rate > 5% for 2m".to_owned()),
        ("value", "7.20%".to_owned()),
        ("since", "16:38 today".to_owned()),
    ]);
    for name in NAMES {
        let template = model.messages.get(name).unwrap();
        let values = if name.starts_with("alert") {
            &alert
        } else {
            &filled
        };
        insta::assert_snapshot!(format!("message_{name}"), render(template, values));
    }
    // Without a repository there are no features or fixes: their parts go.
    let bare = values(checklist, model.clock.now, &Context::default());
    let complete = render(model.messages.get("complete").unwrap(), &bare);
    assert!(
        !complete.contains("New:") && !complete.contains("{{"),
        "{complete}"
    );
}

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

fn cockpit(
    home: &std::path::Path,
    config: &std::path::Path,
    args: &[&str],
) -> (i32, String, String) {
    let output = std::process::Command::new(BIN)
        .arg("--config")
        .arg(config)
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("RELEASE_COCKPIT_CONFIG", "")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn notify_dry_run_prints_the_open_releases_message_and_sending_needs_a_channel() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("cockpit.toml");
    std::fs::write(
        &config,
        "[operator]\nname = \"alice\"\ntimezone = \"Europe/Berlin\"\n",
    )
    .unwrap();
    let (code, _, err) = cockpit(home.path(), &config, &["notify", "announce", "--dry-run"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no release in progress"), "{err}");
    let (code, _, err) = cockpit(
        home.path(),
        &config,
        &[
            "start",
            "--type",
            "minor",
            "--version",
            "2.4.0",
            "--at",
            "2026-12-08 10:00 UTC",
        ],
    );
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = cockpit(home.path(), &config, &["notify", "announce", "--dry-run"]);

    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("**Scheduled release: Tue 8 Dec 10:00 UTC**"),
        "{out}"
    );
    assert!(
        out.contains("of our service (2.4.0)") && !out.contains("{{"),
        "{out}"
    );
    let (code, _, err) = cockpit(home.path(), &config, &["notify", "announce"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("nowhere to send: no [[channel]] in the config") && err.contains("--dry-run"),
        "{err}"
    );
    let (code, _, err) = cockpit(home.path(), &config, &["notify", "anounce", "--dry-run"]);
    assert_eq!(code, 2);
    assert!(err.contains("use one of notice, announce"), "{err}");
}
