use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::app::keys::key::Key;
use crate::app::keys::keymap::Keymap;
use crate::domain::rollout::{Revision, UnitKind};

/// A key as the cockpit reads it at the wizard's stage, with the default keys.
trait Press {
    fn key(&mut self, key: Key, version: &str, read_only: bool, now: DateTime<Utc>) -> Outcome;
}

impl Press for Wizard {
    fn key(&mut self, key: Key, version: &str, read_only: bool, now: DateTime<Utc>) -> Outcome {
        let input = Keymap::defaults().read(&key, self.mode());
        self.input(input, version, read_only, now)
    }
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
}

fn revision(number: u64, tag: &str) -> Revision {
    Revision {
        number,
        version: tag.into(),
        images: vec![format!("shop/app:{tag}")],
        created: None,
        change_cause: None,
        replicas: 0,
    }
}

fn candidate(name: &str, tag: &str, history: &[(u64, &str)]) -> Candidate {
    Candidate {
        target: "shop".into(),
        namespace: "production".into(),
        name: name.into(),
        image: format!("shop/app:{tag}"),
        revision: 9,
        choices: history.iter().map(|(n, t)| revision(*n, t)).collect(),
        changed: tag == "2.4.0",
        stale: false,
        kind: UnitKind::Deployment,
        version: tag.into(),
        commands: None,
    }
}

fn wizard(trigger: bool) -> Wizard {
    let facts = trigger.then(|| TriggerFacts {
        rule: "errors > 5% for 2m".into(),
        health_check: false,
        value: "7.0%".into(),
        since: at(0),
    });
    Wizard::new(
        facts,
        vec![
            candidate("checkout", "2.4.0", &[(3, "2.3.1"), (2, "2.3.0")]),
            candidate("billing", "2.3.1", &[(2, "2.3.0")]),
            candidate("web", "2.4.0", &[]),
        ],
        Duration::minutes(5),
    )
}

fn press(w: &mut Wizard, keys: &str, read_only: bool) -> Vec<Outcome> {
    keys.split_whitespace()
        .map(|k| {
            let key: Key = k.parse().unwrap_or_else(|e| panic!("{k}: {e}"));
            w.key(key, "2.4.0", read_only, at(100))
        })
        .collect()
}

fn typed(w: &mut Wizard, text: &str) {
    for c in text.chars() {
        w.key(Key::char(c), "2.4.0", false, at(100));
    }
}

#[test]
fn a_trigger_prefills_the_assessment_and_the_scope_is_what_changed() {
    let mut w = wizard(true);
    assert_eq!((w.stage, w.severity), (Stage::Assess, Severity::P1));
    assert_eq!(w.reason, "errors > 5% for 2m (now 7.0%)");
    let selected: Vec<_> = w
        .choices
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.candidate.name.as_str())
        .collect();
    assert_eq!(selected, ["checkout"], "web changed but has nowhere to go");
    let out = press(&mut w, "up enter", false);
    assert!(
        matches!(&out[1], Outcome::Record(e) if matches!(**e, Event::SeverityAssessed { severity: Severity::P0, .. }))
    );
    assert_eq!(w.stage, Stage::Scope);
    assert_eq!(
        w.items()[0].describe(),
        "production/checkout 2.4.0 (rev 9) -> 2.3.1 (rev 3)"
    );
    press(&mut w, "right", false);
    assert_eq!(w.items()[0].to_revision, 2, "→ picks an older revision");
    press(&mut w, "j space j space", false);
    assert_eq!(w.items().len(), 2);
    assert_eq!(
        w.message.as_deref(),
        Some("production/web has no older revision to go back to")
    );
}

#[test]
fn p2_says_fix_forward_and_lets_the_operator_stop_or_go_on() {
    let mut w = wizard(false);
    press(&mut w, "down enter", false);
    assert_eq!(w.stage, Stage::FixForward);
    assert_eq!(press(&mut w, "enter", false), [Outcome::Close]);
    let mut w = wizard(false);
    press(&mut w, "down enter c", false);
    assert_eq!(w.stage, Stage::Scope);
}

#[test]
fn esc_steps_back_at_each_step_until_execution() {
    let mut w = wizard(true);
    press(&mut w, "enter enter", false);
    assert_eq!(w.stage, Stage::Confirm);
    press(&mut w, "esc", false);
    assert_eq!(w.stage, Stage::Scope);
    press(&mut w, "esc", false);
    assert_eq!(w.stage, Stage::Assess);
    assert_eq!(press(&mut w, "esc", false), [Outcome::Close]);
}

