//! The demo's repository: a small shop's history in Conventional Commits,
//! released as v2.3.0 and v2.3.1, then a week of work towards 2.4.0. Made
//! once with libgit2 under the demo's state dir (nothing is pushed: it has
//! no remote), so that the demo's tag step, notes preview and version
//! suggestion read a real repository.

use std::path::{Path, PathBuf};

use git2::{Repository, Signature, Time};

use crate::domain::versioning::notes::Style;
use crate::domain::versioning::repos::{Repo, Repos};

/// The commits, oldest first: (file, message, tag after it).
const HISTORY: [(&str, &str, Option<&str>); 11] = [
    ("README.md", "docs: what the shop is", None),
    (
        "src/cart.rs",
        "feat(cart): a cart that keeps its items",
        None,
    ),
    (
        "src/checkout.rs",
        "feat(checkout): pay by card (#14)",
        Some("v2.3.0"),
    ),
    (
        "src/cart.rs",
        "fix(cart): totals round half up (#21)",
        Some("v2.3.1"),
    ),
    (
        "src/search.rs",
        "feat(search): search as you type (#31)",
        None,
    ),
    (
        "src/checkout.rs",
        "fix(checkout): a declined card keeps the cart (#33)",
        None,
    ),
    ("Cargo.toml", "chore(deps): bump serde to 1.0.228", None),
    (
        "src/orders.rs",
        "feat(orders): export orders as CSV (#35)",
        None,
    ),
    (
        "src/search.rs",
        "perf(search): cache the index between queries",
        None,
    ),
    (
        "src/checkout.rs",
        "fix(checkout): retry a payment the gateway timed out\n\nFixes #38",
        None,
    ),
    ("ci.yml", "ci: run the tests on each push", None),
];

/// The demo's `[[repo]]`: `dir/repo`, made if it is not there yet. `None`
/// if it cannot be made (the demo then tags by hand, and says so).
pub fn prepare(dir: &Path) -> Option<Repos> {
    let path = dir.join("repo");
    if Repository::open(&path).is_err()
        && let Err(error) = make(&path)
    {
        tracing::warn!(%error, "the demo repository was not made");
        let _ = std::fs::remove_dir_all(&path);
        return None;
    }
    Some(Repos {
        repos: vec![Repo {
            name: "shop".to_owned(),
            path,
            tag_format: "v{version}".to_owned(),
            main_branch: "main".to_owned(),
            release_branch: "release/v{version}".to_owned(),
            hotfix_branch: "hotfix/{date}-{slug}".to_owned(),
            style: Style::KeepAChangelog,
            changelog: "CHANGELOG.md".to_owned(),
            remote: None,
            allow_dirty: false,
        }],
        components: Vec::new(),
        templates: Default::default(),
    })
}

fn make(path: &PathBuf) -> Result<(), git2::Error> {
    crate::config::paths::create_private_dir_all(path)
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    let repo = Repository::init_opts(path, &options)?;
    // A week ago, an hour a commit.
    let start = chrono::Utc::now().timestamp() - 7 * 24 * 3600;
    let mut parent: Option<git2::Oid> = None;
    for (i, (file, message, tag)) in HISTORY.iter().enumerate() {
        let when = Time::new(start + i64::try_from(i).unwrap_or(0) * 3600, 0);
        let author = Signature::new("Dana Example", "dana@example.com", &when)?;
        let full = path.join(file);
        if let Some(parent_dir) = full.parent() {
            std::fs::create_dir_all(parent_dir)
                .map_err(|e| git2::Error::from_str(&e.to_string()))?;
        }
        let mut text = std::fs::read_to_string(&full).unwrap_or_default();
        text.push_str(message.lines().next().unwrap_or_default());
        text.push('\n');
        std::fs::write(&full, text).map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let mut index = repo.index()?;
        index.add_path(Path::new(file))?;
        index.write()?;
        let tree = repo.find_tree(index.write_tree()?)?;
        let parents: Vec<git2::Commit<'_>> = parent
            .map(|p| repo.find_commit(p))
            .transpose()?
            .into_iter()
            .collect();
        let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let id = repo.commit(Some("HEAD"), &author, &author, message, &tree, &parent_refs)?;
        if let Some(tag) = tag {
            repo.tag(tag, &repo.find_object(id, None)?, &author, tag, false)?;
        }
        parent = Some(id);
    }
    // State files are private. `git` (the tag step) keeps its files so too:
    // git honours core.sharedRepository for what it creates, whatever the
    // umask.
    let mut config = repo.config()?;
    config.set_str("core.sharedRepository", "0600")?;
    // The demo's tags are the demo's: made under its own name, whoever runs
    // it (a machine without a git identity can tag here too).
    config.set_str("user.name", "Release Cockpit demo")?;
    config.set_str("user.email", "demo@release-cockpit.invalid")?;
    config.set_bool("tag.gpgSign", false)?;
    private(path).map_err(|e| git2::Error::from_str(&e.to_string()))
}

/// Every directory under `path` 0700 and every file 0600 (libgit2 writes
/// objects read-only for all, and files as the umask has them).
fn private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
        for entry in std::fs::read_dir(path)? {
            private(&entry?.path())?;
        }
    } else if meta.is_file() {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_repository_suggests_2_4_0_and_previews_its_notes() {
        let dir = tempfile::tempdir().unwrap();
        let repos = prepare(dir.path()).unwrap();
        // Made once: a second start reads the same repository.
        assert_eq!(prepare(dir.path()), Some(repos.clone()));
        // Private, as every state file, and git keeps what it adds so.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let path = &repos.repos[0].path;
        assert_eq!(mode(&path.join("src/cart.rs")), 0o600);
        assert_eq!(mode(&path.join(".git/objects")), 0o700);
        // Its tag step tags, even where git knows no identity.
        let plan = repos
            .plan(
                "tag",
                &crate::domain::playbook::RepoStep {
                    work: crate::domain::playbook::RepoWork::Tag,
                    component: None,
                },
                &crate::app::fixture::sample_model_with_release()
                    .release
                    .unwrap()
                    .checklist
                    .release,
            )
            .unwrap();
        let places = crate::runtime::repo_step::Place {
            notes_dir: dir.path().join("notes"),
        };
        let tagged = crate::runtime::repo_step::run(&plan, &places);
        assert!(tagged.passed, "{}", tagged.summary);
        let readings = crate::runtime::versions::read(&repos, None).unwrap();
        let [shop] = readings.as_slice() else {
            panic!("{readings:?}")
        };
        assert_eq!(shop.previous_tag.as_deref(), Some("v2.3.1"));
        assert_eq!(shop.suggested, semver::Version::new(2, 4, 0));
        assert_eq!(shop.commits, 7);
        assert!(
            shop.notes.contains("**orders:** export orders as CSV (#35"),
            "{}",
            shop.notes
        );
        assert!(
            shop.notes
                .contains("retry a payment the gateway timed out (#38"),
            "{}",
            shop.notes
        );
    }
}
