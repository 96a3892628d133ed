//! One writer per release: an advisory lock on `<release id>.lock`. The holder
//! writes `host/pid` into it; a second cockpit finds it held and follows
//! read-only. The operating system drops the lock with its process, so a lock
//! left by a dead process is simply free, and taken over with a message.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct ReleaseLock {
    file: File,
    path: PathBuf,
}

#[derive(Debug)]
pub enum LockOutcome {
    /// This process writes. `took_over` names a previous holder that exited
    /// without letting go (it crashed or was killed).
    Acquired {
        lock: ReleaseLock,
        took_over: Option<String>,
    },
    /// Another process writes; this one follows. Holds its `host/pid`.
    HeldBy(String),
}

/// `host/pid` of this process.
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}/{}", std::process::id())
}

pub fn acquire(path: &Path) -> io::Result<LockOutcome> {
    if let Some(dir) = path.parent() {
        crate::config::paths::create_private_dir_all(dir)?;
    }
    let mut file = crate::config::paths::private_file()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    let mut previous = String::new();
    match file.try_lock() {
        Ok(()) => {
            file.read_to_string(&mut previous)?;
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(holder_name().as_bytes())?;
            file.sync_all()?;
            let took_over = Some(previous.trim().to_owned()).filter(|p| !p.is_empty());
            Ok(LockOutcome::Acquired {
                lock: ReleaseLock {
                    file,
                    path: path.to_path_buf(),
                },
                took_over,
            })
        }
        Err(TryLockError::WouldBlock) => {
            file.read_to_string(&mut previous)?;
            Ok(LockOutcome::HeldBy(
                Some(previous.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "another process".to_owned()),
            ))
        }
        Err(TryLockError::Error(error)) => Err(error),
    }
}

impl ReleaseLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Who holds the lock at `path` now, without taking it for longer than the
/// look: `None` when nobody does (its writer exited or was killed).
pub fn current_holder(path: &Path) -> io::Result<Option<String>> {
    let mut file = OpenOptions::new().read(true).open(path)?;
    match file.try_lock() {
        Ok(()) => {
            file.unlock()?;
            Ok(None)
        }
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            file.read_to_string(&mut holder)?;
            Ok(Some(holder.trim().to_owned()))
        }
        Err(TryLockError::Error(error)) => Err(error),
    }
}

impl Drop for ReleaseLock {
    /// A clean exit leaves the lock file empty, so the next start does not report
    /// a take-over. The lock itself goes with the file handle.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_told_who_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.lock");
        let LockOutcome::Acquired { lock, took_over } = acquire(&path).unwrap() else {
            panic!("first acquires")
        };
        assert_eq!(took_over, None);
        match acquire(&path).unwrap() {
            LockOutcome::HeldBy(holder) => assert_eq!(holder, holder_name()),
            LockOutcome::Acquired { .. } => panic!("the lock is held"),
        }
        assert_eq!(lock.path(), path);
    }

    #[test]
    fn a_clean_exit_leaves_nothing_to_take_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.lock");
        let LockOutcome::Acquired { lock, .. } = acquire(&path).unwrap() else {
            panic!()
        };
        drop(lock);
        let LockOutcome::Acquired { took_over, .. } = acquire(&path).unwrap() else {
            panic!()
        };
        assert_eq!(took_over, None);
    }

    #[test]
    fn a_stale_name_in_a_free_lock_is_reported_as_a_take_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.lock");
        std::fs::write(&path, "laptop/999").unwrap();
        let LockOutcome::Acquired { took_over, .. } = acquire(&path).unwrap() else {
            panic!()
        };
        assert_eq!(took_over.as_deref(), Some("laptop/999"));
    }
}
