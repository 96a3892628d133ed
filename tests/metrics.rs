//! `release-cockpit metrics` and `releases` read journals written by the
//! real session code: a release out, one rolled back, one hotfixed two
//! days after, one abandoned, one still ahead. The JSON is kept as a golden
//! file, so a change in what is counted shows in review.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, Duration, TimeZone, Utc};
use release_cockpit::config::PlaybookLibrary;
use release_cockpit::domain::events::{CommitTime, Event, GateOutcome, Released};
use release_cockpit::session::{NewRelease, Opened, ReleaseStore, start_release};

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

fn run(args: &[&str], home: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("RELEASE_COCKPIT_CONFIG")
        .output()
        .expect("run the binary")
}

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 10, 0, 0).unwrap()
}

fn record(opened: &mut Opened, at: DateTime<Utc>, event: Event) {
    let recorded = opened.journal.append("dana", at, event).unwrap();
    opened.checklist.apply(&recorded);
}

/// Started a week ahead; tagged at T-0 with commits made `commits` hours
/// before the deploy an hour later, whose rollouts take `rollout` minutes.
fn shipped(store: &ReleaseStore, spec: &str, commits: &[i64], rollout: i64) -> Opened {
    let library = PlaybookLibrary::builtin().unwrap();
    let new = NewRelease::parse(spec, chrono_tz::UTC).unwrap();
    let t0 = new.t0;
    let mut opened = start_release(store, &library, &new, "dana", t0 - Duration::days(7)).unwrap();
    let version = opened.checklist.release.version.to_string();
    let deploy = t0 + Duration::hours(1);
    record(&mut opened, t0, Event::GateStarted { step: "tag".into() });
    record(
        &mut opened,
        t0,
        Event::GateFinished {
            step: "tag".into(),
            outcome: GateOutcome {
                passed: true,
                summary: format!("tagged v{version}"),
                output: String::new(),
                duration_ms: 40,
                released: vec![Released {
                    component: None,
                    tag: format!("v{version}"),
                    commits: commits
                        .iter()
                        .enumerate()
                        .map(|(i, h)| CommitTime {
                            id: format!("c{i}{version}"),
                            at: deploy - Duration::hours(*h),
                        })
                        .collect(),
                }],
            },
        },
    );
    record(
        &mut opened,
        deploy,
        Event::DeployRequested {
            version: version.clone(),
            targets: vec![format!("production/checkout checkout=shop/app:{version}")],
            dry_run: false,
            step: Some("deploy-production".into()),
        },
    );
    record(
        &mut opened,
        deploy,
        Event::DeployFinished {
            ok: true,
            results: vec!["production/checkout: image set".into()],
        },
    );
    record(
        &mut opened,
        deploy,
        Event::StepCompleted {
            step: "deploy-production".into(),
        },
    );
    let complete = deploy + Duration::minutes(rollout);
    record(
        &mut opened,
        complete,
        Event::RolloutFinished {
            ok: true,
            detail: "production/checkout complete".into(),
        },
    );
    // The rest of release day, passed over here.
    let phase: Vec<String> = {
        let checklist = &opened.checklist;
        let (index, _) = checklist
            .playbook
            .steps()
            .find(|(_, s)| s.id == "deploy-production")
            .unwrap();
        checklist
            .playbook
            .steps()
            .filter(|(p, s)| *p == index && s.required && checklist.finished_at(s).is_none())
            .map(|(_, s)| s.id.clone())
            .collect()
    };
    for step in phase {
        record(
            &mut opened,
            complete + Duration::minutes(1),
            Event::StepSkipped {
                step,
                reason: "not part of this test".into(),
            },
        );
    }
    opened
}

fn write_journals(home: &Path) {
    let store = ReleaseStore::new(home.join("state/release-cockpit/releases"));
    shipped(&store, "minor 2.3.0 2026-11-03 10:00 UTC", &[4, 20, 30], 5);

    let mut bad = shipped(&store, "minor 2.4.0 2026-11-10 10:00 UTC", &[12], 6);
    let fired = day(10) + Duration::hours(2);
    record(
        &mut bad,
        fired,
        Event::TriggerFired {
            rule: "error_rate > 5% for 2m".into(),
            signal: "error_rate".into(),
            value: release_cockpit::domain::events::Number(0.07),
            since: fired - Duration::minutes(2),
        },
    );
    record(
        &mut bad,
        fired,
        Event::RollbackStarted {
            severity: release_cockpit::domain::rollback::Severity::P1,
            reason: "checkout errors".into(),
            items: Vec::new(),
            automatic: false,
        },
    );
    record(
        &mut bad,
        fired + Duration::minutes(16),
        Event::RollbackVerified {
            ok: true,
            detail: "every target back and healthy".into(),
            time_to_restore_secs: Some(18 * 60),
        },
    );

    shipped(&store, "minor 2.5.0 2026-11-17 10:00 UTC", &[30, 40], 4);
    shipped(&store, "hotfix 2.5.1 2026-11-19 10:00 UTC", &[2], 3);

    let library = PlaybookLibrary::builtin().unwrap();
    let new = NewRelease::parse("minor 2.6.0 2026-11-24 10:00 UTC", chrono_tz::UTC).unwrap();
    let mut abandoned = start_release(&store, &library, &new, "dana", day(17)).unwrap();
    record(
        &mut abandoned,
        day(23),
        Event::ReleaseAbandoned {
            reason: "the payment provider is down all week".into(),
        },
    );
    let new = NewRelease::parse("patch 2.5.2 2026-12-08 10:00 UTC", chrono_tz::UTC).unwrap();
    start_release(&store, &library, &new, "dana", day(30)).unwrap();

    let config = home.join("config/release-cockpit/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        config,
        "[metrics]\nlead_time = \"24h\"\nchange_failure_rate = \"15%\"\ntime_to_restore = \"1h\"\ndeployment_frequency = \"1/week\"\n",
    )
    .unwrap();
}

#[test]
fn the_figures_from_five_weeks_of_journals_match_the_golden_json() {
    let home = tempfile::tempdir().unwrap();
    write_journals(home.path());
    let out = run(
        &[
            "metrics",
            "--json",
            "--since",
            "5w",
            "--until",
            "2026-12-01",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["change_failure_rate"]["releases"][0],
        "minor-2.4.0-20261110"
    );
    insta::assert_snapshot!("metrics_json", json);

    let out = run(
        &["metrics", "--since", "5w", "--until", "2026-12-01"],
        home.path(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("change failure rate"), "{text}");
    assert!(text.contains("MISSED"), "50% against 15%: {text}");
}

#[test]
fn releases_shows_each_outcome() {
    let home = tempfile::tempdir().unwrap();
    write_journals(home.path());
    let out = run(&["releases"], home.path());
    let listing = String::from_utf8(out.stdout).unwrap();
    let outcome = |id: &str| {
        listing
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} in\n{listing}"))
            .to_owned()
    };
    assert!(
        outcome("minor-2.3.0-20261103").contains("released"),
        "{listing}"
    );
    assert!(
        outcome("minor-2.4.0-20261110").contains("rolled back"),
        "{listing}"
    );
    assert!(
        outcome("minor-2.6.0-20261124").contains("abandoned"),
        "{listing}"
    );
    assert!(
        outcome("patch-2.5.2-20261208").contains("upcoming"),
        "{listing}"
    );
}

#[test]
fn a_bad_since_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&["metrics", "--since", "lately"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--since"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
