//! Tier 3: scripted key sequences through the real event loop, on a TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use futures::{StreamExt, stream};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use release_cockpit::app::fixture::sample_model;
use release_cockpit::app::{Key, Model, Msg, Pane};
use release_cockpit::config::themes::ThemeSet;
use release_cockpit::runtime::{EffectRunner, LoopOptions, Sources, TerminalControl, run_loop};

#[derive(Default)]
struct FakeTerminal {
    suspended: usize,
}

impl TerminalControl for FakeTerminal {
    fn suspend(&mut self) -> std::io::Result<()> {
        self.suspended += 1;
        Ok(())
    }
}

/// Effects beyond quit and suspend are not expected in these tests.
struct NoEffects;

impl EffectRunner for NoEffects {
    fn run(&mut self, effect: release_cockpit::app::Effect) {
        panic!("unexpected effect {effect:?}");
    }
}

fn keys(text: &[&str]) -> Vec<Msg> {
    text.iter()
        .map(|k| Msg::Key(k.parse::<Key>().expect("key")))
        .collect()
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

/// Runs the real loop on a `width` x `height` TestBackend until it quits.
async fn run(
    input: impl futures::Stream<Item = Msg> + Unpin,
    width: u16,
    height: u16,
    options: LoopOptions,
) -> (i32, Model, FakeTerminal, Terminal<TestBackend>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut model = sample_model();
    let mut control = FakeTerminal::default();
    let (_tx, mailbox) = mpsc::unbounded_channel();
    let themes = ThemeSet::builtin().expect("themes");
    let code = run_loop(
        &mut terminal,
        &mut control,
        &mut NoEffects,
        Sources { input, mailbox },
        &mut model,
        &themes,
        &options,
    )
    .await
    .expect("loop runs");
    (code, model, control, terminal)
}

#[tokio::test(start_paused = true)]
async fn scripted_keys_move_focus_zoom_and_quit() {
    let (code, model, _, _) = run(
        stream::iter(keys(&["3", "z", "?", "esc", "q"])),
        120,
        40,
        LoopOptions::default(),
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(model.focus, Pane::Rollout);
    assert!(model.zoomed);
    assert_eq!(model.overlay, None);
}

#[tokio::test(start_paused = true)]
async fn the_screen_shows_the_state_after_a_burst_of_keys() {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut model = sample_model();
    let (tx, mailbox) = mpsc::unbounded_channel();
    // Keys arrive, then nothing: the loop must draw the final state on its own,
    // then a SIGTERM-like message from the mailbox ends it with 143.
    let input = stream::iter(keys(&["4", "z"])).chain(stream::pending());
    let themes = ThemeSet::builtin().expect("themes");
    let mut control = FakeTerminal::default();
    let options = LoopOptions::default();
    let mut effects = NoEffects;
    let run = run_loop(
        &mut terminal,
        &mut control,
        &mut effects,
        Sources { input, mailbox },
        &mut model,
        &themes,
        &options,
    );
    let terminate = async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        tx.send(Msg::Terminate {
            reason: "SIGTERM".into(),
            exit_code: 143,
        })
        .expect("send");
    };
    let (code, ()) = tokio::join!(run, terminate);
    assert_eq!(code.expect("loop runs"), 143);
    let shown = screen(&terminal);
    assert!(shown.contains("4 Health"), "{shown}");
    assert!(!shown.contains("1 Calendar"), "zoomed on Health:\n{shown}");
}

#[tokio::test(start_paused = true)]
async fn ctrl_z_suspends_through_the_terminal_control_and_resumes() {
    let (code, model, control, _) = run(
        stream::iter(keys(&["ctrl-z", "2", "q"])),
        80,
        24,
        LoopOptions::default(),
    )
    .await;
    assert_eq!((code, control.suspended), (0, 1));
    assert_eq!(
        model.focus,
        Pane::Checklist,
        "keys after resuming still work"
    );
}

#[tokio::test(start_paused = true)]
async fn closed_input_ends_the_loop() {
    let (code, model, _, _) = run(stream::iter(keys(&["2"])), 80, 24, LoopOptions::default()).await;
    assert_eq!((code, model.focus), (0, Pane::Checklist));
}

#[tokio::test(start_paused = true)]
async fn exit_after_first_frame_draws_once() {
    let options = LoopOptions {
        exit_after_first_frame: true,
        ..LoopOptions::default()
    };
    let (code, _, _, terminal) = run(stream::pending(), 200, 50, options).await;
    assert_eq!(code, 0);
    let shown = screen(&terminal);
    for title in ["1 Calendar", "2 Checklist", "3 Rollout", "4 Health"] {
        assert!(shown.contains(title), "{title} missing:\n{shown}");
    }
}

/// The real effect runner with a journal in a temp dir: a release started from
/// the palette, a step completed, all through the loop and onto disk.
#[tokio::test]
async fn palette_starts_a_release_and_space_records_a_step_on_disk() {
    use release_cockpit::config::PlaybookLibrary;
    use release_cockpit::runtime::Runner;
    use release_cockpit::session::ReleaseStore;

    let dir = tempfile::tempdir().expect("tempdir");
    let store = ReleaseStore::new(dir.path());
    let (tx, mailbox) = mpsc::unbounded_channel();
    let library = PlaybookLibrary::builtin().expect("playbooks");
    let mut runner = Runner::new(tx.clone(), "alice".into(), None, store.clone(), library);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut model = sample_model();
    let mut script = keys(&[":"]);
    script.extend("release-new".chars().map(|c| Msg::Key(Key::char(c))));
    script.extend(keys(&["enter"]));
    script.extend(
        "patch 1.0.1 2026-12-01 10:00 UTC"
            .chars()
            .map(|c| Msg::Key(Key::char(c))),
    );
    script.extend(keys(&["enter"]));
    // Each key waits a little so the mailbox's replies land in between.
    let input = stream::iter(script).then(|msg| async {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        msg
    });
    let input = Box::pin(
        input
            .chain(stream::iter(keys(&["j", "space"])))
            .chain(stream::pending()),
    );
    let themes = ThemeSet::builtin().expect("themes");
    let mut control = FakeTerminal::default();
    let options = LoopOptions::default();
    let run = run_loop(
        &mut terminal,
        &mut control,
        &mut runner,
        Sources { input, mailbox },
        &mut model,
        &themes,
        &options,
    );
    // Stop once the step is on disk (and a frame has had time to show it),
    // or after 10 s: a loaded machine gets its time, a broken loop fails.
    let journal_path = store.journal_path("patch-1.0.1-20261201").unwrap();
    let stop = async {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            let written = std::fs::read_to_string(&journal_path).unwrap_or_default();
            if written.contains("\"type\":\"step_completed\"") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        tx.send(Msg::Terminate {
            reason: "test".into(),
            exit_code: 0,
        })
        .expect("send");
    };
    let (code, ()) = tokio::join!(run, stop);
    assert_eq!(code.expect("loop runs"), 0);
    let view = model.release.as_ref().expect("release opened");
    assert_eq!(view.checklist.release.id, "patch-1.0.1-20261201");
    let journal = std::fs::read_to_string(store.journal_path("patch-1.0.1-20261201").unwrap())
        .expect("journal");
    assert!(
        journal.contains("\"type\":\"step_completed\",\"step\":\"fix-merged\""),
        "{journal}"
    );
    assert!(
        screen(&terminal).contains("✓ done"),
        "{}",
        screen(&terminal)
    );
}

#[path = "support/timed_backend.rs"]
mod timed_backend;

mod frame_timing {
    //! When frames are drawn, in tokio's paused (virtual) time: input at once,
    //! background messages at most one frame per interval.

    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use futures::{StreamExt, stream};
    use ratatui::Terminal;
    use tokio::sync::mpsc;
    use tokio::time::{Instant, sleep_until};

    use super::timed_backend::{Frame, TimedBackend};
    use super::{FakeTerminal, NoEffects, keys};
    use release_cockpit::app::Msg;
    use release_cockpit::app::fixture::sample_model;
    use release_cockpit::config::themes::ThemeSet;
    use release_cockpit::runtime::{LoopOptions, Sources, run_loop};

    fn interval() -> Duration {
        LoopOptions::default().frame_interval
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A mailbox message that changes the screen: its notice in the status bar.
    fn notice(text: &str) -> Msg {
        Msg::ReleaseFailed(text.to_owned())
    }

    /// What a run drew, and when each group of keys reached the loop.
    struct Run {
        frames: Vec<Frame>,
        keys_arrived: Vec<Instant>,
    }

    impl Run {
        fn first_frame_showing(&self, what: impl Fn(&str) -> bool) -> &Frame {
            self.frames
                .iter()
                .find(|frame| what(&frame.screen))
                .unwrap_or_else(|| panic!("no frame shows it; drawn at {:?}", self.times()))
        }

        fn times(&self) -> Vec<Duration> {
            let start = self.frames[0].at;
            self.frames.iter().map(|f| f.at - start).collect()
        }
    }

    /// Runs the real loop at 120x40 from virtual time 0: each group of keys
    /// arrives at once at its time, each mailbox message is posted at its
    /// time, and a SIGTERM-like message ends the run at `stop_ms`.
    async fn run_timed(
        key_groups: Vec<(u64, Vec<&'static str>)>,
        background: Vec<(u64, Msg)>,
        stop_ms: u64,
    ) -> Run {
        let start = Instant::now();
        let arrived = Arc::new(Mutex::new(Vec::new()));
        let arrivals = arrived.clone();
        let input = stream::iter(key_groups)
            .then(move |(at, group)| {
                let arrivals = arrivals.clone();
                async move {
                    sleep_until(start + ms(at)).await;
                    arrivals.lock().unwrap().push(Instant::now());
                    stream::iter(keys(&group))
                }
            })
            .flatten()
            .chain(stream::pending());
        let (tx, mailbox) = mpsc::unbounded_channel();
        let post = async move {
            for (at, msg) in background {
                sleep_until(start + ms(at)).await;
                tx.send(msg).expect("send");
            }
            sleep_until(start + ms(stop_ms)).await;
            tx.send(Msg::Terminate {
                reason: "test".into(),
                exit_code: 143,
            })
            .expect("send");
        };
        let mut terminal = Terminal::new(TimedBackend::new(120, 40)).expect("terminal");
        let mut model = sample_model();
        let themes = ThemeSet::builtin().expect("themes");
        let options = LoopOptions::default();
        let mut control = FakeTerminal::default();
        let mut effects = NoEffects;
        let run = run_loop(
            &mut terminal,
            &mut control,
            &mut effects,
            Sources {
                input: Box::pin(input),
                mailbox,
            },
            &mut model,
            &themes,
            &options,
        );
        let (code, ()) = tokio::join!(run, post);
        assert_eq!(code.expect("loop runs"), 143);
        let frames = std::mem::take(&mut terminal.backend_mut().frames);
        let keys_arrived = arrived.lock().unwrap().clone();
        Run {
            frames,
            keys_arrived,
        }
    }

    fn zoomed(screen: &str) -> bool {
        !screen.contains("2 Checklist")
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_just_after_a_background_frame_is_drawn_at_once() {
        let run = run_timed(vec![(101, vec!["z"])], vec![(100, notice("ntc-one"))], 300).await;
        let background = run.first_frame_showing(|s| s.contains("ntc-one") && !zoomed(s));
        let key_at = run.keys_arrived[0];
        assert!(
            key_at > background.at && key_at - background.at < interval(),
            "the key must land inside the interval after a background frame"
        );
        let keyed = run.first_frame_showing(zoomed);
        assert!(
            keyed.at - key_at < ms(1),
            "the key's frame waited {:?} after the key (frames at {:?})",
            keyed.at - key_at,
            run.times()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_keys_shares_the_frame_drawn_at_once() {
        let run = run_timed(
            vec![(101, vec!["4", "z"])],
            vec![(100, notice("ntc-one"))],
            300,
        )
        .await;
        let key_at = run.keys_arrived[0];
        let after: Vec<&Frame> = run.frames.iter().filter(|f| f.at >= key_at).collect();
        let shown = &after.first().expect("a frame after the keys").screen;
        assert!(
            after[0].at - key_at < ms(1) && zoomed(shown) && shown.contains("4 Health"),
            "the first frame after the burst, at {:?}, must show both keys:\n{shown}",
            after[0].at - key_at
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_of_keys_shows_a_frame_every_64_keys() {
        // 64 focus moves arrive with a zoom behind them: the loop draws after
        // the 64th (`INPUT_PER_FRAME`), then at once again for the zoom.
        let mut flood: Vec<&'static str> = (0..64).map(|i| ["3", "4"][i % 2]).collect();
        flood.push("z");
        let run = run_timed(vec![(101, flood)], Vec::new(), 300).await;
        let key_at = run.keys_arrived[0];
        let after: Vec<&Frame> = run.frames.iter().filter(|f| f.at >= key_at).collect();
        assert!(after.len() >= 2, "frames at {:?}", run.times());
        assert!(
            !zoomed(&after[0].screen) && zoomed(&after[1].screen),
            "the first frame shows the 64 moves, the next one the zoom:\n{}\n{}",
            after[0].screen,
            after[1].screen
        );
        assert!(after[1].at - key_at < ms(1), "frames at {:?}", run.times());
    }

    #[tokio::test(start_paused = true)]
    async fn background_messages_share_one_frame_per_interval() {
        let run = run_timed(
            Vec::new(),
            vec![
                (100, notice("ntc-one")),
                (101, notice("ntc-two")),
                (102, notice("ntc-three")),
            ],
            300,
        )
        .await;
        let first = run.first_frame_showing(|s| s.contains("ntc-one"));
        let third = run.first_frame_showing(|s| s.contains("ntc-three"));
        assert!(
            third.at - first.at >= interval(),
            "background frames {:?} apart (frames at {:?})",
            third.at - first.at,
            run.times()
        );
        let between = run
            .frames
            .iter()
            .filter(|f| f.at > first.at && f.at < third.at)
            .count();
        assert_eq!(between, 0, "frames at {:?}", run.times());
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_that_changes_nothing_does_not_bring_background_frames_forward() {
        let run = run_timed(
            vec![(102, vec!["f12"])],
            vec![(100, notice("ntc-one")), (101, notice("ntc-two"))],
            300,
        )
        .await;
        let first = run.first_frame_showing(|s| s.contains("ntc-one"));
        let second = run.first_frame_showing(|s| s.contains("ntc-two"));
        assert!(
            second.at - first.at >= interval(),
            "frames at {:?}",
            run.times()
        );
    }
}
