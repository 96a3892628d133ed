use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::config::parse_playbook;
use crate::domain::events::{Event, GateOutcome, Recorded};
use crate::domain::release::{Release, ReleaseType};

const PLAYBOOK: &str = r#"
name = "t"
grace = "15m"
[[phase]]
name = "Pre-release"
[[phase.step]]
id = "checks"
title = "Final checks"
at = "T-4h"
[[phase.step]]
id = "tests"
title = "Tests pass"
kind = "command"
run = "true"
at = "T-4h"
[[phase.step]]
id = "nice-to-have"
title = "Optional polish"
at = "T-4h"
required = false
[[phase.step]]
id = "approve"
title = "Two approvals"
kind = "approval"
role = "team"
count = 2
at = "T-1h"
[[phase]]
name = "Release day"
[[phase.step]]
id = "staging"
title = "Deploy to staging"
kind = "deploy"
environment = "staging"
at = "T-0"
[[phase.step]]
id = "smoke"
title = "Smoke on staging"
after = "staging"
[[phase.step]]
id = "production"
title = "Deploy to production"
kind = "deploy"
at = "T+1h"
[[phase]]
name = "Post-release"
[[phase.step]]
id = "watch"
title = "Watch"
at = "T+1d"
"#;

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap()
}

struct Fixture {
    checklist: Checklist,
    seq: u64,
}

impl Fixture {
    fn new() -> Self {
        let playbook = parse_playbook("t.toml", PLAYBOOK).unwrap_or_else(|e| panic!("{e}"));
        let release = Release {
            id: "r".into(),
            name: "minor".into(),
            kind: ReleaseType::Minor,
            version: semver::Version::new(2, 4, 0),
            t0: t0(),
            zone: chrono_tz::America::Los_Angeles,
            playbook: "t".into(),
            targets: vec![],
            components: Default::default(),
        };
        let started = Recorded {
            seq: 1,
            at: t0() - Duration::days(7),
            operator: "alice".into(),
            event: Event::ReleaseStarted {
                release: release.clone(),
                playbook_file: "t.toml".into(),
                playbook_text: PLAYBOOK.into(),
            },
        };
        Self {
            checklist: Checklist::new(release, playbook, &started),
            seq: 1,
        }
    }

    fn apply(&mut self, who: &str, at: chrono::DateTime<Utc>, event: Event) {
        self.seq += 1;
        self.checklist.apply(&Recorded {
            seq: self.seq,
            at,
            operator: who.into(),
            event,
        });
    }

    /// Records a gate run from start to outcome.
    fn run_gate(&mut self, who: &str, at: chrono::DateTime<Utc>, id: &str, passed: bool) {
        self.apply(who, at, Event::GateStarted { step: step(id) });
        self.apply(
            who,
            at,
            Event::GateFinished {
                step: step(id),
                outcome: outcome(passed),
            },
        );
    }

    fn state(&self, id: &str, now: chrono::DateTime<Utc>) -> StepState {
        self.checklist
            .state(self.checklist.playbook.step(id).unwrap(), now)
    }

    fn blockers(&self, id: &str) -> Vec<String> {
        self.checklist
            .blockers(self.checklist.playbook.step(id).unwrap())
            .into_iter()
            .map(|b| b.step)
            .collect()
    }
}

fn step(id: &str) -> String {
    id.to_owned()
}

fn outcome(passed: bool) -> GateOutcome {
    GateOutcome {
        passed,
        summary: "exit 0".into(),
        output: String::new(),
        duration_ms: 5,
        released: Vec::new(),
    }
}

#[test]
fn due_and_overdue_at_their_boundaries() {
    let f = Fixture::new();
    let due = t0() - Duration::hours(4);
    assert_eq!(
        f.state("checks", due - Duration::seconds(1)),
        StepState::Pending
    );
    assert_eq!(f.state("checks", due), StepState::Due);
    assert_eq!(
        f.state("checks", due + Duration::minutes(15) - Duration::seconds(1)),
        StepState::Due
    );
    assert_eq!(
        f.state("checks", due + Duration::minutes(15)),
        StepState::Overdue
    );
}

