//! Starting and reopening releases: the journal replays into the same checklist,
//! with the playbook as it was when the release started.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use chrono::{TimeZone, Utc};

use release_cockpit::config::PlaybookLibrary;
use release_cockpit::domain::checklist::StepState;
use release_cockpit::domain::events::Event;
use release_cockpit::session::current_release::open_by_id;
use release_cockpit::session::{
    NewRelease, OpenError, ReleaseStore, open_release, open_release_read_only, start_release,
};

fn new_release() -> NewRelease {
    NewRelease::parse(
        "minor 2.4.0 2026-12-01 10:00 America/Los_Angeles",
        chrono_tz::UTC,
    )
    .unwrap()
}

#[test]
fn a_release_reopens_with_everything_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    let library = PlaybookLibrary::builtin().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut opened = start_release(&store, &library, &new_release(), "carol", now).unwrap();
    for event in [
        Event::StepCompleted {
            step: "announce".into(),
        },
        Event::ApprovalGiven {
            step: "team-approval".into(),
        },
        Event::StepSkipped {
            step: "code-quality".into(),
            reason: "CI is green".into(),
        },
    ] {
        let recorded = opened.journal.append("alice", now, event).unwrap();
        opened.checklist.apply(&recorded);
    }
    let id = opened.checklist.release.id.clone();
    drop(opened);

    assert_eq!(store.list(), std::slice::from_ref(&id));
    let reopened = open_release(&store, &id).unwrap();
    assert_eq!(reopened.replay_problem, None);
    let checklist = &reopened.checklist;
    let state = |step: &str| checklist.state(checklist.playbook.step(step).unwrap(), now);
    assert_eq!(state("announce"), StepState::Done);
    assert_eq!(state("code-quality"), StepState::Skipped);
    assert_eq!(checklist.approval_count("team-approval"), 1);
    assert_eq!(checklist.started_by, "carol");
    assert_eq!(
        checklist.release.t0,
        Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap()
    );
}

#[test]
fn the_recorded_playbook_wins_over_a_later_edit() {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path().join("releases"));
    let user_playbooks = dir.path().join("playbooks");
    std::fs::create_dir_all(&user_playbooks).unwrap();
    let library = PlaybookLibrary::load(Some(&user_playbooks)).unwrap();
    let opened = start_release(&store, &library, &new_release(), "carol", Utc::now()).unwrap();
    let id = opened.checklist.release.id.clone();
    drop(opened);
    // A playbook edited after the start does not change the running release.
    let edited = include_str!("../assets/playbooks/minor.toml")
        .replace("Announce the release", "Tell everyone");
    std::fs::write(user_playbooks.join("minor.toml"), edited).unwrap();
    let reopened = open_release(&store, &id).unwrap();
    assert_eq!(
        reopened.checklist.playbook.step("announce").unwrap().title,
        "Announce the release"
    );
}

#[test]
fn a_torn_tail_is_reported_and_the_rest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    let library = PlaybookLibrary::builtin().unwrap();
    let mut opened = start_release(&store, &library, &new_release(), "carol", Utc::now()).unwrap();
    opened
        .journal
        .append(
            "alice",
            Utc::now(),
            Event::StepCompleted {
                step: "announce".into(),
            },
        )
        .unwrap();
    let path = opened.journal.path().to_path_buf();
    let id = opened.checklist.release.id.clone();
    drop(opened);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"v\":1,\"sum\":\"00");
    std::fs::write(&path, bytes).unwrap();
    let mut reopened = open_release(&store, &id).unwrap();
    let problem = reopened
        .replay_problem
        .clone()
        .expect("the torn tail is reported");
    assert!(problem.starts_with("16 bytes from byte "), "{problem}");
    assert_eq!(reopened.checklist.last_seq, 2, "both valid events replayed");
    // The tail is kept beside the journal, and new events land after the valid
    // prefix, so the next replay sees them.
    let side: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tail"))
        .collect();
    assert_eq!(side.len(), 1);
    assert_eq!(std::fs::read(&side[0]).unwrap(), b"{\"v\":1,\"sum\":\"00");
    reopened
        .journal
        .append(
            "alice",
            Utc::now(),
            Event::StepCompleted {
                step: "code-freeze".into(),
            },
        )
        .unwrap();
    drop(reopened);
    let again = open_release(&store, &id).unwrap();
    // The torn line may have carried #3 (a whole line whose newline was
    // damaged, read by a follower), so the next event is #4.
    assert_eq!((again.replay_problem, again.checklist.last_seq), (None, 4));
}

