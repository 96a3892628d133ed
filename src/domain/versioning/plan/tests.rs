use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::domain::release::ReleaseType;
use crate::domain::versioning::repos::{Component, Repo};

fn repo(name: &str, format: &str) -> Repo {
    Repo {
        name: name.to_owned(),
        path: PathBuf::from(format!("/src/{name}")),
        tag_format: format.to_owned(),
        main_branch: "main".to_owned(),
        release_branch: "release/v{version}".to_owned(),
        hotfix_branch: "hotfix/{date}-{slug}".to_owned(),
        style: Style::KeepAChangelog,
        changelog: "CHANGELOG.md".to_owned(),
        remote: Some("origin".to_owned()),
        allow_dirty: false,
    }
}

fn component(name: &str, repo: usize, path: Option<&str>) -> Component {
    Component {
        name: name.to_owned(),
        repo,
        path: path.map(str::to_owned),
        tag_format: "{component}-v{version}".to_owned(),
        targets: Vec::new(),
    }
}

fn release(components: &[(&str, &str)]) -> Release {
    Release {
        id: "r".into(),
        name: "Mobile App".into(),
        kind: ReleaseType::Minor,
        version: semver::Version::new(2, 4, 0),
        t0: "2026-12-01T18:00:00Z".parse().unwrap(),
        zone: chrono_tz::Asia::Tokyo,
        playbook: "p".into(),
        targets: Vec::new(),
        components: components
            .iter()
            .map(|(n, v)| ((*n).to_owned(), semver::Version::parse(v).unwrap()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn step(work: RepoWork, component: Option<&str>) -> RepoStep {
    RepoStep {
        work,
        component: component.map(str::to_owned),
    }
}

#[test]
fn a_release_of_one_repo_tags_it_with_the_release_version() {
    let repos = Repos {
        repos: vec![repo("app", "v{version}")],
        components: Vec::new(),
        templates: Default::default(),
    };
    let plan = repos
        .plan("tag", &step(RepoWork::Tag, None), &release(&[]))
        .unwrap();
    assert_eq!(plan.tags(), ["v2.4.0"]);
    let item = &plan.items[0];
    assert_eq!((item.label.as_str(), item.at.as_str()), ("app", "HEAD"));
    assert_eq!(item.work, ItemWork::Tag);
}

#[test]
fn a_release_of_three_components_has_an_item_for_each_with_its_own_version() {
    let repos = Repos {
        repos: vec![repo("mono", "v{version}"), repo("bot", "v{version}")],
        components: vec![
            component("backend", 0, Some("backend")),
            component("frontend", 0, Some("frontend")),
            component("bot", 1, None),
        ],
        templates: Default::default(),
    };
    let held = release(&[
        ("backend", "1.5.0"),
        ("frontend", "2.1.0"),
        ("bot", "0.9.0"),
    ]);
    let plan = repos
        .plan("tag", &step(RepoWork::Tag, None), &held)
        .unwrap();
    assert_eq!(
        plan.tags(),
        ["backend-v1.5.0", "frontend-v2.1.0", "bot-v0.9.0"]
    );
    assert_eq!(plan.items[0].path.as_deref(), Some("backend"));
    assert_eq!(plan.items[2].repo, PathBuf::from("/src/bot"));
    // A release of two of them tags two.
    let two = release(&[("backend", "1.5.1"), ("bot", "0.9.1")]);
    let plan = repos.plan("tag", &step(RepoWork::Tag, None), &two).unwrap();
    assert_eq!(plan.tags(), ["backend-v1.5.1", "bot-v0.9.1"]);
    // A branch is the release's: one per repository, by the release's version.
    let plan = repos
        .plan(
            "cut",
            &step(RepoWork::Branch(BranchLine::Release), None),
            &held,
        )
        .unwrap();
    let names: Vec<_> = plan
        .items
        .iter()
        .map(|i| match &i.work {
            ItemWork::Branch { name, .. } => (i.label.as_str(), name.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [("mono", "release/v2.4.0"), ("bot", "release/v2.4.0")]
    );
    // A step for one component is about it alone.
    let plan = repos
        .plan("tag-bot", &step(RepoWork::Tag, Some("bot")), &held)
        .unwrap();
    assert_eq!(plan.tags(), ["bot-v0.9.0"]);
    // ...and refuses one the release does not hold.
    let error = repos
        .plan("tag-fe", &step(RepoWork::Tag, Some("frontend")), &two)
        .unwrap_err();
    assert!(
        error.contains("no version for component `frontend`"),
        "{error}"
    );
    // A release that names none says how to.
    let error = repos
        .plan("tag", &step(RepoWork::Tag, None), &release(&[]))
        .unwrap_err();
    assert!(
        error.contains("backend=1.0.0 frontend=1.0.0 bot=1.0.0"),
        "{error}"
    );
}

#[test]
fn branches_are_named_from_the_patterns_in_the_release_zone() {
    let repos = Repos {
        repos: vec![repo("app", "v{version}")],
        components: Vec::new(),
        templates: Default::default(),
    };
    let held = release(&[]);
    let plan = repos
        .plan(
            "cut",
            &step(RepoWork::Branch(BranchLine::Release), None),
            &held,
        )
        .unwrap();
    assert_eq!(
        plan.items[0].work,
        ItemWork::Branch {
            name: "release/v2.4.0".into(),
            from: BranchFrom::Revision("main".into())
        }
    );
    let plan = repos
        .plan(
            "hotfix",
            &step(RepoWork::Branch(BranchLine::Hotfix), None),
            &held,
        )
        .unwrap();
    // 18:00 UTC is the next day in Tokyo.
    assert_eq!(
        plan.items[0].work,
        ItemWork::Branch {
            name: "hotfix/2026-12-02-mobile-app".into(),
            from: BranchFrom::LatestRelease
        }
    );
    let check = RepoWork::Check(RepoCheck::OnBranch("release/v{version}".into()));
    let plan = repos.plan("on", &step(check, None), &held).unwrap();
    assert_eq!(
        plan.items[0].work,
        ItemWork::OnBranch {
            pattern: "release/v2.4.0".into()
        }
    );
}

#[test]
fn branch_patterns_match_with_stars() {
    for (pattern, branch, matches) in [
        ("hotfix/*", "hotfix/2026-12-01-login", true),
        ("hotfix/*", "hotfix/", true),
        ("hotfix/*", "main", false),
        ("hotfix/*", "xhotfix/a", false),
        ("release/v2.4.0", "release/v2.4.0", true),
        ("release/v2.4.0", "release/v2.4.1", false),
        ("*/v*-rc", "release/v2-rc", true),
        ("*/v*-rc", "release/v2-rc2", false),
        ("a*a", "a", false),
        ("*", "anything", true),
    ] {
        assert_eq!(
            branch_matches(pattern, branch),
            matches,
            "{pattern} {branch}"
        );
    }
}

#[test]
fn a_component_is_never_given_the_releases_version_and_a_hotfix_must_name_one() {
    let repos = Repos {
        repos: vec![repo("mono", "{component}-v{version}")],
        components: vec![component("backend", 0, Some("backend"))],
        templates: Default::default(),
    };
    let error = repos
        .plan("tag", &step(RepoWork::Tag, Some("backend")), &release(&[]))
        .unwrap_err();
    assert!(error.contains("start it with backend=VERSION"), "{error}");
    let held = release(&[("backend", "1.5.0")]);
    let error = repos
        .plan(
            "hotfix",
            &step(RepoWork::Branch(BranchLine::Hotfix), None),
            &held,
        )
        .unwrap_err();
    assert!(error.contains("name it with `component`"), "{error}");
    // A release branch needs no tag, so a per-component tag format is fine.
    let plan = repos
        .plan(
            "cut",
            &step(RepoWork::Branch(BranchLine::Release), None),
            &held,
        )
        .unwrap();
    assert_eq!(plan.items.len(), 1);
}
