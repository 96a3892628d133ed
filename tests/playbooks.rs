//! Playbooks: every built-in validates and expresses the seeds' facts; each
//! invalid fixture gives its own error, at its line and step.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::PathBuf;

use release_cockpit::config::{ConfigErrors, PlaybookLibrary, parse_playbook};
use release_cockpit::domain::playbook::{StepKind, When};
use release_cockpit::domain::release::ReleaseType;

#[test]
fn every_release_type_has_a_valid_builtin_playbook() {
    let library = PlaybookLibrary::builtin().unwrap_or_else(|e| panic!("{e}"));
    for kind in ReleaseType::ALL {
        let entry = library
            .for_type(kind)
            .unwrap_or_else(|| panic!("no playbook for {kind}"));
        assert_eq!(entry.playbook.name, kind.name());
        assert!(
            entry
                .playbook
                .steps()
                .any(|(_, s)| s.kind.deploys_to() == Some("production")),
            "{kind} deploys to production"
        );
    }
}

fn approvals(kind: ReleaseType) -> Vec<(String, u32)> {
    let library = PlaybookLibrary::builtin().unwrap();
    library
        .for_type(kind)
        .unwrap()
        .playbook
        .steps()
        .filter_map(|(_, s)| match &s.kind {
            StepKind::Approval(rule) => Some((rule.role.clone(), rule.count)),
            _ => None,
        })
        .collect()
}

#[test]
fn approval_policies_follow_the_release_type() {
    assert_eq!(approvals(ReleaseType::Patch), [("owner".to_owned(), 1)]);
    assert_eq!(
        approvals(ReleaseType::Minor),
        [("team".to_owned(), 2), ("tech-lead".to_owned(), 1)]
    );
    let major: Vec<String> = approvals(ReleaseType::Major)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(major, ["architecture", "product", "tech-lead"]);
    assert_eq!(
        approvals(ReleaseType::Hotfix).len(),
        1,
        "one expedited approval"
    );
    assert!(
        approvals(ReleaseType::Emergency).is_empty(),
        "emergencies bypass approvals"
    );
}

#[test]
fn emergency_requires_a_post_mortem_within_a_day() {
    let library = PlaybookLibrary::builtin().unwrap();
    let playbook = &library.for_type(ReleaseType::Emergency).unwrap().playbook;
    let step = playbook.step("post-mortem").expect("post-mortem step");
    assert!(step.required);
    assert_eq!(step.when, When::At("T+24h".parse().unwrap()));
}

#[test]
fn minor_follows_the_release_day_timeline() {
    let library = PlaybookLibrary::builtin().unwrap();
    let playbook = &library.for_type(ReleaseType::Minor).unwrap().playbook;
    let at = |id: &str| match &playbook.step(id).unwrap_or_else(|| panic!("{id}")).when {
        When::At(offset) => offset.to_string(),
        When::After(other) => format!("after {other}"),
    };
    let timeline = [
        ("announce", "T-7d"),
        ("code-quality", "T-3d"),
        ("code-freeze", "T-2d"),
        ("final-verification", "T-1d"),
        ("final-checks", "T-4h"),
        ("tag", "T-0"),
        ("images-built", "T+30m"),
        ("deploy-staging", "T+45m"),
        ("staging-smoke", "after deploy-staging"),
        ("go-no-go", "T+1h"),
        ("deploy-production", "T+1h"),
        ("release-complete", "T+1h30m"),
        ("first-day", "T+1d"),
        ("first-week", "T+7d"),
    ];
    for (id, expected) in timeline {
        assert_eq!(at(id), expected, "{id}");
    }
    let phases: Vec<&str> = playbook.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(phases, ["Pre-release", "Release day", "Post-release"]);
}

#[test]
fn user_playbooks_override_and_add() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/playbooks/patch.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("patch.toml"),
        text.replace("Engineering lead approval", "Owner says yes"),
    )
    .unwrap();
    let custom = text
        .replace("name = \"patch\"", "name = \"docs-only\"")
        .replace("release_types = [\"patch\"]", "release_types = []");
    std::fs::write(dir.path().join("docs.toml"), custom).unwrap();
    let library = PlaybookLibrary::load(Some(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let patch = &library.for_type(ReleaseType::Patch).unwrap().playbook;
    assert_eq!(
        patch.step("owner-approval").unwrap().title,
        "Owner says yes"
    );
    assert!(library.get("docs-only").is_some());
    assert_eq!(library.names().len(), 6);
}

#[test]
fn a_broken_user_playbook_is_reported_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "name = \"bad\"\n[[phase]]\nname = \"p\"\n[[phase.step]]\nid = \"a\"\ntitle = \"A\"\nat = \"soon\"\n").unwrap();
    let ConfigErrors(errors) = PlaybookLibrary::load(Some(dir.path())).unwrap_err();
    let text = errors[0].to_string();
    assert!(text.contains("bad.toml, line 7"), "{text}");
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/playbooks/invalid")
}

#[test]
fn each_invalid_fixture_gives_its_specific_error() {
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "fixtures present");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let header = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("# {key}: ")).map(str::to_owned))
        };
        let expected = header("expect")
            .unwrap_or_else(|| panic!("{} has no `# expect:` line", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ConfigErrors(errors) = parse_playbook(&name, &text).expect_err(&name);
        let error = errors
            .iter()
            .find(|e| e.problem.contains(&expected))
            .unwrap_or_else(|| panic!("{name}: no error contains `{expected}`: {errors:#?}"));
        if let Some(step) = header("expect-step") {
            assert_eq!(error.step.as_deref(), Some(step.as_str()), "{name}");
            assert!(
                error.to_string().contains(&format!("step `{step}`")),
                "{name}: {error}"
            );
        }
        if let Some(line) = header("expect-line") {
            assert_eq!(
                error.location.as_ref().map(|l| l.line.to_string()),
                Some(line),
                "{name}: {error}"
            );
        }
        assert!(!error.fix.is_empty(), "{name} has a fix");
    }
}

#[test]
fn go_no_go_and_a_deploying_command_are_read_from_the_playbook() {
    let text = r#"
name = "shipit"
go_no_go = ["production", "eu-production"]

[[phase]]
name = "Release day"

[[phase.step]]
id = "sign-off"
title = "Sign-off"
at = "T-1h"
kind = "approval"
role = "tech-lead"

[[phase.step]]
id = "ship-eu"
title = "Deploy to the EU"
at = "T-0"
kind = "command"
run = "npm run deploy:eu"
environment = "eu-production"
"#;
    let playbook = parse_playbook("shipit.toml", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(playbook.go_no_go, ["production", "eu-production"]);
    let ship = playbook.step("ship-eu").unwrap();
    assert_eq!(ship.kind.deploys_to(), Some("eu-production"));
    assert!(playbook.is_gated(ship));
    assert_eq!(playbook.gating_summary(), "gates ship-eu (eu-production)");

    let bad = text.replace(
        r#"["production", "eu-production"]"#,
        r#"["production", " "]"#,
    );
    let errors = parse_playbook("shipit.toml", &bad).unwrap_err().to_string();
    assert!(
        errors.contains("shipit.toml, line 3") && errors.contains("empty environment"),
        "{errors}"
    );
    // `environment` on a kind that deploys nowhere is still a typo.
    let manual = text.replace("kind = \"command\"\nrun = \"npm run deploy:eu\"\n", "");
    let errors = parse_playbook("shipit.toml", &manual)
        .unwrap_err()
        .to_string();
    assert!(
        errors.contains("`environment` do not apply to a `manual` step"),
        "{errors}"
    );
}
