use std::path::PathBuf;

use chrono::Duration;

use crate::config::source::{ConfigSource, LoadedConfig, parse};
use crate::config::{ConfigError, ConfigErrors};
use crate::domain::incident::{FollowUpRule, IncidentSettings};
use crate::domain::rollback::Severity;

fn loaded(text: &str) -> LoadedConfig {
    let file = "cockpit.toml";
    LoadedConfig {
        source: ConfigSource::Flag(PathBuf::from(file)),
        file: file.to_owned(),
        text: text.to_owned(),
        config: parse(file, text).unwrap_or_else(|e| panic!("{e:#?}")),
    }
}

fn settings(text: &str) -> IncidentSettings {
    loaded(text).incident().unwrap_or_else(|e| panic!("{e:#?}"))
}

fn one_error(text: &str) -> ConfigError {
    let mut errors = loaded(text).incident().expect_err("expected an error");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

fn line_and_key(error: &ConfigError) -> (usize, Option<&str>) {
    (
        error.location.as_ref().map_or(0, |l| l.line),
        error.key.as_deref(),
    )
}

#[test]
fn unset_keys_keep_the_post_mortem_a_day_after_and_the_report_in_an_hour() {
    let s = settings("");
    assert_eq!(s.report, Duration::hours(1));
    assert_eq!(
        s.follow_ups,
        [FollowUpRule {
            title: "Post-mortem".into(),
            due: Duration::hours(24)
        }]
    );
    assert_eq!(s.severities.get(0).label(), "P0");
    // The older key still moves the post-mortem.
    let s = settings("[rollback]\npost_mortem = \"48h\"\n");
    assert_eq!(s.follow_ups[0].due, Duration::hours(48));
}

#[test]
fn follow_ups_report_and_severities_load_as_written() {
    let s = settings(
        r#"[rollback]
report = "1h"
follow_ups = [{ title = "Root cause analysis", due = "24h" }, { title = "Regression test added", due = "1w" }]
severities = [
  { name = "critical", level = "P0", covers = "data loss, outage" },
  { name = "high", level = "P1" },
  { name = "medium", level = "P2" },
  { name = "low", level = "p2" },
]
"#,
    );
    assert_eq!(s.report, Duration::hours(1));
    let titles: Vec<(&str, Duration)> = s
        .follow_ups
        .iter()
        .map(|f| (f.title.as_str(), f.due))
        .collect();
    assert_eq!(
        titles,
        [
            ("Root cause analysis", Duration::hours(24)),
            ("Regression test added", Duration::weeks(1))
        ]
    );
    let names: Vec<String> = s.severities.names().iter().map(|n| n.label()).collect();
    assert_eq!(
        names,
        ["critical (P0)", "high (P1)", "medium (P2)", "low (P2)"]
    );
    assert_eq!(s.severities.get(0).covers(), "data loss, outage");
    assert_eq!(s.severities.rank_of(Severity::P2), 2);
    // An escape written in the file never reaches a terminal.
    let s = settings(
        "[rollback]\nseverities = [{ name = \"SEV1\\u001b[2J\", level = \"P0\" }, { name = \"SEV2\", level = \"P1\" }, { name = \"SEV3\", level = \"P2\" }]\nfollow_ups = [{ title = \"RCA\\u0007\", due = \"1d\" }]\n",
    );
    assert_eq!(s.severities.get(0).name, "SEV1[2J");
    assert_eq!(s.follow_ups[0].title, "RCA");
}

#[test]
fn a_bad_follow_up_names_its_line_field_and_fix() {
    let error = one_error(
        "[rollback]\nfollow_ups = [\n  { title = \"RCA\", due = \"24h\" },\n  { title = \"Tests\", due = \"soon\" },\n]\n",
    );
    assert_eq!(
        line_and_key(&error),
        (4, Some("rollback.follow_ups[1].due"))
    );
    assert!(error.fix.contains("15s, 5m or 1h"), "{error:#?}");
    let error = one_error("[rollback]\nfollow_ups = [{ title = \" \", due = \"1d\" }]\n");
    assert_eq!(
        line_and_key(&error),
        (2, Some("rollback.follow_ups[0].title"))
    );
    assert!(error.fix.contains("Root cause analysis"), "{error:#?}");
}

#[test]
fn post_mortem_beside_follow_ups_is_refused_with_the_line_to_write() {
    let error = one_error(
        "[rollback]\npost_mortem = \"48h\"\nfollow_ups = [{ title = \"RCA\", due = \"1d\" }]\n",
    );
    assert_eq!(line_and_key(&error), (2, Some("rollback.post_mortem")));
    assert!(
        error
            .fix
            .contains("{ title = \"Post-mortem\", due = \"48h\" }"),
        "{error:#?}"
    );
}

#[test]
fn a_bad_report_time_is_located() {
    let error = one_error("[rollback]\nverify = \"5m\"\nreport = \"0s\"\n");
    assert_eq!(line_and_key(&error), (3, Some("rollback.report")));
}

#[test]
fn a_severity_scale_that_does_not_map_onto_the_matrix_says_where_and_how() {
    let error = one_error(
        "[rollback]\nseverities = [\n  { name = \"critical\", level = \"P0\" },\n  { name = \"high\", level = \"P4\" },\n]\n",
    );
    assert_eq!(
        line_and_key(&error),
        (4, Some("rollback.severities[1].level"))
    );
    assert_eq!(error.expected.as_deref(), Some("P0, P1, P2"));
    let error = one_error(
        "[rollback]\nseverities = [\n  { name = \"low\", level = \"P2\" },\n  { name = \"critical\", level = \"P0\" },\n  { name = \"high\", level = \"P1\" },\n]\n",
    );
    assert_eq!(
        line_and_key(&error),
        (4, Some("rollback.severities[1].level"))
    );
    assert!(error.fix.contains("most severe first"), "{error:#?}");
    let error = one_error(
        "[rollback]\nseverities = [{ name = \"SEV1\", level = \"P0\" }, { name = \"SEV3\", level = \"P2\" }]\n",
    );
    assert_eq!(line_and_key(&error), (2, Some("rollback.severities")));
    assert!(error.problem.contains("P1"), "{error:#?}");
    let error = one_error(
        "[rollback]\nseverities = [{ name = \"high\", level = \"P0\" }, { name = \"High\", level = \"P1\" }, { name = \"low\", level = \"P2\" }]\n",
    );
    assert!(error.problem.contains("listed twice"), "{error:#?}");
}

#[test]
fn an_unknown_field_in_a_severity_is_a_parse_error_at_its_line() {
    let result = parse(
        "cockpit.toml",
        "[rollback]\nseverities = [\n  { name = \"critical\", levle = \"P0\" },\n]\n",
    );
    let Err(ConfigErrors(errors)) = result else {
        panic!("expected an error");
    };
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(3));
    assert!(errors[0].problem.contains("levle"), "{errors:#?}");
}