#[test]
fn the_palette_spec_parses_like_the_command_line() {
    let new =
        NewRelease::parse("hotfix v1.2.4 2026-11-21 15:30", chrono_tz::Europe::Berlin).unwrap();
    assert_eq!(new.version, semver::Version::new(1, 2, 4));
    assert_eq!(
        new.t0,
        Utc.with_ymd_and_hms(2026, 11, 21, 14, 30, 0).unwrap()
    );
    assert!(NewRelease::parse("hotfix", chrono_tz::UTC).is_err());
}

#[test]
fn a_release_whose_lock_is_held_is_opened_to_follow() {
    use release_cockpit::session::current_release::open_by_id;
    use release_cockpit::session::lock::{LockOutcome, acquire, holder_name};

    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    let library = PlaybookLibrary::builtin().unwrap();
    let opened = start_release(&store, &library, &new_release(), "carol", Utc::now()).unwrap();
    let id = opened.checklist.release.id.clone();
    drop(opened);

    let writer = open_by_id(&store, &id, false);
    assert!(
        writer.journal.is_some() && writer.lock.is_some(),
        "the first opener writes"
    );
    let follower = open_by_id(&store, &id, false);
    assert!(follower.journal.is_none(), "the second does not write");
    let follow = follower.follow.expect("the second follows");
    assert_eq!(follow.writer, Some(holder_name()));
    assert_eq!(follow.last_seq, 1);

    drop(writer);
    let LockOutcome::Acquired { took_over, .. } = acquire(&store.lock_path(&id).unwrap()).unwrap()
    else {
        panic!("free again")
    };
    assert_eq!(took_over, None, "a clean exit leaves nothing to take over");
    assert!(
        open_by_id(&store, "no-such-release", false)
            .notice
            .unwrap()
            .contains("no release `no-such-release`")
    );
}

/// Journals written by format version 1 must replay forever: a later format
/// reads them through a migration, never by breaking them.
#[test]
fn a_version_1_journal_still_replays() {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    let fixture = include_str!("fixtures/journals/v1-patch.jsonl");
    std::fs::write(store.journal_path("patch-1.0.1-20261201").unwrap(), fixture).unwrap();
    let read =
        release_cockpit::session::open_release_read_only(&store, "patch-1.0.1-20261201").unwrap();
    assert_eq!(read.records.len(), 6);
    assert_eq!(read.valid_len, fixture.len() as u64);
    let checklist = &read.checklist;
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
    let state = |step: &str| checklist.state(checklist.playbook.step(step).unwrap(), at);
    assert_eq!(state("fix-merged"), StepState::Done);
    assert_eq!(state("scan-and-smoke"), StepState::Skipped);
    assert_eq!(state("owner-approval"), StepState::Done);
    assert_eq!(state("tag"), StepState::Pending);
}

/// A started release with two steps done after its first line; returns the
/// store's dir, the id and the journal's path.
fn release_with_two_steps() -> (tempfile::TempDir, ReleaseStore, String, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    let library = PlaybookLibrary::builtin().unwrap();
    let mut opened = start_release(&store, &library, &new_release(), "carol", Utc::now()).unwrap();
    for step in ["announce", "code-freeze"] {
        let event = Event::StepCompleted { step: step.into() };
        opened.journal.append("alice", Utc::now(), event).unwrap();
    }
    let path = opened.journal.path().to_path_buf();
    let id = opened.checklist.release.id.clone();
    (dir, store, id, path)
}