#[test]
fn confirming_needs_the_version_typed_and_focus_on_roll_back() {
    let mut w = wizard(true);
    press(&mut w, "enter enter", false);
    typed(&mut w, "2.4.0");
    assert_eq!(
        press(&mut w, "enter", false),
        [Outcome::Nothing],
        "focus starts on Cancel"
    );
    assert_eq!(w.stage, Stage::Scope, "Cancel goes back");
    press(&mut w, "enter", false);
    typed(&mut w, "2.4");
    press(&mut w, "tab enter", false);
    assert_eq!(
        w.message.as_deref(),
        Some("type the release version `2.4.0` to confirm")
    );
    typed(&mut w, ".0");
    let refused = press(&mut w, "enter", true);
    assert_eq!(refused, [Outcome::Nothing]);
    assert!(
        w.message
            .as_deref()
            .is_some_and(|m| m.starts_with("read-only"))
    );
    let out = press(&mut w, "enter", false);
    assert!(
        matches!(&out[0], Outcome::Record(e) if matches!(&**e, Event::RollbackStarted { items, automatic: false, .. } if items.len() == 1))
    );
    assert_eq!(w.stage, Stage::Execute);
    assert_eq!(
        press(&mut w, "esc", false),
        [Outcome::Hide],
        "running: Esc only hides"
    );
}

#[test]
fn a_failed_item_can_be_retried_and_verification_holds_for_the_window() {
    let mut w = wizard(true);
    press(&mut w, "enter j space enter", false);
    typed(&mut w, "2.4.0");
    press(&mut w, "tab enter", false);
    w.item_done("production/checkout", true, "rolled back to revision 3");
    w.item_done("production/billing", false, "forbidden");
    assert_eq!(w.stage, Stage::Execute);
    let out = press(&mut w, "r", false);
    assert!(
        matches!(&out[0], Outcome::Record(e) if matches!(&**e, Event::RollbackStarted { items, .. } if items.len() == 1 && items[0].name == "billing"))
    );
    w.item_done("production/billing", true, "rolled back to revision 2");
    assert_eq!(w.stage, Stage::Verify);
    let all = Checks {
        reverted: vec!["production/checkout".into(), "production/billing".into()],
        problems: Vec::new(),
    };
    let bad = Checks {
        problems: vec!["errors > 5% for 2m: 7%".into()],
        ..all.clone()
    };
    assert_eq!(w.check(&bad, at(200)), Outcome::Nothing);
    assert_eq!(
        w.check(&all, at(260)),
        Outcome::Nothing,
        "healthy from 260 s"
    );
    assert_eq!(
        w.check(&bad, at(300)),
        Outcome::Nothing,
        "a relapse restarts the window"
    );
    assert_eq!(w.check(&all, at(320)), Outcome::Nothing);
    let verdict = w.check(&all, at(620));
    assert!(
        matches!(&verdict, Outcome::Record(e) if matches!(**e, Event::RollbackVerified { ok: true, time_to_restore_secs: Some(620), .. })),
        "{verdict:?}"
    );
    assert_eq!(w.stage, Stage::Incident);
    assert_eq!(
        w.check(&all, at(700)),
        Outcome::Nothing,
        "the verdict is given once"
    );
}

#[test]
fn a_rollback_that_never_settles_gets_a_verdict_too() {
    let mut w = wizard(true);
    press(&mut w, "enter enter", false);
    typed(&mut w, "2.4.0");
    press(&mut w, "tab enter", false);
    w.item_done("production/checkout", true, "ok");
    let stuck = Checks::default();
    assert_eq!(w.check(&stuck, at(500)), Outcome::Nothing);
    let verdict = w.check(&stuck, at(100 + 15 * 60));
    assert!(
        matches!(&verdict, Outcome::Record(e) if matches!(**e, Event::RollbackVerified { ok: false, .. }))
    );
}

#[test]
fn after_a_failed_revert_c_goes_on_to_a_verdict_that_counts_it() {
    let mut w = wizard(true);
    press(&mut w, "enter j space enter", false);
    typed(&mut w, "2.4.0");
    press(&mut w, "tab enter", false);
    w.item_done("production/checkout", true, "ok");
    w.item_done("production/billing", false, "forbidden");
    assert!(
        w.message
            .as_deref()
            .is_some_and(|m| m.contains("c verifies anyway"))
    );
    press(&mut w, "c", false);
    assert_eq!(w.stage, Stage::Verify);
    let checks = Checks {
        reverted: vec!["production/checkout".into()],
        problems: Vec::new(),
    };
    assert_eq!(w.check(&checks, at(200)), Outcome::Nothing);
    assert!(
        w.waiting_for
            .iter()
            .any(|p| p.contains("the revert failed: forbidden"))
    );
    let verdict = w.check(&checks, at(100 + 15 * 60));
    assert!(
        matches!(&verdict, Outcome::Record(e) if matches!(**e, Event::RollbackVerified { ok: false, .. }))
    );
}

