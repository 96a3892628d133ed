#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The repository steps' work (`runtime/repo_step.rs`) on real repositories
//! made with git under a sandboxed config, a bare repository as the remote:
//! tags for a release of three components, the notes written into the
//! CHANGELOG and a notes file, release and hotfix branches, and the checks
//! a gate makes (branch, tag not made yet, the CHANGELOG's section).

mod support;

use std::collections::BTreeMap;

use release_cockpit::domain::playbook::{BranchLine, RepoCheck, RepoStep, RepoWork};
use release_cockpit::domain::release::{Release, ReleaseType};
use release_cockpit::domain::versioning::notes::Style;
use release_cockpit::domain::versioning::plan::RepoPlan;
use release_cockpit::domain::versioning::repos::{Component, Repo as RepoConfig, Repos};
use release_cockpit::runtime::repo_step::{self, Place};
use support::git::{Repo, remote_refs, with_remote};

fn repos(repo: &Repo, format: &str, components: &[&str]) -> Repos {
    Repos {
        repos: vec![RepoConfig {
            name: "shop".into(),
            path: repo.path(),
            tag_format: format.into(),
            main_branch: "main".into(),
            release_branch: "release/v{version}".into(),
            hotfix_branch: "hotfix/{date}-{slug}".into(),
            style: Style::KeepAChangelog,
            changelog: "CHANGELOG.md".into(),
            remote: Some("origin".into()),
            allow_dirty: false,
        }],
        components: components
            .iter()
            .map(|name| Component {
                name: (*name).into(),
                repo: 0,
                path: Some((*name).into()),
                tag_format: "{component}-v{version}".into(),
                targets: Vec::new(),
            })
            .collect(),
        templates: Default::default(),
    }
}

