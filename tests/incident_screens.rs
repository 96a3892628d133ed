//! Tier 2 for `:incident`: the dialog in the team's words, its confirmation,
//! and the status bar keeping the report's due time in sight.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use release_cockpit::app::fixture::sample_model_with_release;
use release_cockpit::app::{Key, Model, Msg, update};
use release_cockpit::config::themes::ThemeSet;
use release_cockpit::domain::events::{Event, Recorded};
use release_cockpit::domain::rollback::Severity;
use release_cockpit::domain::severity_scale::{SeverityName, SeverityScale};
use release_cockpit::ui;

fn screen(model: &Model, width: u16, height: u16) -> String {
    let themes = ThemeSet::builtin().expect("built-in themes");
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| ui::view(frame, model, themes.theme(model.themes.current)))
        .expect("draw");
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

fn keys(model: &mut Model, keys: &str) {
    for key in keys.split_whitespace() {
        update(model, Msg::Key(key.parse::<Key>().expect("key")));
    }
}

fn text(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, Msg::Key(Key::char(c)));
    }
}

fn team_model() -> Model {
    let mut model = sample_model_with_release();
    let name = |name: &str, level, covers: Option<&str>| SeverityName {
        name: name.into(),
        level,
        covers: covers.map(str::to_owned),
    };
    model.incident_settings.severities = SeverityScale::new(vec![
        name("SEV1", Severity::P0, Some("customers cannot pay")),
        name("SEV2", Severity::P1, None),
        name("SEV3", Severity::P2, None),
    ])
    .expect("a scale");
    model
}

#[test]
fn the_dialog_and_its_confirmation_speak_the_teams_words() {
    let mut model = team_model();
    keys(&mut model, ":");
    text(&mut model, "incident");
    keys(&mut model, "enter up");
    text(&mut model, "EU card payments fail");
    let form = screen(&model, 120, 40);
    for shown in [
        "Declare an incident",
        "▶ SEV1 (P0)          roll back now              customers cannot pay",
        "  SEV2 (P1)          roll back within the hour  a major feature broken",
        "  SEV3 (P2)          fix forward                a minor issue, a workaround exists",
        "Reason: EU card payments fail",
        "Then due: report in 1h · Post-mortem in 1d",
        "Esc closes",
    ] {
        assert!(form.contains(shown), "no `{shown}` in:\n{form}");
    }
    keys(&mut model, "enter");
    let confirm = screen(&model, 120, 40);
    for shown in [
        "Declare a SEV1 (P0) incident (roll back now), with no rollback?",
        "Reason: EU card payments fail",
        "declare it",
    ] {
        assert!(confirm.contains(shown), "no `{shown}` in:\n{confirm}");
    }
    // Small screens keep the whole question.
    let small = screen(&model, 80, 24);
    assert!(small.contains("Declare a SEV1 (P0) incident"), "{small}");
}

#[test]
fn the_status_bar_keeps_the_next_follow_up_in_sight_and_says_when_it_is_late() {
    let mut model = team_model();
    let now = model.clock.now;
    let follow_up = |seq, id: &str, title: &str, due| Recorded {
        seq,
        at: now,
        operator: "alice".into(),
        event: Event::FollowUpAdded {
            id: id.into(),
            title: title.into(),
            instructions: String::new(),
            due,
            owner: "incident-commander".into(),
        },
    };
    if let Some(view) = model.release.as_mut() {
        view.checklist.apply(&follow_up(
            10,
            "post-mortem",
            "Post-mortem of INCIDENT-0003",
            now + Duration::hours(24),
        ));
        view.checklist.apply(&follow_up(
            11,
            "incident-report",
            "Incident report of INCIDENT-0003",
            now + Duration::hours(1),
        ));
    }
    let wide = screen(&model, 160, 40);
    let top = wide.lines().next().unwrap_or_default();
    assert!(
        top.contains("Incident report of INCIDENT-0003 due 17:40 today"),
        "{top}"
    );
    let narrow = screen(&model, 80, 24);
    let top = narrow.lines().next().unwrap_or_default();
    assert!(top.contains("follow-up due 17:40 today"), "{top}");
    // Overdue: said so, until the step is done.
    update(&mut model, Msg::Tick(now + Duration::minutes(61)));
    let late = screen(&model, 160, 40);
    let top = late.lines().next().unwrap_or_default();
    assert!(
        top.contains("Incident report of INCIDENT-0003 OVERDUE since 17:40 today"),
        "{top}"
    );
    if let Some(view) = model.release.as_mut() {
        view.checklist.apply(&Recorded {
            seq: 12,
            at: now,
            operator: "alice".into(),
            event: Event::StepCompleted {
                step: "incident-report".into(),
            },
        });
    }
    let done = screen(&model, 160, 40);
    let top = done.lines().next().unwrap_or_default();
    assert!(
        top.contains("Post-mortem of INCIDENT-0003 due 16:40 tomorrow"),
        "{top}"
    );
}
