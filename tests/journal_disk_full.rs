//! A full disk under a real file system: a small tmpfs mounted in a private
//! mount namespace (`unshare -m`, which needs root, as CI has). The test
//! re-executes itself under `unshare`; the child mounts the tmpfs, fills it,
//! and checks that every append the journal reported as done replays, that a
//! failed append leaves no fragment, and that later appends land cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use chrono::Utc;

use release_cockpit::config::PlaybookLibrary;
use release_cockpit::domain::events::{Event, Recorded};
use release_cockpit::session::journal::replay;
use release_cockpit::session::{NewRelease, ReleaseStore, open_release, start_release};

const CHILD: &str = "RELEASE_COCKPIT_DISK_FULL_DIR";
const TEST: &str = "a_full_disk_loses_no_step_the_screen_showed";
const DONE: &str = "disk-full child: every check ran";

#[test]
fn a_full_disk_loses_no_step_the_screen_showed() {
    if let Ok(dir) = std::env::var(CHILD) {
        child(Path::new(&dir));
        println!("{DONE}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let output = Command::new("unshare")
        .args(["-m", "--propagation", "private", "--"])
        .arg(&exe)
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD, dir.path())
        .output()
        .unwrap_or_else(|e| {
            panic!("this test needs `unshare` (util-linux) to mount a small tmpfs in a private mount namespace, and root to do it: cannot run unshare: {e}")
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(DONE),
        "the disk-full child failed ({}); it needs `unshare -m` and `mount -t tmpfs` as root\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
}

fn note(i: usize) -> Event {
    Event::NoteAdded {
        step: "announce".into(),
        // Large enough that a line straddles tmpfs pages, so a full disk
        // leaves a fragment of it.
        text: format!("note {i} {}", "x".repeat(1500)),
    }
}

fn child(dir: &Path) {
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(dir)
        .status()
        .expect("run mount");
    assert!(
        mounted.success(),
        "mount -t tmpfs on {} failed",
        dir.display()
    );

    let store = ReleaseStore::new(dir.join("releases"));
    let library = PlaybookLibrary::builtin().unwrap();
    let new = NewRelease::parse("minor 2.4.0 2026-12-01 10:00 UTC", chrono_tz::UTC).unwrap();
    let mut opened = start_release(&store, &library, &new, "carol", Utc::now()).unwrap();
    let path = opened.journal.path().to_path_buf();
    let id = opened.checklist.release.id.clone();
    let mut shown: Vec<Recorded> = Vec::new();
    let first = replay(&std::fs::read(&path).unwrap()).records;
    assert_eq!(first.len(), 1, "release_started is on disk");

    // Fill the rest of the file system.
    let filler_path = dir.join("filler");
    let mut filler = std::fs::File::create(&filler_path).unwrap();
    while filler.write_all(&[0u8; 512]).is_ok() {}
    drop(filler);

    // Appends go on (into the journal's last page) until one fails.
    let mut failures = 0;
    for i in 0..40 {
        match opened.journal.append("alice", Utc::now(), note(i)) {
            Ok(recorded) => shown.push(recorded),
            Err(error) => {
                failures += 1;
                assert!(error.to_string().contains("cut back"), "{error}");
                let replayed = replay(&std::fs::read(&path).unwrap());
                assert_eq!(
                    replayed.torn_tail, None,
                    "no fragment is left after: {error}"
                );
                assert!(replayed.skipped.is_empty());
                assert_eq!(&replayed.records[1..], &shown[..]);
                if failures == 3 {
                    break;
                }
            }
        }
    }
    assert_eq!(failures, 3, "the disk never filled up");

    // Space comes back: appends land after the last good line.
    std::fs::remove_file(&filler_path).unwrap();
    for i in 100..103 {
        shown.push(opened.journal.append("alice", Utc::now(), note(i)).unwrap());
    }
    assert!(shown.windows(2).all(|w| w[0].seq < w[1].seq));
    drop(opened);

    let reopened = open_release(&store, &id).unwrap();
    assert_eq!(reopened.replay_problem, None, "a clean journal");
    let replayed = replay(&std::fs::read(&path).unwrap());
    assert_eq!(
        &replayed.records[1..],
        &shown[..],
        "every step shown is on disk"
    );
    assert!(replayed.next_seq > shown.last().unwrap().seq);
}