fn release(version: &str, components: &[(&str, &str)]) -> Release {
    Release {
        id: "r".into(),
        name: "cart totals".into(),
        kind: ReleaseType::Minor,
        version: semver::Version::parse(version).unwrap(),
        t0: "2026-12-03T10:00:00Z".parse().unwrap(),
        zone: chrono_tz::UTC,
        playbook: "p".into(),
        targets: Vec::new(),
        components: components
            .iter()
            .map(|(n, v)| ((*n).to_owned(), semver::Version::parse(v).unwrap()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn plan(repos: &Repos, work: RepoWork, release: &Release) -> RepoPlan {
    repos
        .plan(
            "step",
            &RepoStep {
                work,
                component: None,
            },
            release,
        )
        .unwrap()
}

fn place() -> (Place, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (
        Place {
            notes_dir: dir.path().join("notes"),
        },
        dir,
    )
}

#[test]
fn a_tag_step_tags_with_the_notes_summary_and_never_moves_a_tag() {
    let (repo, remote) = with_remote();
    repo.tag("v2.3.0");
    repo.commit("a", "feat(api): channel sync (#12)");
    repo.commit("a", "fix: round totals");
    let repos = repos(&repo, "v{version}", &[]);
    let plan = plan(&repos, RepoWork::Tag, &release("2.4.0", &[]));
    let (place, _dir) = place();

    let outcome = repo_step::run(&plan, &place);

    assert!(outcome.passed, "{}", outcome.summary);
    assert!(
        outcome
            .summary
            .contains("as v2.4.0, pushed to origin (from main)"),
        "{}",
        outcome.summary
    );
    assert_eq!(
        repo.git(&["tag", "-l", "--format=%(contents:subject)", "v2.4.0"]),
        "v2.4.0: 1 added, 1 fixed"
    );
    assert!(remote_refs(&remote).contains("refs/tags/v2.4.0"));
    // The commits it released, with their times, for their lead times.
    let [released] = outcome.released.as_slice() else {
        panic!("{:?}", outcome.released)
    };
    assert_eq!(released.tag, "v2.4.0");
    let ids: Vec<&str> = released.commits.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            repo.git(&["rev-parse", "HEAD"]),
            repo.git(&["rev-parse", "HEAD~1"])
        ]
    );
    assert!(released.commits[0].at > released.commits[1].at);
    repo.commit("a", "fix: after the release");
    let again = repo_step::run(&plan, &place);
    assert!(!again.passed);
    assert!(again.summary.contains("never moved"), "{}", again.summary);
}

/// backend 1.4.0, frontend 2.0.0 and bot 0.8.0 released, then changes to each.
fn three_components() -> (Repo, tempfile::TempDir) {
    let (repo, remote) = with_remote();
    repo.commit("backend/main.rs", "feat(api): first endpoints");
    repo.commit("frontend/app.ts", "feat: first screen");
    repo.commit("bot/bot.py", "feat: first command");
    for tag in ["backend-v1.4.0", "frontend-v2.0.0", "bot-v0.8.0"] {
        repo.tag(tag);
    }
    repo.commit("backend/orders.rs", "feat(orders): export as CSV (#51)");
    repo.commit("frontend/cart.ts", "fix(cart): round totals");
    repo.commit("bot/bot.py", "feat(bot)!: commands take a project");
    repo.git(&["push", "-q", "origin", "main"]);
    (repo, remote)
}

#[test]
fn a_release_of_three_components_tags_each_with_its_own_notes_and_a_retry_finishes_it() {
    let (repo, remote) = three_components();
    let repos = repos(&repo, "v{version}", &["backend", "frontend", "bot"]);
    let held = release(
        "2026.12.0",
        &[
            ("backend", "1.5.0"),
            ("frontend", "2.0.1"),
            ("bot", "0.9.0"),
        ],
    );
    let plan = plan(&repos, RepoWork::Tag, &held);
    // bot's tag is taken at another commit: the step stops there.
    repo.git(&["tag", "bot-v0.9.0", "HEAD~1"]);
    let (place, _dir) = place();

    let failed = repo_step::run(&plan, &place);

    assert!(!failed.passed);
    assert!(
        failed.released.is_empty(),
        "a step not passed released nothing"
    );
    assert!(
        failed.summary.starts_with("bot: bot-v0.9.0 exists already"),
        "{}",
        failed.summary
    );
    assert!(
        failed.summary.contains("done before it: backend: tagged")
            && failed.summary.contains("frontend: tagged"),
        "what was done is said: {}",
        failed.summary
    );
    for (tag, subject) in [
        ("backend-v1.5.0", "backend v1.5.0: 1 added"),
        ("frontend-v2.0.1", "frontend v2.0.1: 1 fixed"),
    ] {
        assert_eq!(
            repo.git(&["tag", "-l", "--format=%(contents:subject)", tag]),
            subject
        );
        assert!(remote_refs(&remote).contains(&format!("refs/tags/{tag}")));
    }

    // The taken tag removed, the step run again finishes: the two made
    // are made already on this commit, the third is made.
    repo.git(&["tag", "-d", "bot-v0.9.0"]);
    let retried = repo_step::run(&plan, &place);
    assert!(retried.passed, "{}", retried.summary);
    let counts: Vec<(&str, usize)> = retried
        .released
        .iter()
        .map(|r| (r.tag.as_str(), r.commits.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("backend-v1.5.0", 1),
            ("frontend-v2.0.1", 1),
            ("bot-v0.9.0", 1)
        ],
        "each component's own commits"
    );
    assert!(
        retried
            .summary
            .contains("backend-v1.5.0 was made here already"),
        "{}",
        retried.summary
    );
    assert_eq!(
        repo.git(&["tag", "-l", "--format=%(contents:subject)", "bot-v0.9.0"]),
        "bot v0.9.0: 1 breaking, 1 added"
    );
}

#[test]
fn the_notes_step_puts_a_section_on_top_of_the_changelog_and_writes_a_notes_file() {
    let (repo, _remote) = with_remote();
    std::fs::write(
        repo.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n## [2.3.0] - 2026-11-01\n\n### Fixed\n\n- old\n",
    )
    .unwrap();
    repo.git(&["add", "CHANGELOG.md"]);
    repo.git(&["commit", "-q", "-m", "docs: changelog"]);
    repo.tag("v2.3.0");
    repo.commit("a", "feat(api): channel sync (#12)");
    repo.commit("a", "fix: round totals");
    let repos = repos(&repo, "v{version}", &[]);
    let held = release("2.4.0", &[]);
    let (place, _dir) = place();

    // Before the notes are committed, the CHANGELOG check fails and says how.
    let check = plan(
        &repos,
        RepoWork::Check(RepoCheck::ChangelogHasSection),
        &held,
    );
    let before = repo_step::run(&check, &place);
    assert!(!before.passed);
    assert!(
        before.summary.contains("has no section for 2.4.0"),
        "{}",
        before.summary
    );

    let written = repo_step::run(&plan(&repos, RepoWork::Notes, &held), &place);

    assert!(written.passed, "{}", written.summary);
    let changelog = std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap();
    let new_at = changelog.find("## [2.4.0] - ").unwrap();
    assert!(changelog.find("## [Unreleased]").unwrap() < new_at);
    assert!(new_at < changelog.find("## [2.3.0] - 2026-11-01").unwrap());
    assert!(
        changelog.contains("### Added\n\n- **api:** channel sync (#12"),
        "{changelog}"
    );
    assert!(
        changelog.ends_with("### Fixed\n\n- old\n"),
        "the rest untouched"
    );
    let file = place.notes_dir.join("v2.4.0.md");
    let notes = std::fs::read_to_string(&file).unwrap();
    assert!(notes.contains("round totals"), "{notes}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Written twice, the CHANGELOG keeps one section.
    let again = repo_step::run(&plan(&repos, RepoWork::Notes, &held), &place);
    assert!(
        again.summary.contains("has its section already"),
        "{}",
        again.summary
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap(),
        changelog
    );

    // Committed, the check passes; nothing was committed by the step.
    assert!(
        repo.git(&["status", "--porcelain"])
            .contains("CHANGELOG.md")
    );
    repo.git(&["commit", "-q", "-am", "docs: notes for 2.4.0"]);
    let after = repo_step::run(&check, &place);
    assert!(after.passed, "{}", after.summary);
}

#[test]
fn branch_steps_cut_the_release_branch_from_main_and_a_hotfix_from_the_latest_release() {
    let (repo, remote) = with_remote();
    repo.tag("v2.3.0");
    let released = repo.git(&["rev-parse", "HEAD"]);
    repo.commit("a", "feat: on main since");
    let main = repo.git(&["rev-parse", "HEAD"]);
    let repos = repos(&repo, "v{version}", &[]);
    let (place, _dir) = place();

    let cut = repo_step::run(
        &plan(
            &repos,
            RepoWork::Branch(BranchLine::Release),
            &release("2.4.0", &[]),
        ),
        &place,
    );
    assert!(cut.passed, "{}", cut.summary);
    assert_eq!(repo.git(&["rev-parse", "release/v2.4.0"]), main);
    assert!(remote_refs(&remote).contains("refs/heads/release/v2.4.0"));

    let hotfix = release("2.3.1", &[]);
    let cut = repo_step::run(
        &plan(&repos, RepoWork::Branch(BranchLine::Hotfix), &hotfix),
        &place,
    );
    assert!(cut.passed, "{}", cut.summary);
    assert!(cut.summary.contains("from v2.3.0"), "{}", cut.summary);
    assert_eq!(
        repo.git(&["rev-parse", "hotfix/2026-12-03-cart-totals"]),
        released
    );

    // The branch check: not on it, then on it.
    let on_hotfix = plan(
        &repos,
        RepoWork::Check(RepoCheck::OnBranch("hotfix/*".into())),
        &hotfix,
    );
    let off = repo_step::run(&on_hotfix, &place);
    assert!(!off.passed);
    assert_eq!(off.summary, "shop: on main, not on hotfix/*");
    repo.git(&["checkout", "-q", "hotfix/2026-12-03-cart-totals"]);
    assert!(repo_step::run(&on_hotfix, &place).passed);
}

#[test]
fn the_tag_check_fails_for_a_tag_made_here_or_only_on_the_remote() {
    let (repo, remote) = with_remote();
    let repos = repos(&repo, "v{version}", &[]);
    let held = release("1.0.0", &[]);
    let check = plan(&repos, RepoWork::Check(RepoCheck::TagAbsent), &held);
    let (place, _dir) = place();

    let fresh = repo_step::run(&check, &place);
    assert!(fresh.passed, "{}", fresh.summary);
    assert!(
        fresh.summary.contains("new here and on origin"),
        "{}",
        fresh.summary
    );

    // Someone else tagged and pushed from another clone.
    repo.tag("v1.0.0");
    repo.git(&["push", "-q", "origin", "v1.0.0"]);
    repo.git(&["tag", "-d", "v1.0.0"]);
    assert!(remote_refs(&remote).contains("refs/tags/v1.0.0"));
    let on_remote = repo_step::run(&check, &place);
    assert!(!on_remote.passed);
    assert_eq!(on_remote.summary, "shop: v1.0.0 exists already on origin");

    repo.tag("v1.0.0");
    let here = repo_step::run(&check, &place);
    assert!(
        here.summary.contains("exists already here"),
        "{}",
        here.summary
    );
}
