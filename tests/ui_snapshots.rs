//! Tier 2: whole-screen snapshots on a TestBackend, and cell-style checks that each
//! theme role really paints with its colour (snapshots drop colour).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use release_cockpit::app::fixture::{sample_model, sample_model_with_release};
use release_cockpit::app::{Key, Model, Msg, update};
use release_cockpit::config::themes::ThemeSet;
use release_cockpit::domain::events::{Event, Recorded};
use release_cockpit::ui::{self, Role};

fn render(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    let themes = ThemeSet::builtin().expect("built-in themes");
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| ui::view(frame, model, themes.theme(model.themes.current)))
        .expect("draw");
    terminal
}

fn press(model: &mut Model, keys: &[&str]) {
    for key in keys {
        let key: Key = key.parse().expect("key");
        update(model, Msg::Key(key));
    }
}

#[test]
fn full_screen_120x40() {
    insta::assert_snapshot!(render(&sample_model(), 120, 40).backend());
}

#[test]
fn full_screen_80x24_shows_one_pane_with_tabs() {
    insta::assert_snapshot!(render(&sample_model(), 80, 24).backend());
}

#[test]
fn small_screen_follows_focus() {
    let mut model = sample_model();
    press(&mut model, &["3"]);
    insta::assert_snapshot!(render(&model, 80, 24).backend());
}

