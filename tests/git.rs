#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Versions and release notes from real git repositories (made in temp dirs
//! with the `git` command and a sandboxed config): tags in semver order per
//! component, the commits since the last release through libgit2, the
//! suggestion, and the `notes` and `version` commands.

mod support;

use std::process::Command;

use release_cockpit::adapters::git::{self, history};
use release_cockpit::domain::versioning::tag_format::TagFormat;
use support::git::{Repo, remote_refs, with_remote};

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

/// A repository of three components, each released once before.
fn three_components() -> Repo {
    let repo = Repo::new();
    repo.commit("backend/main.rs", "feat(api): first endpoints");
    repo.commit("frontend/app.ts", "feat: first screen");
    repo.commit("bot/bot.py", "feat: first command");
    repo.tag("backend-v1.4.0");
    repo.tag("frontend-v2.0.0");
    repo.tag("bot-v0.8.0");
    repo.commit("backend/orders.rs", "feat(orders): export as CSV (#51)");
    repo.commit("frontend/cart.ts", "fix(cart): round totals\n\nFixes #60");
    repo.commit("frontend/sync.ts", "feat: live sync");
    repo.commit(
        "bot/bot.py",
        "feat(bot)!: commands take a project\n\nBREAKING CHANGE: `/deploy` becomes `/deploy PROJECT`",
    );
    repo.commit("docs/README.md", "docs: explain the components");
    // A merge commit is not a change of its own.
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit("backend/orders.rs", "fix(orders): quote commas");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("README.md", "chore: tidy");
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "topic",
        "-m",
        "Merge branch 'topic'",
    ]);
    repo
}

fn config(repo: &Repo, extra: &str) -> std::path::PathBuf {
    let path = repo.path().join("cockpit.toml");
    std::fs::write(
        &path,
        format!(
            "[[repo]]\npath = \".\"\nnotes = \"keep-a-changelog\"\n{extra}\n\
             [[component]]\nname = \"backend\"\npath = \"backend\"\n\
             [[component]]\nname = \"frontend\"\npath = \"frontend\"\n\
             [[component]]\nname = \"bot\"\npath = \"bot\"\n"
        ),
    )
    .unwrap();
    path
}