#[test]
fn a_step_after_another_is_due_when_that_one_finishes() {
    let mut f = Fixture::new();
    let now = t0() + Duration::minutes(10);
    assert_eq!(
        f.state("smoke", now),
        StepState::Pending,
        "staging not done"
    );
    f.apply(
        "alice",
        now,
        Event::StepCompleted {
            step: step("staging"),
        },
    );
    assert_eq!(f.state("smoke", now), StepState::Due);
    assert_eq!(
        f.state("smoke", now + Duration::minutes(20)),
        StepState::Overdue
    );
}

#[test]
fn complete_skip_and_undo_are_per_operator() {
    let mut f = Fixture::new();
    let now = t0() - Duration::hours(3);
    f.apply(
        "alice",
        now,
        Event::StepCompleted {
            step: step("checks"),
        },
    );
    assert_eq!(f.state("checks", now), StepState::Done);
    assert!(!f.checklist.can_undo("checks", "bob"));
    f.apply(
        "bob",
        now,
        Event::StepUndone {
            step: step("checks"),
        },
    );
    assert_eq!(
        f.state("checks", now),
        StepState::Done,
        "bob cannot undo alice's completion"
    );
    f.apply(
        "alice",
        now,
        Event::StepUndone {
            step: step("checks"),
        },
    );
    assert_eq!(f.state("checks", now), StepState::Overdue);
    f.apply(
        "alice",
        now,
        Event::StepSkipped {
            step: step("checks"),
            reason: "covered by CI".into(),
        },
    );
    assert_eq!(f.state("checks", now), StepState::Skipped);
    let history = &f.checklist.record("checks").unwrap().history;
    assert_eq!(history.len(), 4, "every action stays in the history");
}

#[test]
fn approvals_count_distinct_people() {
    let mut f = Fixture::new();
    let now = t0() - Duration::minutes(30);
    f.apply(
        "bob",
        now,
        Event::ApprovalGiven {
            step: step("approve"),
        },
    );
    f.apply(
        "bob",
        now,
        Event::ApprovalGiven {
            step: step("approve"),
        },
    );
    assert_eq!(f.checklist.approval_count("approve"), 1);
    assert_eq!(f.state("approve", now), StepState::Overdue);
    f.apply(
        "carol",
        now,
        Event::ApprovalGiven {
            step: step("approve"),
        },
    );
    assert_eq!(f.state("approve", now), StepState::Done);
    f.apply(
        "carol",
        now,
        Event::StepUndone {
            step: step("approve"),
        },
    );
    assert_eq!(f.checklist.approval_count("approve"), 1);
}

#[test]
fn gates_run_pass_fail_and_rerun() {
    let mut f = Fixture::new();
    let now = t0() - Duration::hours(4);
    f.apply(
        "alice",
        now,
        Event::GateStarted {
            step: step("tests"),
        },
    );
    assert_eq!(f.state("tests", now), StepState::Running);
    assert_eq!(f.checklist.running_gates(), ["tests"]);
    f.apply(
        "alice",
        now,
        Event::GateFinished {
            step: step("tests"),
            outcome: outcome(false),
        },
    );
    assert_eq!(f.state("tests", now), StepState::Failed);
    f.run_gate("alice", now, "tests", true);
    assert_eq!(f.state("tests", now), StepState::Passed);
    assert!(f.checklist.running_gates().is_empty());
}

#[test]
fn production_deploy_is_blocked_until_required_steps_and_approvals_are_met() {
    let mut f = Fixture::new();
    let now = t0();
    assert_eq!(
        f.blockers("production"),
        ["checks", "tests", "approve", "staging", "smoke"]
    );
    assert!(
        f.blockers("staging").is_empty(),
        "only production deploys are gated"
    );
    f.apply(
        "alice",
        now,
        Event::StepCompleted {
            step: step("checks"),
        },
    );
    f.run_gate("alice", now, "tests", true);
    f.apply(
        "bob",
        now,
        Event::ApprovalGiven {
            step: step("approve"),
        },
    );
    f.apply(
        "alice",
        now,
        Event::StepCompleted {
            step: step("staging"),
        },
    );
    f.apply(
        "alice",
        now,
        Event::StepSkipped {
            step: step("smoke"),
            reason: "staging smoke is flaky".into(),
        },
    );
    let blockers = f
        .checklist
        .blockers(f.checklist.playbook.step("production").unwrap());
    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].reason, "1 of 2 approvals from team");
    f.apply(
        "carol",
        now,
        Event::ApprovalGiven {
            step: step("approve"),
        },
    );
    assert!(
        f.blockers("production").is_empty(),
        "optional steps never block"
    );
}