#[test]
fn a_start_that_could_not_be_journaled_goes_back_to_the_confirmation() {
    let mut w = wizard(true);
    press(&mut w, "enter enter", false);
    typed(&mut w, "2.4.0");
    press(&mut w, "tab enter", false);
    assert_eq!(w.stage, Stage::Execute);
    w.start_failed("disk full");
    assert_eq!(w.stage, Stage::Confirm);
    assert!(w.progress.is_empty());
    assert_eq!(
        w.message.as_deref(),
        Some("not journaled, so not started: disk full")
    );
}

#[test]
fn a_rollback_cut_off_by_a_restart_resumes_where_the_journal_left_it() {
    let item = |name: &str| RollbackItem {
        target: "shop".into(),
        namespace: "production".into(),
        name: name.into(),
        from_image: "shop/app:2.4.0".into(),
        from_revision: 4,
        to_revision: 3,
        to_image: "shop/app:2.3.1".into(),
        ..RollbackItem::default()
    };
    let mut record = crate::domain::checklist::RollbackRecord {
        at: at(0),
        by: "alice".into(),
        severity: Severity::P0,
        items: vec![item("checkout"), item("billing")],
        finished: [("production/checkout".to_owned(), true)].into(),
        verified: None,
        time_to_restore: None,
        incident: None,
    };
    let w = Wizard::resume(&record, Duration::minutes(5));
    assert_eq!(
        (w.stage, w.severity),
        (Stage::Execute, Severity::P0),
        "billing has no outcome: retry it"
    );
    assert!(
        matches!(&w.progress[1].state, ItemState::Failed(why) if why.contains("stopped mid-rollback"))
    );
    record.finished.insert("production/billing".into(), true);
    let w = Wizard::resume(&record, Duration::minutes(5));
    assert_eq!(w.stage, Stage::Verify);
    assert_eq!(w.started_at, Some(at(0)));
}

#[test]
fn a_follower_walks_the_steps_without_journaling() {
    let mut w = wizard(true);
    assert_eq!(press(&mut w, "enter", true), [Outcome::Nothing]);
    assert_eq!(w.stage, Stage::Scope);
}

#[test]
fn the_target_image_is_the_followed_containers_own() {
    let mut c = candidate("checkout", "2.4.0", &[(3, "2.3.1")]);
    c.choices[0].images = vec!["mesh/sidecar:1.9".into(), "shop/app:2.3.1".into()];
    let w = Wizard::new(None, vec![c], Duration::minutes(5));
    assert_eq!(w.items()[0].to_image, "shop/app:2.3.1");
}

#[test]
fn a_command_targets_choice_renders_its_rollback_for_the_version_chosen() {
    use crate::domain::rollback::RollbackCommands;
    use crate::domain::rollout::CommandTemplates;
    let mut c = candidate("web-render", "2.4.0", &[(2, "2.3.1"), (1, "2.3.0")]);
    c.kind = UnitKind::Command;
    c.commands = Some(RollbackCommands {
        templates: CommandTemplates {
            deploy: Vec::new(),
            rollback: vec![
                "render deploys rollback --service srv-1 --to v{version}".into(),
                "npm run db:migrate:rollback -- --from {previous_version} # {release}".into(),
            ],
            image: None,
            component: None,
        },
        release: "minor-2.4.0".into(),
    });
    let mut choice = Choice {
        candidate: c,
        selected: true,
        revision: 0,
    };
    let item = choice.item().expect("a way back");
    assert_eq!(
        item.commands,
        [
            "render deploys rollback --service srv-1 --to v2.3.1",
            "npm run db:migrate:rollback -- --from 2.4.0 # minor-2.4.0",
        ]
    );
    assert_eq!(item.describe(), "production/web-render 2.4.0 -> 2.3.1");
    // An earlier version on record, chosen instead.
    choice.revision = 1;
    let item = choice.item().expect("further back");
    assert_eq!(item.to_version(), "2.3.0");
    assert!(item.commands[0].ends_with("--to v2.3.0"));
}