fn cockpit(config: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("--config")
        .arg(config)
        .args(args)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
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
fn each_component_has_its_own_previous_tag_commits_and_next_version() {
    let repo = three_components();
    let opened = git::open(&repo.path()).unwrap();
    for (component, previous, commits, next) in [
        ("backend", "backend-v1.4.0", 2, "1.5.0"),
        ("frontend", "frontend-v2.0.0", 2, "2.1.0"),
        ("bot", "bot-v0.8.0", 1, "0.9.0"),
    ] {
        let format = TagFormat::new("{component}-v{version}", Some(component)).unwrap();
        let read =
            history::since_last_release(&opened, &format, (None, "HEAD"), Some(component)).unwrap();
        assert_eq!(
            read.previous.as_ref().map(|p| p.1.as_str()),
            Some(previous),
            "{component}"
        );
        assert_eq!(
            read.commits.len(),
            commits,
            "{component}: {:#?}",
            read.commits
        );
        let changes: Vec<_> = read.commits.iter().map(|c| c.change.clone()).collect();
        let suggestion = release_cockpit::domain::versioning::bump::suggest(
            read.previous.as_ref().map(|p| &p.0),
            &changes,
        );
        assert_eq!(
            suggestion.version.to_string(),
            next,
            "{component}: {}",
            suggestion.why
        );
    }
}

#[test]
fn the_notes_command_prints_a_components_notes_and_json_for_scripts() {
    let repo = three_components();
    let config = config(&repo, "");
    let (code, out, err) = cockpit(&config, &["notes", "--component", "backend"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("## [backend 1.5.0] - "), "{out}");
    assert!(
        out.contains("### Added\n\n- **orders:** export as CSV (#51, "),
        "{out}"
    );
    assert!(
        out.contains("### Fixed\n\n- **orders:** quote commas ("),
        "{out}"
    );
    assert!(!out.contains("Merge branch"), "{out}");
    assert!(!out.contains("live sync"), "another component's: {out}");

    let (code, out, err) = cockpit(
        &config,
        &[
            "notes",
            "--component",
            "bot",
            "--style",
            "team",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["version"], "0.9.0");
    assert_eq!(json["previous_tag"], "bot-v0.8.0");
    let titles: Vec<&str> = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Highlights", "Breaking Changes", "Migration Guide"]
    );
    assert_eq!(
        json["sections"][2]["entries"][0]["text"],
        "`/deploy` becomes `/deploy PROJECT`"
    );

    let (code, _, err) = cockpit(&config, &["notes"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("name one with --component (backend, frontend, bot)"),
        "{err}"
    );
}

#[test]
fn the_version_command_names_the_current_release_and_suggests_the_next() {
    let repo = Repo::new();
    repo.commit("a", "feat: first");
    repo.tag("v1.2.0");
    repo.commit("a", "fix: second");
    repo.tag("v1.2.1");
    repo.commit("a", "feat: third");
    // A pre-release is not the release the next one follows.
    repo.tag("v1.3.0-rc.1");
    repo.commit("a", "fix: fourth");
    let config = repo.path().join("cockpit.toml");
    std::fs::write(&config, "[[repo]]\npath = \".\"\n").unwrap();

    let (code, out, err) = cockpit(&config, &["version", "--suggest"]);

    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "current release: v1.2.1\nprevious release: v1.2.0\nsuggested: 1.3.0 (minor bump: 1 feature(s) since v1.2.1)\n"
    );
    let (_, out, _) = cockpit(&config, &["version", "--suggest", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["suggested"]["version"], "1.3.0");
    assert_eq!(json["commits_since"], 2);
}

#[test]
fn without_a_release_tag_the_notes_start_at_the_first_commit_and_say_so() {
    let repo = Repo::new();
    repo.commit("a", "feat: first");
    repo.commit("a", "Update a");
    let config = repo.path().join("cockpit.toml");
    std::fs::write(&config, "[[repo]]\npath = \".\"\n").unwrap();

    let (code, out, err) = cockpit(&config, &["notes"]);

    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("## [0.1.0] - "), "{out}");
    assert!(
        out.contains("The first release: every commit from the first one."),
        "{out}"
    );
    assert!(out.contains("### Added\n\n- first ("), "{out}");
    assert!(out.contains("### Changed\n\n- Update a ("), "{out}");
}

#[test]
fn config_mistakes_are_told_at_their_line() {
    let repo = Repo::new();
    repo.commit("a", "feat: first");
    let config = repo.path().join("cockpit.toml");
    std::fs::write(
        &config,
        "[[repo]]\npath = \".\"\ntag_format = \"v{ver}\"\nnotes = \"fancy\"\n\
         [[component]]\nname = \"api\"\ntargets = [\"nowhere\"]\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["check-config", config.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("`v{ver}` must hold {version} exactly once"),
        "{text}"
    );
    assert!(text.contains("`fancy` is not a notes style"), "{text}");
    assert!(text.contains("no [[target]] named `nowhere`"), "{text}");
    assert!(
        text.contains("line 3, column 14, key `repo[0].tag_format`"),
        "{text}"
    );
}

#[test]
fn a_path_that_is_not_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cockpit.toml");
    std::fs::write(&config, "[[repo]]\npath = \"nowhere\"\n").unwrap();
    let (code, _, err) = cockpit(&config, &["version"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("git repository") && err.contains("nowhere"),
        "{err}"
    );
}

#[test]
fn a_tag_is_made_annotated_on_the_release_commit_and_pushed_and_never_moved() {
    use release_cockpit::adapters::git::act::{self, ActError, NewTag};
    let (repo, remote) = with_remote();
    let release_commit = repo.commit("a", "fix: second");
    let path = repo.path();
    let new = NewTag {
        repo: &path,
        name: "v1.0.0",
        at: "HEAD",
        message: "v1.0.0: 1 added, 1 fixed",
        allow_dirty: false,
        remote: Some("origin"),
    };

    let done = act::tag(&new).unwrap();

    assert!(done.contains("as v1.0.0, pushed to origin"), "{done}");
    assert_eq!(repo.git(&["cat-file", "-t", "v1.0.0"]), "tag", "annotated");
    assert_eq!(repo.git(&["rev-parse", "v1.0.0^{commit}"]), release_commit);
    assert_eq!(
        repo.git(&["tag", "-l", "--format=%(contents:subject)", "v1.0.0"]),
        "v1.0.0: 1 added, 1 fixed"
    );
    assert!(
        remote_refs(&remote).contains("refs/tags/v1.0.0"),
        "{}",
        remote_refs(&remote)
    );

    repo.commit("a", "fix: third");
    let again = act::tag(&new).unwrap_err();
    assert!(matches!(again, ActError::Exists { .. }), "{again}");
    assert!(again.to_string().contains("never moved"), "{again}");
    assert_eq!(
        repo.git(&["rev-parse", "v1.0.0^{commit}"]),
        release_commit,
        "not moved"
    );

    std::fs::write(path.join("a"), "changed but not committed\n").unwrap();
    let dirty = act::tag(&NewTag {
        name: "v1.0.1",
        ..new.clone()
    })
    .unwrap_err();
    assert!(
        matches!(dirty, ActError::Dirty { ref files } if files == &["a".to_owned()]),
        "{dirty}"
    );
    assert!(repo.git(&["tag", "-l", "v1.0.1"]).is_empty());
    let allowed = act::tag(&NewTag {
        name: "v1.0.1",
        allow_dirty: true,
        remote: None,
        ..new
    });
    assert!(allowed.is_ok(), "{allowed:?}");
}

#[test]
fn a_hotfix_branch_is_cut_from_the_latest_release_tag_and_pushed() {
    use release_cockpit::adapters::git::act::{self, NewBranch};
    let (repo, remote) = with_remote();
    repo.tag("v1.0.0");
    let tagged = repo.git(&["rev-parse", "HEAD"]);
    repo.commit("a", "feat: on main after the release");
    let path = repo.path();
    let new = NewBranch {
        repo: &path,
        name: "hotfix/2026-12-03-cart-totals",
        from: "v1.0.0",
        remote: Some("origin"),
    };

    let done = act::branch(&new).unwrap();

    assert!(
        done.starts_with("cut hotfix/2026-12-03-cart-totals from v1.0.0"),
        "{done}"
    );
    assert_eq!(
        repo.git(&["rev-parse", "hotfix/2026-12-03-cart-totals"]),
        tagged
    );
    assert!(remote_refs(&remote).contains("refs/heads/hotfix/2026-12-03-cart-totals"));
    // Run again (a retry), it is cut already where it should be.
    let again = act::branch(&new).unwrap();
    assert!(again.contains("was cut here already"), "{again}");
    // A branch of that name elsewhere is never moved.
    let moved = act::branch(&NewBranch {
        from: "main",
        ..new.clone()
    });
    assert!(
        moved.unwrap_err().to_string().contains("exists already"),
        "not moved"
    );
    assert_eq!(
        repo.git(&["rev-parse", "hotfix/2026-12-03-cart-totals"]),
        tagged
    );
}

#[test]
fn a_push_that_fails_says_what_git_said() {
    use release_cockpit::adapters::git::act::{self, NewTag};
    let repo = Repo::new();
    repo.commit("a", "feat: first");
    repo.git(&["remote", "add", "origin", "/nonexistent/remote.git"]);
    let path = repo.path();
    let error = act::tag(&NewTag {
        repo: &path,
        name: "v0.1.0",
        at: "HEAD",
        message: "v0.1.0",
        allow_dirty: false,
        remote: Some("origin"),
    })
    .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("`git push origin refs/tags/v0.1.0` failed"),
        "{text}"
    );
    assert!(text.contains("/nonexistent/remote.git"), "{text}");

    // The remote fixed, the step's retry pushes the tag it made.
    let remote = tempfile::tempdir().unwrap();
    repo.git(&["init", "-q", "--bare", remote.path().to_str().unwrap()]);
    repo.git(&[
        "remote",
        "set-url",
        "origin",
        remote.path().to_str().unwrap(),
    ]);
    let retried = act::tag(&NewTag {
        repo: &path,
        name: "v0.1.0",
        at: "HEAD",
        message: "v0.1.0",
        allow_dirty: false,
        remote: Some("origin"),
    })
    .unwrap();
    assert!(retried.contains("made here already"), "{retried}");
    assert!(remote_refs(&remote).contains("refs/tags/v0.1.0"));
}

#[test]
fn a_hotfix_follows_the_release_it_was_cut_from_not_a_later_one() {
    let repo = Repo::new();
    repo.commit("a", "feat: first");
    repo.tag("v2.3.0");
    repo.git(&["branch", "hotfix/2026-12-03-totals"]);
    repo.commit("a", "feat: the next minor");
    repo.tag("v2.4.0");
    repo.git(&["checkout", "-q", "hotfix/2026-12-03-totals"]);
    repo.commit("a", "fix: round totals");
    let config = repo.path().join("cockpit.toml");
    std::fs::write(&config, "[[repo]]\npath = \".\"\n").unwrap();

    let (code, out, err) = cockpit(&config, &["version", "--suggest", "--json"]);

    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["suggested"]["version"], "2.3.1", "{out}");
    assert_eq!(
        json["current_tag"], "v2.3.0",
        "v2.4.0 is another line's: {out}"
    );
    assert_eq!(json["commits_since"], 1, "{out}");
    let (_, notes, _) = cockpit(&config, &["notes"]);
    assert!(
        notes.contains("round totals") && !notes.contains("the next minor"),
        "{notes}"
    );
}