#[test]
fn an_override_clears_go_no_go_and_is_recorded() {
    let mut f = Fixture::new();
    f.apply(
        "alice",
        t0(),
        Event::GoNoGoOverridden {
            step: step("production"),
            reason: "incident 42, CTO said go".into(),
        },
    );
    assert!(f.blockers("production").is_empty());
    let record = f.checklist.record("production").unwrap();
    assert_eq!(
        record
            .overridden
            .as_ref()
            .map(|(m, r)| (m.by.as_str(), r.as_str())),
        Some(("alice", "incident 42, CTO said go"))
    );
}

#[test]
fn the_current_phase_follows_the_clock() {
    let mut f = Fixture::new();
    assert_eq!(
        f.checklist.current_phase(t0() - Duration::days(3)),
        0,
        "nothing due: first unfinished"
    );
    let now = t0() + Duration::minutes(5);
    for id in ["checks", "approve"] {
        f.apply(
            "alice",
            now,
            Event::StepSkipped {
                step: step(id),
                reason: "test".into(),
            },
        );
    }
    f.run_gate("alice", now, "tests", true);
    assert_eq!(f.checklist.current_phase(now), 1, "staging is due");
    assert_eq!(f.checklist.progress(0, now), (3, 4));
}

#[test]
fn events_about_unknown_steps_are_ignored() {
    let mut f = Fixture::new();
    let before = f.checklist.clone();
    f.apply(
        "alice",
        t0(),
        Event::StepCompleted {
            step: step("no-such-step"),
        },
    );
    assert_eq!(f.checklist.record("no-such-step"), None);
    assert_eq!(f.checklist.playbook, before.playbook);
}

#[test]
fn recorded_events_round_trip_through_json() {
    let event = Recorded {
        seq: 7,
        at: t0(),
        operator: "alice".into(),
        event: Event::GateFinished {
            step: step("tests"),
            outcome: outcome(true),
        },
    };
    let json = serde_json::to_string(&event).unwrap();
    assert!(json.contains("\"type\":\"gate_finished\""), "{json}");
    assert_eq!(serde_json::from_str::<Recorded>(&json).unwrap(), event);
}

#[test]
fn a_deploy_requested_without_an_outcome_is_in_flight_until_it_finishes() {
    let mut f = Fixture::new();
    let at = t0() - chrono::Duration::minutes(5);
    let requested = Event::DeployRequested {
        version: "2.4.0".into(),
        targets: vec!["production/checkout checkout=app:2.4.0".into()],
        dry_run: false,
        step: None,
    };
    f.apply("dana", at, requested);
    let flight = f.checklist.deploy_in_flight.clone().unwrap();
    assert_eq!((flight.by.as_str(), flight.at), ("dana", at));
    assert_eq!(
        flight.what,
        "2.4.0 to production/checkout checkout=app:2.4.0"
    );
    let finished = Event::DeployFinished {
        ok: true,
        results: vec!["production/checkout patched".into()],
    };
    f.apply("dana", at, finished);
    assert!(f.checklist.deploy_in_flight.is_none());
}

mod outcomes {
    use super::*;

    fn deploy(f: &mut Fixture, at: chrono::DateTime<Utc>, step: &str) {
        f.apply(
            "dana",
            at,
            Event::DeployRequested {
                version: "2.4.0".into(),
                targets: vec!["production/checkout checkout=app:2.4.0".into()],
                dry_run: false,
                step: Some(step.into()),
            },
        );
        f.apply(
            "dana",
            at,
            Event::DeployFinished {
                ok: true,
                results: vec!["production/checkout patched".into()],
            },
        );
        f.apply("dana", at, Event::StepCompleted { step: step.into() });
    }

