//! The CHANGELOG in a repository's working tree: a release's section put on
//! top (`domain/versioning/changelog.rs` decides where), written so that a
//! crash leaves the old file or the new one. Nothing is committed: that is
//! the team's own step.

use std::path::{Path, PathBuf};

use crate::domain::versioning::changelog::{self, Inserted, Release};

/// Puts `section` into `workdir/relative` (made if missing); what it did.
pub fn write_section(
    workdir: &Path,
    relative: &str,
    section: &str,
    release: Release<'_>,
) -> Result<String, String> {
    let path = inside(workdir, relative)?;
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    match changelog::insert(existing.as_deref(), section, release) {
        Inserted::AlreadyThere => Ok(format!("{relative} has its section already")),
        Inserted::Text(text) => {
            write_replacing(&path, &text, false)?;
            Ok(format!(
                "a {} section on top of {relative}",
                release.version
            ))
        }
    }
}

/// `relative` under `root`, refused if it climbs out of it.
pub fn inside(root: &Path, relative: &str) -> Result<PathBuf, String> {
    let path = Path::new(relative);
    let climbs = path.components().any(|c| {
        !matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    });
    if climbs {
        return Err(format!("`{relative}` is not a path inside the repository"));
    }
    Ok(root.join(path))
}

/// Written beside, synced, then renamed over: a crash leaves the old file
/// or the new one, never half of one. `private`: readable by the user alone
/// (a state file), else as the umask has it (a file of the repository).
pub fn write_replacing(path: &Path, text: &str, private: bool) -> Result<(), String> {
    use std::io::Write;
    let temporary = path.with_extension("release-cockpit.tmp");
    let mut options = if private {
        crate::config::paths::private_file()
    } else {
        std::fs::OpenOptions::new()
    };
    let result = options
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            // A file replaced keeps its mode.
            if let Ok(old) = std::fs::metadata(path) {
                file.set_permissions(old.permissions())?;
            }
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}