/// Flips one byte inside line `line` (1-based) of the file.
fn flip_in_line(path: &std::path::Path, line: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let start: usize = bytes
        .split_inclusive(|b| *b == b'\n')
        .take(line - 1)
        .map(<[u8]>::len)
        .sum();
    bytes[start + 30] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_flipped_byte_mid_journal_keeps_the_later_steps() {
    let (_dir, store, id, path) = release_with_two_steps();
    flip_in_line(&path, 2);
    let before = std::fs::read(&path).unwrap();
    let mut reopened = open_release(&store, &id).unwrap();
    let problem = reopened
        .replay_problem
        .clone()
        .expect("the damaged line is reported");
    assert!(problem.starts_with("line 2 (byte "), "{problem}");
    let checklist = &reopened.checklist;
    let done = |step: &str| checklist.state(checklist.playbook.step(step).unwrap(), Utc::now());
    assert_ne!(done("announce"), StepState::Done, "its line is damaged");
    assert_eq!(
        done("code-freeze"),
        StepState::Done,
        "the line after the damage replays"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "nothing is cut or moved"
    );
    let next = reopened
        .journal
        .append(
            "alice",
            Utc::now(),
            Event::StepCompleted {
                step: "announce".into(),
            },
        )
        .unwrap();
    assert_eq!(next.seq, 4);
}

#[test]
fn a_damaged_first_line_is_a_clear_error_and_the_file_is_kept() {
    let (_dir, store, id, path) = release_with_two_steps();
    flip_in_line(&path, 1);
    let before = std::fs::read(&path).unwrap();
    let error = open_release(&store, &id)
        .err()
        .expect("no release without its first line");
    let text = error.to_string();
    assert!(
        text.contains("line 1, which should hold the release_started event"),
        "{text}"
    );
    assert!(text.contains("with the 2 valid events after it"), "{text}");
    assert!(text.contains("restore that line"), "{text}");
    let read_only = open_release_read_only(&store, &id)
        .err()
        .expect("read-only too")
        .to_string();
    assert!(read_only.contains("line 1"), "{read_only}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_newer_format_opens_read_only_and_says_so() {
    let (_dir, store, id, path) = release_with_two_steps();
    let text = std::fs::read_to_string(&path).unwrap();
    let newer = format!("{text}{{\"v\":2,\"future\":true}}\n");
    std::fs::write(&path, &newer).unwrap();
    let refused = open_release(&store, &id)
        .err()
        .expect("a newer format is not written");
    assert!(matches!(refused, OpenError::WriteRefused(_)), "{refused}");
    let current = open_by_id(&store, &id, false);
    assert!(current.journal.is_none(), "no writer for a newer format");
    assert!(current.follow.is_some(), "it is followed read-only");
    assert_eq!(
        current.checklist.map(|c| c.last_seq),
        Some(3),
        "every event this build reads"
    );
    let notice = current.notice.unwrap_or_default();
    assert!(
        notice.contains("newer release-cockpit") && notice.contains("read-only"),
        "{notice}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        newer,
        "the file is untouched"
    );
}

#[test]
fn a_journal_started_by_a_newer_build_says_upgrade() {
    let (_dir, store, id, path) = release_with_two_steps();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("{\"v\":1,", "{\"v\":2,", 1)).unwrap();
    let error = open_release_read_only(&store, &id)
        .err()
        .expect("nothing to fold into")
        .to_string();
    assert!(
        error.contains("written by a newer release-cockpit (format 2"),
        "{error}"
    );
    assert!(error.contains("upgrade"), "{error}");
}

#[test]
fn an_id_that_is_a_path_opens_nothing_and_touches_nothing_outside_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path().join("state/releases"));
    std::fs::create_dir_all(store.dir()).unwrap();
    let outside = dir.path().join("x");
    std::fs::create_dir_all(&outside).unwrap();
    let victim = outside.join("victim.jsonl");
    std::fs::write(&victim, "precious\n").unwrap();
    let id = "../../x/victim";
    for read_only in [false, true] {
        let current = release_cockpit::session::current_release::open_by_id(&store, id, read_only);
        assert!(current.checklist.is_none() && current.journal.is_none());
        let notice = current.notice.unwrap_or_default();
        assert!(notice.contains("is not a release id"), "{notice}");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    let beside: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["victim.jsonl"], "no lock was created beside it");
    assert!(open_release(&store, id).is_err());
    assert!(release_cockpit::session::open_release_read_only(&store, id).is_err());
}

#[tokio::test]
async fn a_read_only_cockpit_switches_to_a_release_as_a_follower_and_writes_nothing() {
    use release_cockpit::app::{Effect, Msg};
    use release_cockpit::runtime::{EffectRunner, Runner};
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    let library = PlaybookLibrary::builtin().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let id = start_release(&store, &library, &new_release(), "carol", now)
        .unwrap()
        .checklist
        .release
        .id;
    let before: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let (tx, mut mailbox) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(tx, "alice".into(), None, store.clone(), library);
    runner.set_read_only(true);
    runner.run(Effect::OpenRelease {
        id: id.clone(),
        viewing: false,
    });
    match mailbox.recv().await {
        Some(Msg::ReleaseOpened { checklist, .. }) => assert_eq!(checklist.release.id, id),
        other => panic!("not opened: {other:?}"),
    }
    let after: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(after, before, "no lock was taken");
}