    fn done(f: &mut Fixture, at: chrono::DateTime<Utc>, step: &str) {
        f.apply("dana", at, Event::StepCompleted { step: step.into() });
    }

    #[test]
    fn upcoming_postponed_in_progress_then_released_once_the_rollout_completes_and_its_phase_is_done()
     {
        let mut f = Fixture::new();
        assert_eq!(f.checklist.outcome(None), Outcome::Upcoming);
        let to = t0() + Duration::days(2);
        assert_eq!(f.checklist.outcome(Some(to)), Outcome::Postponed { to });

        done(&mut f, t0(), "staging");
        done(&mut f, t0() + Duration::minutes(10), "smoke");
        let at = t0() + Duration::hours(1);
        deploy(&mut f, at, "production");
        assert_eq!(
            f.checklist.outcome(Some(to)),
            Outcome::InProgress { since: at },
            "a deploy outweighs a postponement"
        );
        let step = f.checklist.playbook.step("production").unwrap().clone();
        assert_eq!(f.checklist.state(&step, at), StepState::Deploying);
        assert!(f.checklist.state(&step, at).is_finished());

        let complete = at + Duration::minutes(4);
        f.apply(
            "dana",
            complete,
            Event::RolloutFinished {
                ok: true,
                detail: "production/checkout complete".into(),
            },
        );
        assert_eq!(f.checklist.state(&step, complete), StepState::Done);
        assert_eq!(
            f.checklist.outcome(None),
            Outcome::Released { at: complete }
        );

        // Rolled back after: rolled back.
        let back = complete + Duration::minutes(20);
        f.apply(
            "dana",
            back,
            Event::RollbackStarted {
                severity: crate::domain::rollback::Severity::P1,
                reason: "errors".into(),
                items: Vec::new(),
                automatic: false,
            },
        );
        assert_eq!(f.checklist.outcome(None), Outcome::RolledBack { at: back });
    }

    #[test]
    fn a_release_is_not_out_while_its_phase_has_a_required_step_open_or_its_rollout_failed() {
        let mut f = Fixture::new();
        done(&mut f, t0(), "staging");
        let at = t0() + Duration::hours(1);
        deploy(&mut f, at, "production");
        f.apply(
            "dana",
            at,
            Event::RolloutFinished {
                ok: true,
                detail: "complete".into(),
            },
        );
        assert!(
            matches!(f.checklist.outcome(None), Outcome::InProgress { .. }),
            "smoke is open"
        );
        done(&mut f, at + Duration::hours(1), "smoke");
        assert_eq!(
            f.checklist.outcome(None),
            Outcome::Released {
                at: at + Duration::hours(1)
            }
        );

        let mut failed = Fixture::new();
        done(&mut failed, t0(), "staging");
        done(&mut failed, t0(), "smoke");
        deploy(&mut failed, at, "production");
        failed.apply(
            "dana",
            at,
            Event::RolloutFinished {
                ok: false,
                detail: "production/checkout: exceeded its progress deadline".into(),
            },
        );
        let step = failed
            .checklist
            .playbook
            .step("production")
            .unwrap()
            .clone();
        assert_eq!(failed.checklist.state(&step, at), StepState::Failed);
        assert!(matches!(
            failed.checklist.outcome(None),
            Outcome::InProgress { .. }
        ));
    }

    #[test]
    fn an_abandoned_release_says_why_whatever_else_happened() {
        let mut f = Fixture::new();
        deploy(&mut f, t0(), "staging");
        f.apply(
            "erin",
            t0() + Duration::hours(2),
            Event::ReleaseAbandoned {
                reason: "the payment provider is down".into(),
            },
        );
        assert_eq!(
            f.checklist.outcome(None),
            Outcome::Abandoned {
                at: t0() + Duration::hours(2),
                reason: "the payment provider is down".into()
            }
        );
        assert!(f.checklist.outcome(None).is_final());
    }