#[test]
fn zoomed_pane() {
    let mut model = sample_model();
    press(&mut model, &["tab", "z"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn help_overlay() {
    let mut model = sample_model();
    press(&mut model, &["?"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn help_overlay_on_a_small_screen_scrolls() {
    let mut model = sample_model();
    press(&mut model, &["?", "j", "j", "j", "j", "j", "j", "j", "j"]);
    insta::assert_snapshot!(render(&model, 80, 24).backend());
}

/// Every row of the screen as text.
fn screen_lines(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

#[test]
fn help_at_200x50_is_grouped_and_cuts_no_key_or_name() {
    let mut model = sample_model();
    press(&mut model, &["?"]);
    insta::assert_snapshot!(render(&model, 200, 50).backend());
    // Page through it all: every command's keys and name, whole, on its row.
    let mut seen = Vec::new();
    for _ in 0..release_cockpit::app::COMMANDS.len() / 10 + 1 {
        seen.extend(screen_lines(&render(&model, 200, 50)));
        press(&mut model, &["pagedown"]);
    }
    for spec in release_cockpit::app::COMMANDS {
        let keys = model.keymap.describe(spec.command);
        // Inside the dialog's border: ` keys   name   doc`.
        let whole = |row: &str| {
            row.split('│').any(|cell| {
                cell.strip_prefix(' ')
                    .and_then(|rest| rest.strip_prefix(keys.as_str()))
                    .is_some_and(|rest| {
                        rest.starts_with("  ")
                            && rest.trim_start().starts_with(&format!("{} ", spec.name))
                    })
            })
        };
        assert!(
            seen.iter().any(|l| whole(l)),
            "`{}` ({keys}) is cut or missing",
            spec.name
        );
    }
    for heading in [
        "Everywhere",
        "Checklist pane",
        "Confirmations",
        "Rollback 2: scope",
    ] {
        assert!(
            seen.iter().any(|l| l.contains(heading)),
            "no heading `{heading}`"
        );
    }
}

#[test]
fn read_only_help_marks_what_is_refused() {
    let mut model = sample_model();
    model.operator.read_only = true;
    press(&mut model, &["?"]);
    let lines = screen_lines(&render(&model, 200, 50));
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.contains(&format!(" {name} ")))
            .cloned()
            .unwrap_or_else(|| panic!("no `{name}` row"))
    };
    assert!(
        row("rollback").contains("✗ Guided rollback"),
        "{}",
        row("rollback")
    );
    assert!(!row("zoom").contains('✗'), "{}", row("zoom"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("✗ refused: this cockpit is read-only"))
    );
}

#[test]
fn palette_filtered() {
    let mut model = sample_model();
    press(&mut model, &[":", "f", "o", "c"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn confirm_quit_while_an_action_runs() {
    let mut model = sample_model_with_release();
    model
        .release
        .as_mut()
        .unwrap()
        .live_gates
        .insert("code-quality".into());
    model.start_request("gate `code-quality`".into(), 1);
    press(&mut model, &["q"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn checklist_with_a_release_zoomed() {
    let mut model = sample_model_with_release();
    press(&mut model, &["z"]);
    insta::assert_snapshot!(render(&model, 140, 40).backend());
}

#[test]
fn checklist_on_a_small_screen() {
    insta::assert_snapshot!(render(&sample_model_with_release(), 80, 24).backend());
}

#[test]
fn checklist_after_steps_are_recorded() {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    let events = [
        (
            "carol",
            Event::StepCompleted {
                step: "announce".into(),
            },
        ),
        (
            "dana",
            Event::StepSkipped {
                step: "code-quality".into(),
                reason: "CI covers it".into(),
            },
        ),
        (
            "bob",
            Event::ApprovalGiven {
                step: "team-approval".into(),
            },
        ),
        (
            "alice",
            Event::ApprovalGiven {
                step: "team-approval".into(),
            },
        ),
        (
            "alice",
            Event::StepCompleted {
                step: "release-branch".into(),
            },
        ),
    ];
    for (seq, (who, event)) in events.into_iter().enumerate() {
        let recorded = Recorded {
            seq: seq as u64 + 2,
            at: now,
            operator: who.into(),
            event,
        };
        update(&mut model, Msg::Recorded(recorded));
    }
    press(&mut model, &["z"]);
    insta::assert_snapshot!(render(&model, 140, 40).backend());
}

#[test]
fn step_details_overlay() {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model
        .release
        .as_mut()
        .unwrap()
        .select_step("deploy-production", now);
    press(&mut model, &["enter"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn step_details_show_the_release_in_place_of_its_variables() {
    use release_cockpit::domain::playbook::{CommandGate, Step, StepKind, When};
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    let view = model.release.as_mut().unwrap();
    view.checklist.playbook.phases[0].steps.push(Step {
        id: "publish".into(),
        title: "Publish v{version}".into(),
        instructions: "Announce {release} once v{version} is out.".into(),
        when: When::At("T-1h".parse().unwrap()),
        owner: "release-manager".into(),
        required: true,
        kind: StepKind::Command(CommandGate {
            run: "npm publish --tag v{version} --from {previous_version}".into(),
            workdir: None,
            env: Default::default(),
            timeout: chrono::Duration::minutes(1),
            deploys_to: None,
        }),
    });
    let id = view.checklist.release.id.clone();
    for (step, shown) in [
        ("release-branch", vec!["Create `release/v2.4.0`, commit"]),
        (
            "publish",
            vec![
                "Publish v2.4.0",
                "npm publish --tag v2.4.0 --from {previous_version}",
                &format!("Announce {id} once v2.4.0 is out."),
            ],
        ),
    ] {
        model.overlay = None;
        model.release.as_mut().unwrap().select_step(step, now);
        press(&mut model, &["enter"]);
        let screen = screen_text(&render(&model, 120, 40));
        for text in shown {
            assert!(screen.contains(text), "{text}:\n{screen}");
        }
        assert!(!screen.contains("v{version}"), "{screen}");
    }
    model.overlay = None;
    let screen = screen_text(&render(&model, 120, 40));
    assert!(
        screen.contains("Publish v2.4.0"),
        "the Checklist's row too:\n{screen}"
    );
}

#[test]
fn skip_reason_prompt() {
    let mut model = sample_model_with_release();
    press(&mut model, &["j", "s", "w", "h", "y"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn read_only_and_alerts_in_the_status_bar() {
    let mut model = sample_model();
    model.operator.read_only = true;
    model.health = release_cockpit::app::fixture::sample_health(model.clock.now, 240);
    let terminal = render(&model, 200, 50);
    let line = |y: u16| -> String {
        (0..200)
            .map(|x| terminal.backend().buffer()[(x, y)].symbol().to_owned())
            .collect()
    };
    let banner = line(0);
    assert!(
        banner.contains("ROLLBACK TRIGGER: error_rate > 5% for 2m"),
        "{banner}"
    );
    // The status bar moves down a line while the banner shows.
    let top = line(1);
    assert!(top.contains("READ-ONLY"), "{top}");
    assert!(top.contains("2 FIRING"), "{top}");
    assert!(
        top.contains("1 STALE"),
        "the stale signal is counted: {top}"
    );
    assert!(top.contains("alice"), "{top}");
    assert!(top.contains("DEMO: no config file"), "{top}");
    assert!(top.contains("16:40 UTC"), "{top}");
}

#[test]
fn every_size_from_tiny_to_huge_renders_without_panicking() {
    let mut model = sample_model();
    for (w, h) in [
        (1, 1),
        (10, 3),
        (40, 10),
        (79, 23),
        (80, 24),
        (99, 29),
        (100, 30),
        (300, 80),
    ] {
        render(&model, w, h);
        press(&mut model, &["?"]);
        render(&model, w, h);
        press(&mut model, &["esc", ":"]);
        render(&model, w, h);
        press(&mut model, &["esc"]);
    }
}

/// The colour of the first cell whose text starts `needle`, in row `y`.
fn colour_of(terminal: &Terminal<TestBackend>, y: u16, needle: &str) -> (Color, Color) {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width;
    let row: Vec<String> = (0..width)
        .map(|x| buffer[(x, y)].symbol().to_owned())
        .collect();
    let text = row.concat();
    let column = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in row {y}: {text}"));
    // Columns are cells, and every cell here holds one single-width character.
    let x = text[..column].chars().count() as u16;
    let cell = &buffer[(x, y)];
    (cell.fg, cell.bg)
}

#[test]
fn each_theme_paints_roles_with_its_colours() {
    let themes = ThemeSet::builtin().expect("built-in themes");
    for (index, name) in themes.names().iter().enumerate() {
        let mut model = sample_model();
        model.themes.current = index;
        model.health = release_cockpit::app::fixture::sample_health(model.clock.now, 60);
        let theme = themes.theme(index);
        let terminal = render(&model, 200, 50);
        let fg = |role: Role| theme.style(role).fg.expect("themes set a foreground");
        // (row, text, role): status bar parts, then the unfocused and focused borders.
        // The trigger banner takes row 0 and pushes the rest down a line.
        let expectations = [
            (0, "▲", Role::Critical),
            (1, "release-cockpit", Role::Accent),
            (1, "no release", Role::Muted),
            (1, "DEMO", Role::Warn),
            (1, "FIRING", Role::Critical),
            (1, "alice", Role::Text),
            (2, "┌", Role::Border),
            (2, "┏", Role::Accent),
        ];
        for (row, text, role) in expectations {
            assert_eq!(
                colour_of(&terminal, row, text).0,
                fg(role),
                "{name}: `{text}` as {role:?}"
            );
        }
    }
}

#[test]
fn the_palette_selection_uses_the_selection_role() {
    let themes = ThemeSet::builtin().expect("built-in themes");
    let mut model = sample_model();
    press(&mut model, &[":", "z", "o", "o", "m"]);
    let terminal = render(&model, 120, 40);
    let selection = themes.theme(0).style(Role::Selection);
    let y = (0..40)
        .find(|y| {
            let row: String = (0..120)
                .map(|x| terminal.backend().buffer()[(x, *y)].symbol().to_owned())
                .collect();
            row.contains("zoom ")
        })
        .expect("zoom listed");
    let (fg, bg) = colour_of(&terminal, y, "zoom");
    assert_eq!((Some(fg), Some(bg)), (selection.fg, selection.bg));
}

#[test]
fn no_color_renders_without_any_colour() {
    let themes = ThemeSet::builtin()
        .expect("built-in themes")
        .without_color();
    let model = sample_model();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|frame| ui::view(frame, &model, themes.theme(0)))
        .expect("draw");
    for cell in terminal.backend().buffer().content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
}

#[test]
fn calendar_month_grid_agenda_and_conflicts() {
    let mut model = sample_model();
    // Tue 8 Dec: modules and products deploy at once.
    press(&mut model, &["1", "z", "l", "k", "k", "right"]);
    insta::assert_snapshot!(render(&model, 140, 30).backend());
}

#[test]
fn calendar_in_a_small_pane() {
    insta::assert_snapshot!(render(&sample_model(), 100, 30).backend());
}

#[test]
fn calendar_after_a_postponement() {
    let mut model = sample_model();
    press(&mut model, &["1", "right", "right", "right", "p"]);
    for c in "+2d critical bug in staging".chars() {
        update(&mut model, Msg::Key(Key::char(c)));
    }
    for effect in update(&mut model, Msg::Key("enter".parse().unwrap())) {
        let release_cockpit::app::Effect::RecordCalendar(event) = effect else {
            panic!("{effect:?}");
        };
        let recorded = Recorded {
            seq: 1,
            at: model.clock.now,
            operator: "alice".into(),
            event,
        };
        update(&mut model, Msg::CalendarRecorded(recorded));
    }
    press(&mut model, &["right", "right", "z"]);
    insta::assert_snapshot!(render(&model, 120, 24).backend());
}

#[test]
fn rollout_pane_in_every_state() {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::sample_rollout(model.clock.now);
    press(&mut model, &["3", "z", "j"]);
    insta::assert_snapshot!(render(&model, 120, 16).backend());
}

#[test]
fn deploy_confirmation_lists_current_and_new_images() {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::sample_rollout(model.clock.now);
    release_cockpit::app::fixture::override_go_no_go(&mut model, "deploy-production");
    press(&mut model, &["3", "d"]);
    insta::assert_snapshot!(render(&model, 120, 24).backend());
}

#[test]
fn deploy_dialog_holds_back_what_go_no_go_does_not_allow() {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::sample_rollout(model.clock.now);
    press(&mut model, &["3", "d"]);
    insta::assert_snapshot!(render(&model, 120, 24).backend());
}

#[test]
fn revision_history_of_the_selected_deployment() {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::sample_rollout(model.clock.now);
    press(&mut model, &["3", "j", "enter"]);
    insta::assert_snapshot!(render(&model, 120, 20).backend());
}

/// The sample release deployed 12 minutes ago, with the sample signals.
fn health_model() -> Model {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model.health = release_cockpit::app::fixture::sample_health(now, 240);
    let deploy = Recorded {
        seq: 2,
        at: now - chrono::Duration::minutes(12),
        operator: "alice".into(),
        event: Event::DeployRequested {
            version: "2.4.0".into(),
            targets: vec!["production/checkout".into()],
            dry_run: false,
            step: None,
        },
    };
    let baseline = Recorded {
        seq: 3,
        at: deploy.at,
        operator: "alice".into(),
        event: Event::BaselineCaptured {
            signal: "p99".into(),
            value: Some(release_cockpit::domain::events::Number(0.25)),
            from: deploy.at - chrono::Duration::minutes(30),
            to: deploy.at,
            points: 120,
        },
    };
    if let Some(view) = model.release.as_mut() {
        view.checklist.apply(&deploy);
        view.checklist.apply(&baseline);
    }
    model
}

#[test]
fn health_pane_with_a_trigger_firing_shows_the_banner() {
    let mut model = health_model();
    press(&mut model, &["4"]);
    insta::assert_snapshot!(render(&model, 200, 50).backend());
}

#[test]
fn health_pane_zoomed_is_the_t_plus_one_hour_view() {
    let mut model = health_model();
    press(&mut model, &["4", "z", "j"]);
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

#[test]
fn health_pane_on_a_small_screen() {
    let mut model = health_model();
    press(&mut model, &["4"]);
    insta::assert_snapshot!(render(&model, 80, 24).backend());
}

#[test]
fn the_trigger_banner_and_a_firing_signal_paint_in_the_critical_colour() {
    let mut model = health_model();
    // Off the error_rate row: the selection paints over a row's colours.
    press(&mut model, &["4", "j"]);
    let themes = ThemeSet::builtin().expect("built-in themes");
    let critical = themes.theme(0).style(Role::Critical).fg;
    let terminal = render(&model, 200, 50);
    let buffer = terminal.backend().buffer();
    let banner = &buffer[(2, 0)];
    assert!(
        banner.symbol() == "▲" || buffer[(1, 0)].symbol() == "▲",
        "the banner is the top line"
    );
    // The banner is reversed: the critical colour is its background.
    assert!(
        banner.fg == critical.unwrap_or(Color::Reset)
            || banner.bg == critical.unwrap_or(Color::Reset)
    );
    // Below the banner and the status bar.
    let row = (2..50)
        .find(|y| {
            (0..200)
                .map(|x| buffer[(x, *y)].symbol())
                .collect::<String>()
                .contains("error_rate")
        })
        .expect("the error_rate row");
    let line: String = (0..200).map(|x| buffer[(x, row)].symbol()).collect();
    let firing = line.find("FIRING").expect("FIRING on the row") as u16;
    let x = line[..firing as usize].chars().count() as u16;
    assert_eq!(buffer[(x, row)].fg, critical.unwrap_or(Color::Reset));
}

/// The health model with a Rollout pane whose checkout runs the release.
fn rollback_model() -> Model {
    let mut model = health_model();
    model.rollout = release_cockpit::app::fixture::sample_rollout(model.clock.now);
    model
}

#[test]
fn rollback_wizard_assess_is_prefilled_from_the_trigger() {
    let mut model = rollback_model();
    press(&mut model, &["R"]);
    insta::assert_snapshot!(render(&model, 140, 40).backend());
}

#[test]
fn rollback_wizard_scope_previews_each_change() {
    let mut model = rollback_model();
    press(&mut model, &["R", "enter", "j", "right"]);
    insta::assert_snapshot!(render(&model, 140, 40).backend());
}

#[test]
fn rollback_wizard_confirm_starts_on_cancel() {
    let mut model = rollback_model();
    press(&mut model, &["R", "enter", "enter", "2", ".", "4"]);
    insta::assert_snapshot!(render(&model, 140, 40).backend());
}

#[test]
fn the_rollback_confirmation_says_where_the_focus_is_and_what_enter_does() {
    let mut model = rollback_model();
    press(
        &mut model,
        &["R", "enter", "enter", "2", ".", "4", ".", "0"],
    );
    let text = screen_lines(&render(&model, 140, 40)).concat();
    assert!(
        text.contains("▶Cancel")
            && text.contains("Enter: go back to the scope (the focus is on Cancel"),
        "{text}"
    );
    press(&mut model, &["tab"]);
    let text = screen_lines(&render(&model, 140, 40)).concat();
    assert!(text.contains("▶Roll back"), "{text}");
    assert!(
        text.contains("Enter: roll back 2 Deployment(s) now"),
        "{text}"
    );
    press(&mut model, &["backspace"]);
    let text = screen_lines(&render(&model, 140, 40)).concat();
    assert!(text.contains("Enter: asks for the version first"), "{text}");
}

/// The text inside the pane titled `title` (`4 Health`), one string a row.
fn pane_rows(terminal: &Terminal<TestBackend>, title: &str) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    let row = |y: u16| -> Vec<String> {
        (0..area.width)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect()
    };
    let (top, left) = (0..area.height)
        .find_map(|y| {
            let cells = row(y);
            let text = cells.concat();
            // A border's corner starts the title (the tab strip names panes too).
            let at = ["┌", "┏"]
                .iter()
                .find_map(|corner| text.find(&format!("{corner} {title} ")))?;
            Some((y, text[..at].chars().count()))
        })
        .unwrap_or_else(|| panic!("no pane titled `{title}`"));
    let cells = row(top);
    let right = (left + 1..cells.len())
        .find(|&x| cells[x] == "┐" || cells[x] == "┓")
        .expect("the pane's top right corner");
    (top + 1..area.height)
        .map(row)
        .take_while(|cells| cells[left] == "│" || cells[left] == "┃")
        .map(|cells| cells[left + 1..right].concat())
        .collect()
}

/// The row of `rows` that names `name`.
fn row_of<'a>(rows: &'a [String], name: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(name))
        .unwrap_or_else(|| panic!("no row with `{name}` in {rows:#?}"))
}

/// The sizes the issue names, and 100x31: a firing trigger's banner takes a
/// line, so the grid of 50-column panes starts one line below 100x30.
const SIZES: [(u16, u16); 5] = [(80, 24), (100, 30), (100, 31), (120, 40), (200, 50)];

/// Whether the screen shows a pane titled `title` (`4 Health`).
fn shows(terminal: &Terminal<TestBackend>, title: &str) -> bool {
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    screen.contains(&format!("┌ {title} ")) || screen.contains(&format!("┏ {title} "))
}

/// Whatever the width, a table keeps each row's name and state: FIRING and
/// stale in Health, failed and stale in Rollout.
#[test]
fn health_and_rollout_keep_name_and_state_at_every_size() {
    for (width, height) in SIZES {
        let mut model = rollback_model();
        // Focus each in turn: below the grid, one pane shows at a time.
        for key in ["3", "4"] {
            press(&mut model, &[key]);
            let terminal = render(&model, width, height);
            let at = format!("{width}x{height}");
            assert!(shows(
                &terminal,
                if key == "3" { "3 Rollout" } else { "4 Health" }
            ));
            if shows(&terminal, "3 Rollout") {
                let rollout = pane_rows(&terminal, "3 Rollout");
                assert!(row_of(&rollout, "DEPLOYMENT").contains("STATE"), "{at}");
                for (name, state, short) in [
                    ("/checkout", "progressing", "rolling"),
                    ("/search", "failed", "failed"),
                    ("/billing", "complete", "done"),
                    ("/gateway", "stale", "stale"),
                ] {
                    let row = row_of(&rollout, name);
                    // Full, or the short form a narrow pane uses.
                    assert!(
                        row.contains(&format!(" {state} ")) || row.contains(&format!(" {short} ")),
                        "{at}: `{row}` lacks {state}"
                    );
                }
            }
            if shows(&terminal, "4 Health") {
                let health = pane_rows(&terminal, "4 Health");
                assert!(row_of(&health, "SIGNAL").contains("STATE"), "{at}");
                for (name, state) in [
                    ("error_rate ", "FIRING"),
                    ("p99 ", "FIRING"),
                    ("queue_depth ", "stale"),
                    ("cpu ", "ok"),
                ] {
                    let row = row_of(&health, name);
                    assert!(
                        row.contains(&format!(" {state}")),
                        "{at}: `{row}` lacks {state}"
                    );
                }
            }
        }
    }
}

#[test]
fn health_and_rollout_at_every_size() {
    for (width, height) in SIZES {
        let mut model = rollback_model();
        press(&mut model, &["3"]);
        let terminal = render(&model, width, height);
        if shows(&terminal, "4 Health") {
            insta::assert_snapshot!(
                format!("health_and_rollout_at_{width}x{height}"),
                terminal.backend()
            );
            continue;
        }
        insta::assert_snapshot!(format!("rollout_at_{width}x{height}"), terminal.backend());
        press(&mut model, &["4"]);
        insta::assert_snapshot!(
            format!("health_at_{width}x{height}"),
            render(&model, width, height).backend()
        );
    }
}

/// On a wide screen the Calendar takes the width its text needs and the
/// Checklist beside it keeps its offset and owner columns.
#[test]
fn calendar_and_checklist_share_a_wide_row_by_need() {
    let model = sample_model_with_release();
    let terminal = render(&model, 200, 50);
    let calendar = pane_rows(&terminal, "1 Calendar");
    row_of(
        &calendar,
        "⚠ Mon 4 Jan 10:00: production freeze starts in production's window",
    );
    row_of(&calendar, "code freeze in 1d 1h (10:00 PST)");
    let checklist = pane_rows(&terminal, "2 Checklist");
    let announce = row_of(&checklist, "Announce the release");
    assert!(
        announce.contains("T-7d") && announce.contains("release-manager"),
        "{announce}"
    );
    insta::assert_snapshot!(terminal.backend());
}

/// The postpone prompt's hint (what to type) is never cut: a wide screen
/// widens the prompt, a narrow one puts the hint inside it.
#[test]
fn the_postpone_prompt_shows_its_whole_hint() {
    for (width, height) in [(200, 50), (80, 24)] {
        let mut model = sample_model();
        press(&mut model, &["1", "right", "right", "right", "p"]);
        let terminal = render(&model, width, height);
        let screen: String = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(
            screen.contains("to when, and why? (+1w reason, or YYYY-MM-DD [HH:MM] reason)"),
            "{width}x{height}: {}",
            terminal.backend()
        );
        if width < 100 {
            insta::assert_snapshot!(terminal.backend());
        }
    }
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The health model for an operator in Berlin (UTC+1 in November).
fn berlin_model() -> Model {
    let mut model = health_model();
    model.clock.zone = chrono_tz::Europe::Berlin;
    model.calendar.zone = chrono_tz::Europe::Berlin;
    model.calendar.refresh(model.clock.now);
    model
}

/// One zone on screen: the operator's. The sample clock is 16:40 UTC, when
/// the queue went stale; the deploy was 12 minutes before; T-0 is 18:00 UTC
/// (10:00 in the release's Los Angeles, shown beside it).
#[test]
fn every_time_on_screen_is_in_the_operators_zone() {
    let mut model = berlin_model();
    press(&mut model, &["4"]);
    let terminal = render(&model, 200, 50);
    let screen = screen_text(&terminal);
    for shown in [
        "17:40 CET",
        "T-0 Sat 21 Nov 19:00 CET (10:00 PST)",
        "stale since 17:40:00",
    ] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
    for utc in ["16:40:00", "16:40 UTC", "18:00 UTC"] {
        assert!(!screen.contains(utc), "{utc} shown:\n{screen}");
    }
    insta::assert_snapshot!(terminal.backend());

    press(&mut model, &["z"]);
    let screen = screen_text(&render(&model, 120, 40));
    assert!(
        screen.contains("deploy at 17:28 (T-1h 32m) · 17:23 to now"),
        "the T+1h view counts from T-0, in Berlin:\n{screen}"
    );
    assert!(screen.contains("· read 17:3"), "{screen}");
}

/// A post-mortem added after a rollback is due at a time, and reads as one:
/// not as `T+23h1m41s` from a T-0 it has nothing to do with.
#[test]
fn a_follow_up_reads_as_a_time_not_an_offset() {
    let mut model = berlin_model();
    let now = model.clock.now;
    let follow_up = Recorded {
        seq: 4,
        at: now,
        operator: "alice".into(),
        event: Event::FollowUpAdded {
            id: "post-mortem".into(),
            title: "Post-mortem of INCIDENT-0001".into(),
            instructions: "Hold the post-mortem".into(),
            due: now + chrono::Duration::seconds(23 * 3600 + 101),
            owner: "incident-commander".into(),
        },
    };
    if let Some(view) = model.release.as_mut() {
        view.checklist.apply(&follow_up);
        view.select_step("post-mortem", now);
    }
    press(&mut model, &["2", "z"]);
    let screen = screen_text(&render(&model, 120, 40));
    let row = screen
        .lines()
        // The Checklist's row (with its owner), not the header's mention.
        .find(|l| l.contains("Post-mortem of INCIDENT-0001") && l.contains("incident-comm"))
        .unwrap_or_else(|| panic!("the follow-up row:\n{screen}"));
    assert!(row.contains("16:41") && !row.contains("T+"), "{row}");
    press(&mut model, &["enter"]);
    let screen = screen_text(&render(&model, 120, 40));
    assert!(screen.contains("16:41 tomorrow"), "{screen}");
    assert!(!screen.contains("T+23h"), "{screen}");
}

/// A notice too long for the status bar is cut with `…` and says where the
/// rest is; `:notices` shows it whole, wrapped, with its time and level.
#[test]
fn a_long_notice_is_cut_in_the_status_bar_and_whole_in_the_notice_log() {
    let mut model = sample_model_with_release();
    let long = "not recorded, so not done: completed (event #7 was not recorded: \
                Permission denied (os error 13); journal /home/alice/.local/state/\
                release-cockpit/releases/minor-2.4.0-20261121.jsonl is cut back to its last \
                good line (byte 4242); free space and try again)";
    update(
        &mut model,
        Msg::RecordFailed {
            event: Box::new(Event::StepCompleted {
                step: "announce".into(),
            }),
            error: long
                .trim_start_matches("not recorded, so not done: completed (")
                .trim_end_matches(')')
                .into(),
        },
    );
    assert_eq!(model.notice.as_deref(), Some(long));
    for width in [200, 120] {
        let screen = screen_text(&render(&model, width, 40));
        let status = screen.lines().next().unwrap_or_default();
        assert!(
            status.contains("not recorded,") && status.contains("… :notices no alerts"),
            "{status}"
        );
    }

    press(
        &mut model,
        &[":", "n", "o", "t", "i", "c", "e", "s", "enter"],
    );
    let terminal = render(&model, 80, 24);
    let screen = screen_text(&terminal);
    // All of it, across the wrapped lines.
    let compact = |text: &str| -> String { text.split_whitespace().collect() };
    let shown: String = screen
        .lines()
        .map(|l| compact(l.trim_matches(|c: char| c != '│').trim_matches('│')))
        .collect();
    assert!(shown.contains(&compact(long)), "{screen}");
    assert!(screen.contains("16:40:00 error"), "{screen}");
    insta::assert_snapshot!(terminal.backend());
}

/// Space on a step due at T+1h when it is T-1h20m asks first, saying when
/// the step is due and why it asks; the default answer is cancel.
#[test]
fn completing_a_step_long_before_it_is_due_asks_first() {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    if let Some(view) = model.release.as_mut() {
        view.select_step("release-complete", now);
    }
    press(&mut model, &["space"]);
    let terminal = render(&model, 100, 30);
    let screen = screen_text(&terminal);
    assert!(
        screen.contains("`release-complete` is due 19:30 today (in 2h 50m)."),
        "{screen}"
    );
    assert!(screen.contains("more than 30m from now"), "{screen}");
    assert!(screen.contains("cancel (default)"), "{screen}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn rollout_pane_with_docker_containers() {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::sample_containers(model.clock.now);
    press(&mut model, &["3", "z", "j"]);
    insta::assert_snapshot!(render(&model, 120, 16).backend());
}

#[test]
fn deploy_confirmation_for_containers() {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::sample_containers(model.clock.now);
    release_cockpit::app::fixture::override_go_no_go(&mut model, "deploy-production");
    press(&mut model, &["3", "d"]);
    insta::assert_snapshot!(render(&model, 120, 24).backend());
}

/// The sample release with one repository, and what it said when read.
fn repo_model() -> Model {
    use release_cockpit::domain::versioning::bump::Bump;
    use release_cockpit::domain::versioning::notes::Style;
    use release_cockpit::domain::versioning::reading::ComponentReading;
    use release_cockpit::domain::versioning::repos::{Component, Repo, Repos};
    let mut model = sample_model_with_release();
    model.repos = Repos {
        repos: vec![Repo {
            name: "shop".into(),
            path: "/srv/shop".into(),
            tag_format: "v{version}".into(),
            main_branch: "main".into(),
            release_branch: "release/v{version}".into(),
            hotfix_branch: "hotfix/{date}-{slug}".into(),
            style: Style::KeepAChangelog,
            changelog: "CHANGELOG.md".into(),
            remote: Some("origin".into()),
            allow_dirty: false,
        }],
        components: ["backend", "frontend", "bot"]
            .into_iter()
            .map(|name| Component {
                name: name.into(),
                repo: 0,
                path: Some(name.into()),
                tag_format: "{component}-v{version}".into(),
                targets: Vec::new(),
            })
            .collect(),
        templates: Default::default(),
    };
    let view = model.release.as_mut().unwrap();
    for (name, version) in [
        ("backend", "1.5.0"),
        ("frontend", "2.1.0"),
        ("bot", "0.9.0"),
    ] {
        view.checklist
            .release
            .components
            .insert(name.into(), semver::Version::parse(version).unwrap());
    }
    let reading =
        |label: &str, previous: &str, suggested: &str, notes: &str, flag: Option<&str>| {
            ComponentReading {
                label: label.into(),
                component: Some(label.into()),
                previous_tag: Some(previous.into()),
                commits: notes.lines().filter(|l| l.starts_with("- ")).count(),
                bump: Bump::Minor,
                suggested: semver::Version::parse(suggested).unwrap(),
                why: "1 feature(s)".into(),
                beyond_type: flag.map(str::to_owned),
                notes: notes.into(),
                summary: String::new(),
            }
        };
    view.repo_reading = Some(Ok(vec![
        reading(
            "backend",
            "backend-v1.4.0",
            "1.5.0",
            "## [backend 1.5.0] - 2026-12-01\n\n### Added\n\n- **orders:** export as CSV (#51, 3f2a1b0)\n",
            None,
        ),
        reading(
            "frontend",
            "frontend-v2.0.0",
            "2.1.0",
            "## [frontend 2.1.0] - 2026-12-01\n\n### Added\n\n- live sync (9c1d2e3)\n\n### Fixed\n\n- **cart:** round totals (#60, 4b5c6d7)\n",
            None,
        ),
        reading(
            "bot",
            "bot-v0.8.0",
            "0.9.0",
            "## [bot 0.9.0] - 2026-12-01\n\n### Added\n\n- **BREAKING** **bot:** commands take a project (8e9f0a1)\n",
            Some("this minor release holds a breaking change: feat(bot): commands take a project"),
        ),
    ]));
    model
}

#[test]
fn a_release_of_components_in_the_checklist_header_with_its_flag() {
    let model = repo_model();
    insta::assert_snapshot!(render(&model, 140, 12).backend());
}

#[test]
fn a_tag_steps_details_preview_each_components_notes() {
    let mut model = repo_model();
    let now = model.clock.now;
    model.release.as_mut().unwrap().select_step("tag", now);
    press(&mut model, &["enter"]);
    insta::assert_snapshot!(render(&model, 120, 50).backend());
}

#[test]
fn the_tag_confirmation_lists_each_components_tag() {
    let mut model = repo_model();
    let now = model.clock.now;
    model.release.as_mut().unwrap().select_step("tag", now);
    press(&mut model, &["space"]);
    insta::assert_snapshot!(render(&model, 120, 24).backend());
}

#[test]
fn the_rollout_pane_groups_targets_by_component() {
    let mut model = repo_model();
    model.repos.components[0].targets = vec!["edge".into()];
    model.repos.components[1].targets = vec!["shop".into()];
    model.rollout = release_cockpit::app::fixture::sample_rollout(model.clock.now);
    let repos = model.repos.clone();
    model.rollout.group_by_components(&repos);
    press(&mut model, &["3", "z"]);
    insta::assert_snapshot!(render(&model, 120, 16).backend());
}

/// `:metrics` asks for the journals to be read, says so while they are,
/// then shows the figures against their targets, the weeks and the
/// releases behind them.
#[test]
fn metrics_view_shows_the_figures_the_weeks_and_the_releases() {
    use chrono::{Duration, TimeZone, Utc};
    use release_cockpit::app::Effect;
    use release_cockpit::domain::checklist::Outcome;
    use release_cockpit::domain::delivery::{DeliverySettings, ReleaseFacts, Target, figures};
    use release_cockpit::domain::release::ReleaseType;

    let mut model = sample_model_with_release();
    press(&mut model, &[":"]);
    for c in "metrics".chars() {
        update(&mut model, Msg::Key(Key::char(c)));
    }
    let effects = update(&mut model, Msg::Key("enter".parse().unwrap()));
    assert!(
        matches!(effects.as_slice(), [Effect::ReadFigures { .. }]),
        "{effects:?}"
    );
    let reading = screen_text(&render(&model, 120, 40));
    assert!(reading.contains("Reading every journal"), "{reading}");

    let at = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 10, 0, 0).unwrap();
    let fact = |id: &str, kind, d: u32| ReleaseFacts {
        id: id.into(),
        kind,
        version: "2.4.0".into(),
        t0: at(d),
        duration: Some(Duration::minutes(90)),
        incidents: 0,
        outcome: Outcome::Released { at: at(d) },
        deployed: Some(at(d)),
        lead_times: vec![Duration::hours(20)],
        rolled_back: None,
        time_to_restore: None,
        deploy_durations: vec![Duration::minutes(5)],
    };
    let mut bad = fact("minor-2.4.0-20261110", ReleaseType::Minor, 10);
    let stale = figures(&[], &DeliverySettings::default(), at(1), at(2));
    update(&mut model, Msg::FiguresRead(Box::new(stale)));
    let still = screen_text(&render(&model, 120, 40));
    assert!(
        still.contains("Reading every journal"),
        "another window's read is not shown: {still}"
    );
    bad.rolled_back = Some(at(10));
    bad.time_to_restore = Some(Duration::minutes(18));
    let facts = [
        fact("minor-2.3.0-20261103", ReleaseType::Minor, 3),
        bad,
        fact("minor-2.5.0-20261117", ReleaseType::Minor, 17),
    ];
    let settings = DeliverySettings {
        change_failure_rate: Some(Target {
            at_most: true,
            value: 15.0,
            text: "15%".into(),
        }),
        ..DeliverySettings::default()
    };
    // For the window the view asked for, which ends now.
    let read = figures(
        &facts,
        &settings,
        at(2) - Duration::hours(10),
        model.clock.now,
    );
    update(&mut model, Msg::FiguresRead(Box::new(read)));
    insta::assert_snapshot!(render(&model, 120, 40).backend());
}

/// A release of no train (a hotfix) is on the calendar too: marked on its
/// day, and listed there as ad hoc.
#[test]
fn an_ad_hoc_release_is_on_its_day() {
    let mut model = sample_model_with_release();
    let day = model.calendar.selected;
    let t0 = model.calendar.day_start(day) + chrono::Duration::hours(15);
    model
        .calendar
        .releases
        .push(release_cockpit::app::panes::calendar::KnownRelease {
            id: "hotfix-2.3.2-x".into(),
            name: "hotfix".into(),
            t0,
            version: semver::Version::new(2, 3, 2),
        });
    let screen = screen_text(&render(&model, 200, 50));
    let line = screen
        .lines()
        .find(|l| l.contains("hotfix") && l.contains("ad hoc"))
        .unwrap_or_else(|| panic!("the ad hoc release:\n{screen}"));
    assert!(line.contains("2.3.2"), "{line}");

    // Once its journal is read (off the loop), how it ended.
    update(
        &mut model,
        Msg::ReleasesRead(vec![release_cockpit::domain::delivery::ReleaseFacts {
            id: "hotfix-2.3.2-x".into(),
            kind: release_cockpit::domain::release::ReleaseType::Hotfix,
            version: "2.3.2".into(),
            t0,
            outcome: release_cockpit::domain::checklist::Outcome::RolledBack { at: t0 },
            duration: None,
            incidents: 1,
            deployed: None,
            lead_times: Vec::new(),
            rolled_back: Some(t0),
            time_to_restore: None,
            deploy_durations: Vec::new(),
        }]),
    );
    let screen = screen_text(&render(&model, 200, 50));
    assert!(
        screen
            .lines()
            .any(|l| l.contains("hotfix") && l.contains("ad hoc (rolled back)")),
        "{screen}"
    );
}

/// `:releases` reads every journal off the loop, lists the releases newest
/// first with their outcomes, and Enter opens the selected one as a switch.
#[test]
fn the_releases_view_lists_outcomes_and_opens_the_selected_one() {
    use chrono::{Duration, TimeZone, Utc};
    use release_cockpit::app::Effect;
    use release_cockpit::domain::checklist::Outcome;
    use release_cockpit::domain::delivery::ReleaseFacts;
    use release_cockpit::domain::release::ReleaseType;

    let mut model = sample_model_with_release();
    press(&mut model, &[":"]);
    for c in "releases".chars() {
        update(&mut model, Msg::Key(Key::char(c)));
    }
    let effects = update(&mut model, Msg::Key("enter".parse().unwrap()));
    assert_eq!(effects, vec![Effect::ReadReleases]);
    let at = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 18, 0, 0).unwrap();
    let fact = |id: &str, version: &str, d: u32, outcome: Outcome, incidents| ReleaseFacts {
        id: id.into(),
        kind: ReleaseType::Minor,
        version: version.into(),
        t0: at(d),
        outcome,
        duration: Some(Duration::minutes(95)),
        incidents,
        deployed: None,
        lead_times: Vec::new(),
        rolled_back: None,
        time_to_restore: None,
        deploy_durations: Vec::new(),
    };
    let list = vec![
        fact("minor-2.5.0-20261128", "2.5.0", 28, Outcome::Upcoming, 0),
        fact(
            "minor-2.4.0-20261121",
            "2.4.0",
            21,
            Outcome::InProgress { since: at(21) },
            0,
        ),
        fact(
            "minor-2.3.1-20261114",
            "2.3.1",
            14,
            Outcome::RolledBack { at: at(14) },
            1,
        ),
        fact(
            "minor-2.3.0-20261107",
            "2.3.0",
            7,
            Outcome::Released { at: at(7) },
            0,
        ),
    ];
    update(&mut model, Msg::ReleasesRead(list));
    press(&mut model, &["j", "j"]);
    insta::assert_snapshot!(render(&model, 120, 30).backend());
    let effects = update(&mut model, Msg::Key("enter".parse().unwrap()));
    assert_eq!(
        effects,
        vec![Effect::OpenRelease {
            id: "minor-2.3.1-20261114".into(),
            viewing: true
        }]
    );
}
