use super::*;
use crate::app::fixture::{sample_model_with_release, sample_rollout};
use crate::app::keys::keymap::{Binding, Keymap};
use crate::app::{Msg, update};

fn press(model: &mut Model, keys: &str) {
    for key in keys.split_whitespace() {
        update(
            model,
            Msg::Key(key.parse().unwrap_or_else(|e| panic!("{e}"))),
        );
    }
}

fn shown(model: &Model) -> String {
    footer(model)
        .iter()
        .map(|h| format!("{} {}", h.keys, h.label))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The keys a hint names, one by one (`esc/q` is `esc` and `q`).
fn keys_shown(model: &Model) -> Vec<String> {
    footer(model)
        .iter()
        .flat_map(|h| h.keys.split('/').map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// A release with a Rollout pane, and the rollback wizard open on it.
fn wizard_model() -> Model {
    let mut model = sample_model_with_release();
    model.rollout = sample_rollout(model.clock.now);
    press(&mut model, "R");
    assert!(model.rollback.is_some(), "{:?}", model.notice);
    model
}

/// Every key of every command the stage takes now is in its hints, but the
/// printable ones where typing is text.
fn assert_every_key_is_hinted(model: &Model) {
    let mode = model.mode();
    let shown = keys_shown(model);
    for scope in mode.scopes() {
        for spec in COMMANDS.iter().filter(|s| s.scope == *scope) {
            let Some(wizard) = model.rollback.as_ref() else {
                panic!("no wizard")
            };
            if !wizard.offers(spec.command) {
                continue;
            }
            for key in model.keymap.keys_for(spec.command) {
                if mode.typing().is_some() && key.typed_char().is_some() {
                    continue;
                }
                assert!(
                    shown.contains(&short(key)),
                    "{mode:?}: `{key}` ({}) missing from {shown:?}",
                    spec.name
                );
            }
        }
    }
}

#[test]
fn wizard_hints_are_generated_for_every_stage_and_name_every_key_it_takes() {
    let mut model = wizard_model();
    assert_every_key_is_hinted(&model);
    assert!(shown(&model).starts_with("type reason · ↑/↓ severity · enter next · esc close"));
    press(&mut model, "enter");
    assert_eq!(
        model.rollback.as_ref().map(|w| w.stage),
        Some(crate::app::dialogs::rollback_wizard::Stage::Scope)
    );
    assert_every_key_is_hinted(&model);
    press(&mut model, "enter");
    assert_every_key_is_hinted(&model);
    assert!(
        shown(&model).contains("enter back to the scope"),
        "Enter on Cancel says so: {}",
        shown(&model)
    );
    press(&mut model, "tab");
    assert!(
        shown(&model).contains("enter roll back"),
        "{}",
        shown(&model)
    );
    for c in "2.4.0".chars() {
        update(&mut model, Msg::Key(crate::app::Key::char(c)));
    }
    let effects = {
        press(&mut model, "enter");
        model.rollback.as_ref().map(|w| w.stage)
    };
    assert_eq!(
        effects,
        Some(crate::app::dialogs::rollback_wizard::Stage::Execute)
    );
    // Execute: while a revert is out, `c` does nothing and is not offered.
    assert_every_key_is_hinted(&model);
    assert!(!keys_shown(&model).contains(&"c".to_owned()));
    let wizard = model.rollback.as_mut().expect("wizard");
    let keys: Vec<String> = wizard.progress.iter().map(|p| p.item.key()).collect();
    for key in &keys {
        wizard.item_done(key, false, "forbidden");
    }
    assert_every_key_is_hinted(&model);
    let execute = shown(&model);
    for hint in [
        "r retry failed",
        "c verify anyway",
        "esc/q hide (it goes on)",
    ] {
        assert!(execute.contains(hint), "`{hint}` missing from {execute}");
    }
}

#[test]
fn a_followers_footer_offers_no_write_keys() {
    let mut model = sample_model_with_release();
    model.rollout = sample_rollout(model.clock.now);
    model.operator.following = Some("host/4242".into());
    let writes: Vec<&str> = COMMANDS
        .iter()
        .filter(|s| s.writes)
        .filter_map(|s| s.hint)
        .collect();
    for pane in ["1", "2", "3", "4"] {
        press(&mut model, pane);
        let hints = footer(&model);
        assert!(!hints.is_empty());
        for hint in &hints {
            assert!(
                !writes.contains(&hint.label.as_str()),
                "`{}` shown read-only after {pane}",
                hint.label
            );
        }
    }
    press(&mut model, "2");
    let checklist = shown(&model);
    assert!(checklist.contains("enter details"), "{checklist}");
    for write in ["complete", "skip", "approve", "rollback"] {
        assert!(!checklist.contains(write), "{write} in {checklist}");
    }
    model.operator.following = None;
    let writer = shown(&model);
    assert!(
        writer.contains("space complete") && writer.contains("R rollback"),
        "{writer}"
    );
}

#[test]
fn dialog_hints_follow_a_remapped_key() {
    let mut model = sample_model_with_release();
    model.keymap = Keymap::with_overrides(&[Binding {
        command: "scroll-down".to_owned(),
        keys: vec![("n".to_owned(), ()), ("down".to_owned(), ())],
        origin: (),
    }])
    .expect("n is free in the dialogs that scroll");
    press(&mut model, "?");
    let help = shown(&model);
    assert!(help.contains("k/↑/n/↓ move"), "{help}");
    assert!(!keys_shown(&model).contains(&"j".to_owned()), "{help}");
}

#[test]
fn the_fix_forward_and_incident_stages_hint_their_own_keys() {
    use crate::app::dialogs::rollback_wizard::Stage;
    let mut model = wizard_model();
    for _ in 0..3 {
        press(&mut model, "down");
    }
    press(&mut model, "enter");
    assert_eq!(
        model.rollback.as_ref().map(|w| w.stage),
        Some(Stage::FixForward)
    );
    assert_every_key_is_hinted(&model);
    assert_eq!(
        shown(&model),
        "enter stop here · c roll back anyway · esc back"
    );
    if let Some(wizard) = model.rollback.as_mut() {
        wizard.stage = Stage::Incident;
    }
    assert_eq!(shown(&model), "s send the notice · esc/enter/q close");
}