    #[test]
    fn a_rollout_seen_elsewhere_takes_no_verdict_and_starts_nothing() {
        let mut f = Fixture::new();
        f.apply(
            "ci",
            t0(),
            Event::ExternalRolloutSeen {
                changes: vec!["production/other app:1 -> app:2".into()],
            },
        );
        assert_eq!(
            f.checklist.outcome(None),
            Outcome::Upcoming,
            "someone else's"
        );
        done(&mut f, t0(), "staging");
        done(&mut f, t0(), "smoke");
        let at = t0() + Duration::hours(1);
        deploy(&mut f, at, "production");
        f.apply(
            "ci",
            at,
            Event::ExternalRolloutSeen {
                changes: vec!["production/other app:2 -> app:3".into()],
            },
        );
        f.apply(
            "dana",
            at + Duration::minutes(2),
            Event::RolloutFinished {
                ok: true,
                detail: "complete".into(),
            },
        );
        let step = f.checklist.playbook.step("production").unwrap().clone();
        assert_eq!(f.checklist.state(&step, at), StepState::Done);
        assert!(matches!(
            f.checklist.outcome(None),
            Outcome::Released { .. }
        ));
    }

    #[test]
    fn after_a_rollback_only_a_completed_deploy_releases_again() {
        let mut f = Fixture::new();
        done(&mut f, t0(), "staging");
        let at = t0() + Duration::hours(1);
        deploy(&mut f, at, "production");
        let back = at + Duration::minutes(30);
        f.apply(
            "dana",
            back,
            Event::RollbackStarted {
                severity: crate::domain::rollback::Severity::P1,
                reason: "errors".into(),
                items: Vec::new(),
                automatic: false,
            },
        );
        done(&mut f, back + Duration::minutes(5), "smoke");
        assert_eq!(
            f.checklist.outcome(None),
            Outcome::RolledBack { at: back },
            "finishing a step is no release"
        );
        // The fix, deployed with `d` (no step), completes.
        let fix = back + Duration::hours(2);
        f.apply(
            "dana",
            fix,
            Event::DeployRequested {
                version: "2.4.0".into(),
                targets: vec!["production/checkout checkout=app:2.4.0".into()],
                dry_run: false,
                step: None,
            },
        );
        f.apply(
            "dana",
            fix,
            Event::DeployFinished {
                ok: true,
                results: Vec::new(),
            },
        );
        f.apply(
            "dana",
            fix + Duration::minutes(3),
            Event::RolloutFinished {
                ok: true,
                detail: "complete".into(),
            },
        );
        assert_eq!(
            f.checklist.outcome(None),
            Outcome::Released {
                at: fix + Duration::minutes(3)
            }
        );
    }

    #[test]
    fn a_dry_run_after_a_cut_off_deploy_does_not_finish_it_and_a_step_done_by_hand_after_a_failure_is_done()
     {
        let mut f = Fixture::new();
        let at = t0() + Duration::hours(1);
        f.apply(
            "dana",
            at,
            Event::DeployRequested {
                version: "2.4.0".into(),
                targets: vec!["production/checkout checkout=app:2.4.0".into()],
                dry_run: false,
                step: Some("production".into()),
            },
        );
        f.apply(
            "dana",
            at,
            Event::DeployRequested {
                version: "2.4.0".into(),
                targets: vec!["production/checkout checkout=app:2.4.0".into()],
                dry_run: true,
                step: Some("production".into()),
            },
        );
        f.apply(
            "dana",
            at,
            Event::DeployFinished {
                ok: true,
                results: Vec::new(),
            },
        );
        assert_eq!(f.checklist.deploys.last().unwrap().finished, None);

        let mut failed = Fixture::new();
        deploy(&mut failed, at, "production");
        failed.apply(
            "dana",
            at + Duration::minutes(5),
            Event::RolloutFinished {
                ok: false,
                detail: "deadline".into(),
            },
        );
        let step = failed
            .checklist
            .playbook
            .step("production")
            .unwrap()
            .clone();
        assert_eq!(failed.checklist.state(&step, at), StepState::Failed);
        failed.apply(
            "dana",
            at + Duration::minutes(20),
            Event::StepUndone {
                step: "production".into(),
            },
        );
        done(&mut failed, at + Duration::minutes(30), "production");
        assert_eq!(failed.checklist.state(&step, at), StepState::Done);
    }
}