#[test]
fn notes_write_puts_a_section_on_top_of_the_changelog_once_and_prints_the_notes() {
    let repo = three_components();
    let config = config(&repo, "");
    std::fs::write(
        repo.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [backend 1.4.0] - 2026-11-01\n\n- old\n",
    )
    .unwrap();
    let out_file = repo.path().join("notes-backend.md");
    let args = [
        "notes",
        "--component",
        "backend",
        "--write",
        "--out",
        out_file.to_str().unwrap(),
    ];

    let (code, out, err) = cockpit(&config, &args);

    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("## [backend 1.5.0] - "), "{out}");
    assert!(
        err.contains("a 1.5.0 section on top of CHANGELOG.md"),
        "{err}"
    );
    let changelog = std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.starts_with("# Changelog\n\n## [backend 1.5.0] - "),
        "{changelog}"
    );
    assert!(changelog.ends_with("## [backend 1.4.0] - 2026-11-01\n\n- old\n"));
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), out);

    let (code, _, err) = cockpit(&config, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("has its section already"), "{err}");
    assert_eq!(
        std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap(),
        changelog
    );
}

#[test]
fn a_teams_templates_beside_the_config_shape_the_notes_and_the_changelog_section() {
    let repo = three_components();
    let config = config(&repo, "");
    let templates = repo.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("notes.md"),
        "# {{title}} is out\n\n{{summary}}\n\nNew:\n{{section:Added}}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("changelog.md"),
        "## {{component}} {{version}} ({{date}})\n\n{{sections}}\n",
    )
    .unwrap();

    let (code, out, err) = cockpit(&config, &["notes", "--component", "backend", "--write"]);

    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "# backend v1.5.0 is out\n\nbackend v1.5.0: 1 added, 1 fixed\n\nNew:\n- **orders:** export as CSV (#51, "
        ),
        "{out}"
    );
    assert!(
        !out.contains("quote commas"),
        "only the Added section: {out}"
    );
    let changelog = std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("\n## backend 1.5.0 ("), "{changelog}");
    assert!(
        changelog.contains("### Added\n\n- **orders:** export as CSV"),
        "{changelog}"
    );

    // A CHANGELOG template whose heading does not carry the version would
    // write sections that are never found again: refused, with the fix.
    std::fs::write(
        templates.join("changelog.md"),
        "## Release\n\n{{sections}}\n",
    )
    .unwrap();
    let (code, _, err) = cockpit(&config, &["notes", "--component", "backend"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("changelog.md") && err.contains("no heading with {{version}}"),
        "{err}"
    );
}

#[test]
fn a_playbook_step_naming_a_component_the_config_lacks_is_an_error_at_its_line() {
    let repo = three_components();
    let config = config(&repo, "");
    let playbooks = repo.path().join("playbooks");
    std::fs::create_dir_all(&playbooks).unwrap();
    std::fs::write(
        playbooks.join("ship.toml"),
        "name = \"ship\"\n\n[[phase]]\nname = \"day\"\n\n[[phase.step]]\nid = \"tag-api\"\ntitle = \"Tag the API\"\nat = \"T-0\"\nkind = \"tag\"\ncomponent = \"api\"\n",
    )
    .unwrap();

    let output = Command::new(BIN)
        .args(["check-config", config.to_str().unwrap()])
        .output()
        .unwrap();

    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("ship.toml, line 11")
            && text.contains("step `tag-api` names component `api`")
            && text.contains("backend, frontend, bot"),
        "{text}"
    );
}
