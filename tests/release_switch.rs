//! Switching releases never leaves the cockpit showing a release it cannot
//! write, and a result that arrives after a switch lands in its own release.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use tokio::sync::mpsc;

use release_cockpit::app::{Effect, Msg};
use release_cockpit::config::PlaybookLibrary;
use release_cockpit::domain::events::Event;
use release_cockpit::domain::release::NewRelease;
use release_cockpit::runtime::{EffectRunner, Runner};
use release_cockpit::session::ReleaseStore;
use release_cockpit::session::lock::{LockOutcome, acquire};

fn start(runner: &mut Runner, spec: &str) {
    let new = NewRelease::parse(spec, chrono_tz::UTC).unwrap();
    runner.run(Effect::StartRelease(Box::new(new)));
}

/// A release store in a temp dir (kept while the dir lives).
fn store() -> (tempfile::TempDir, ReleaseStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = ReleaseStore::new(dir.path());
    (dir, store)
}

/// A runner for `operator` on `store`, and the mailbox it reports to.
fn runner(store: &ReleaseStore, operator: &str) -> (Runner, mpsc::UnboundedReceiver<Msg>) {
    let (tx, mailbox) = mpsc::unbounded_channel();
    let library = PlaybookLibrary::builtin().unwrap();
    (
        Runner::new(tx, operator.into(), None, store.clone(), library),
        mailbox,
    )
}

fn opened(msg: Option<Msg>) -> String {
    match msg {
        Some(Msg::ReleaseOpened { checklist, .. }) => checklist.release.id.clone(),
        other => panic!("no release opened: {other:?}"),
    }
}

#[tokio::test]
async fn a_switch_to_a_release_that_does_not_open_keeps_the_current_journal_and_lock() {
    let (_dir, store) = store();
    let (mut runner, mut mailbox) = runner(&store, "alice");
    start(&mut runner, "patch 1.0.1 2026-12-01 10:00 UTC");
    let id = opened(mailbox.recv().await);

    runner.run(Effect::OpenRelease {
        id: "typo".into(),
        viewing: false,
    });
    match mailbox.recv().await {
        Some(Msg::ReleaseFailed(why)) => assert!(why.contains("typo"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Still this release's writer: the lock is held, and a step is recorded.
    assert!(
        matches!(
            acquire(&store.lock_path(&id).unwrap()).unwrap(),
            LockOutcome::HeldBy(_)
        ),
        "the lock of {id} was let go"
    );
    runner.run(Effect::Record(Event::NoteAdded {
        step: "deploy-production".into(),
        text: "still writing".into(),
    }));
    match mailbox.recv().await {
        Some(Msg::Recorded(recorded)) => assert_eq!(recorded.seq, 2),
        other => panic!("not recorded after the failed switch: {other:?}"),
    }
}

#[tokio::test]
async fn a_late_result_is_journaled_into_the_release_that_asked_for_it() {
    let (_dir, store) = store();
    let (mut runner, mut mailbox) = runner(&store, "alice");
    start(&mut runner, "patch 1.0.1 2026-12-01 10:00 UTC");
    let first = opened(mailbox.recv().await);
    start(&mut runner, "patch 1.0.2 2026-12-08 10:00 UTC");
    let second = opened(mailbox.recv().await);
    assert_ne!(first, second);

    runner.run(Effect::RecordInto {
        release: first.clone(),
        event: Event::DeployFinished {
            ok: true,
            results: vec!["production/checkout patched".into()],
        },
    });
    let read = |id: &str| release_cockpit::session::open_release_read_only(&store, id).unwrap();
    let events = |id: &str| -> Vec<String> {
        read(id)
            .records
            .iter()
            .map(|r| r.event.describe())
            .collect()
    };
    assert!(
        events(&first).iter().any(|e| e.starts_with("deploy done")),
        "{:?}",
        events(&first)
    );
    assert!(
        !events(&second).iter().any(|e| e.starts_with("deploy")),
        "{:?}",
        events(&second)
    );
    // And the cockpit still writes the second.
    runner.run(Effect::Record(Event::NoteAdded {
        step: "deploy-production".into(),
        text: "on the second".into(),
    }));
    assert!(matches!(mailbox.recv().await, Some(Msg::Recorded(_))));
}

#[tokio::test]
async fn a_follower_whose_writer_dies_is_told_and_takes_the_release_over() {
    use release_cockpit::session::current_release::Follow;
    let (_dir, store) = store();
    // The writer: another runner holding the release's lock.
    let (mut writer, mut writer_box) = runner(&store, "alice");
    start(&mut writer, "patch 1.0.1 2026-12-01 10:00 UTC");
    let id = opened(writer_box.recv().await);

    let (mut follower, mut mailbox) = runner(&store, "bob");
    follower.start_following(Follow {
        path: store.journal_path(&id).unwrap(),
        offset: 0,
        last_seq: 0,
        writer: Some("host/1".into()),
    });
    assert!(matches!(mailbox.recv().await, Some(Msg::Followed { .. })));
    drop(writer); // The writer's process is gone: its lock with it.
    let gone = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match mailbox.recv().await {
                Some(Msg::WriterGone) => return true,
                Some(_) => continue,
                None => return false,
            }
        }
    })
    .await;
    assert_eq!(gone, Ok(true), "the follower was never told");
    follower.run(Effect::TakeOver { id: id.clone() });
    match mailbox.recv().await {
        Some(Msg::ReleaseOpened { following, .. }) => assert_eq!(following, None),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        acquire(&store.lock_path(&id).unwrap()).unwrap(),
        LockOutcome::HeldBy(_)
    ));
}

#[tokio::test]
async fn a_release_opened_off_the_loop_is_written_once_the_loop_shows_it() {
    let (_dir, store) = store();
    let (mut runner, mut mailbox) = runner(&store, "alice");
    start(&mut runner, "patch 1.0.1 2026-12-01 10:00 UTC");
    let first = opened(mailbox.recv().await);
    let library = PlaybookLibrary::builtin().unwrap();
    let new = NewRelease::parse("patch 1.0.2 2026-12-08 10:00 UTC", chrono_tz::UTC).unwrap();
    let second =
        release_cockpit::session::start_release(&store, &library, &new, "bob", chrono::Utc::now())
            .unwrap()
            .checklist
            .release
            .id;
    // From here a loop drives the runner: it says what it delivers.
    runner.delivered(&Msg::Resumed);
    runner.run(Effect::OpenRelease {
        id: second.clone(),
        viewing: false,
    });
    let shown = mailbox.recv().await.unwrap();
    assert_eq!(opened(Some(shown.clone())), second);
    let note = |text: &str| {
        Effect::Record(Event::NoteAdded {
            step: "deploy-production".into(),
            text: text.into(),
        })
    };
    let notes = |id: &str| -> Vec<String> {
        release_cockpit::session::open_release_read_only(&store, id)
            .unwrap()
            .records
            .iter()
            .map(|r| r.event.describe())
            .filter(|e| e.contains("while"))
            .collect()
    };
    // A key handled before the loop shows the second release acts on the first.
    runner.run(note("while the first shows"));
    assert!(matches!(mailbox.recv().await, Some(Msg::Recorded(_))));
    runner.delivered(&shown);
    runner.run(note("while the second shows"));
    assert!(matches!(mailbox.recv().await, Some(Msg::Recorded(_))));
    assert_eq!(notes(&first).len(), 1, "{:?}", notes(&first));
    assert!(notes(&first)[0].contains("first"));
    assert_eq!(notes(&second).len(), 1, "{:?}", notes(&second));
    assert!(notes(&second)[0].contains("second"));
}
