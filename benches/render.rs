//! Frame cost: the full screen at 200x50 on a TestBackend, the budget being 2 ms.
//! Run: cargo bench --bench render

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use release_cockpit::app::fixture::{sample_model, sample_model_with_release};
use release_cockpit::app::{Key, Model, Msg, update};
use release_cockpit::config::themes::ThemeSet;
use release_cockpit::ui;

/// Times a forced full redraw (as after a resize: the worst case per frame).
fn bench_draw(c: &mut Criterion, name: &str, model: &Model) {
    let themes = ThemeSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    let theme = themes.theme(0);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| match e {});
    c.bench_function(name, |b| {
        b.iter(|| {
            terminal.clear().unwrap_or_else(|e| match e {});
            terminal
                .draw(|frame| ui::view(frame, model, theme))
                .unwrap_or_else(|e| match e {});
        });
    });
}

fn frame(c: &mut Criterion) {
    bench_draw(c, "full screen 200x50", &sample_model());
    let mut with_help = sample_model();
    update(&mut with_help, Msg::Key(Key::char('?')));
    bench_draw(c, "full screen 200x50 with help overlay", &with_help);
}

fn checklist(c: &mut Criterion) {
    let mut model = sample_model_with_release();
    update(&mut model, Msg::Key(Key::char('z')));
    bench_draw(c, "checklist zoomed 200x50 (minor playbook)", &model);
}

fn calendar(c: &mut Criterion) {
    let mut model = sample_model();
    // The demo's five trains, zoomed on December: grid, conflicts, agenda.
    for key in ['1', 'z', 'l'] {
        update(&mut model, Msg::Key(Key::char(key)));
    }
    bench_draw(c, "calendar zoomed 200x50 (five demo trains)", &model);
    // What a month move costs: the occurrences and conflicts are recomputed.
    c.bench_function("calendar next and previous month (recompute twice)", |b| {
        b.iter(|| {
            update(&mut model, Msg::Key(Key::char('l')));
            update(&mut model, Msg::Key(Key::char('h')))
        });
    });
}

fn rollout(c: &mut Criterion) {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::many_deployments(1_000, model.clock.now);
    bench_draw(c, "full screen 200x50, rollout of 1000 deployments", &model);
    for key in ['3', 'z'] {
        update(&mut model, Msg::Key(Key::char(key)));
    }
    bench_draw(c, "rollout zoomed 200x50 (1000 deployments)", &model);
    // Taking in a watch snapshot of all 1000 (what a busy target sends every 100 ms).
    let snapshot = release_cockpit::domain::rollout::RolloutUpdate::Snapshot {
        target: "bench".to_owned(),
        units: model.rollout.targets[0].units.clone(),
    };
    c.bench_function("apply a 1000-deployment snapshot", |b| {
        b.iter(|| update(&mut model, Msg::Rollout(snapshot.clone())));
    });
}

/// The budget's case: 1,000 Deployments and 10k metric points (five signals
/// of 2,000 points each, one firing: the banner shows), four panes at 200x50.
fn health(c: &mut Criterion) {
    let mut model = sample_model_with_release();
    model.rollout = release_cockpit::app::fixture::many_deployments(1_000, model.clock.now);
    model.health = release_cockpit::app::fixture::sample_health(model.clock.now, 2_000);
    let points: usize = model.health.signals.iter().map(|s| s.points.len()).sum();
    assert!(points >= 10_000, "{points} points");
    bench_draw(
        c,
        "full screen 200x50, 1000 deployments and 10k metric points",
        &model,
    );
    update(&mut model, Msg::Key(Key::char('4')));
    update(&mut model, Msg::Key(Key::char('z')));
    bench_draw(
        c,
        "health zoomed 200x50 (T+1h view, 10k metric points)",
        &model,
    );
    update(&mut model, Msg::Key(Key::char('z')));
    // Keystroke to frame: the key through `update`, then the frame it changed
    // (the loop draws at once when the last frame is older than 16 ms).
    let themes = ThemeSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| match e {});
    let mut down = true;
    c.bench_function(
        "keystroke to frame: j/k in the Health pane (1000 deployments, 10k points)",
        |b| {
            b.iter(|| {
                let key = if down { 'j' } else { 'k' };
                down = !down;
                update(&mut model, Msg::Key(Key::char(key)));
                terminal
                    .draw(|frame| ui::view(frame, &model, themes.theme(0)))
                    .unwrap_or_else(|e| match e {});
            });
        },
    );
}

criterion_group!(benches, frame, checklist, calendar, rollout, health);
criterion_main!(benches);
