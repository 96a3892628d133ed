//! The built-in demo's release: the demo playbook's minor 2.4.0 with T-0 a little
//! over an hour away, and the week before it already lived through by a small
//! team, so that every kind of step and state is on screen at once.

use chrono::{DateTime, Duration, DurationRound, Utc};
use chrono_tz::Tz;

use crate::config::PlaybookLibrary;
use crate::domain::events::{Event, GateOutcome};
use crate::domain::release::ReleaseType;
use crate::session::{JournalError, NewRelease, Opened, ReleaseStore, StartError, start_release};

/// Who ran the demo release until now. The operator at the keyboard is someone
/// else, so approving is not self-approval.
const RELEASE_MANAGER: &str = "carol";

/// Why the demo release was not started: its first line, or a line of its
/// history, was not written.
#[derive(Debug)]
pub enum DemoReleaseError {
    Start(StartError),
    History(JournalError),
}

impl std::fmt::Display for DemoReleaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Start(error) => error.fmt(f),
            Self::History(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for DemoReleaseError {}

pub fn start_demo_release(
    store: &ReleaseStore,
    playbooks: &PlaybookLibrary,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Opened, DemoReleaseError> {
    let t0 = now + Duration::minutes(80);
    let t0 = t0.duration_trunc(Duration::minutes(10)).unwrap_or(t0);
    let new = NewRelease {
        kind: ReleaseType::Minor,
        version: semver::Version::new(2, 4, 0),
        t0,
        zone,
        name: None,
        playbook: Some("demo".to_owned()),
        components: Default::default(),
    };
    let mut opened = start_release(
        store,
        playbooks,
        &new,
        RELEASE_MANAGER,
        t0 - Duration::days(8),
    )
    .map_err(DemoReleaseError::Start)?;
    let gate = |passed: bool, summary: &str, output: &str| GateOutcome {
        passed,
        summary: summary.to_owned(),
        output: output.to_owned(),
        duration_ms: 2_000,
        released: Vec::new(),
    };
    let step = |id: &str| id.to_owned();
    let history = [
        (
            Duration::days(-7),
            RELEASE_MANAGER,
            Event::StepCompleted {
                step: step("announce"),
            },
        ),
        (
            Duration::hours(-72),
            "dana",
            Event::GateStarted {
                step: step("code-quality"),
            },
        ),
        (
            Duration::hours(-72),
            "dana",
            Event::GateFinished {
                step: step("code-quality"),
                outcome: gate(
                    true,
                    "exit 0 in 2.0s",
                    "lint: 0 problems in 312 files\ntests: 214 passed, 0 failed\n",
                ),
            },
        ),
        (
            Duration::hours(-71),
            RELEASE_MANAGER,
            Event::StepCompleted {
                step: step("release-branch"),
            },
        ),
        (
            Duration::hours(-48),
            RELEASE_MANAGER,
            Event::StepCompleted {
                step: step("code-freeze"),
            },
        ),
        (
            Duration::hours(-47),
            "dana",
            Event::NoteAdded {
                step: step("code-freeze"),
                text: "two late fixes let in: PAY-311, PAY-318".to_owned(),
            },
        ),
        (
            Duration::hours(-23),
            "dana",
            Event::StepCompleted {
                step: step("final-verification"),
            },
        ),
        (
            Duration::hours(-22),
            "bob",
            Event::ApprovalGiven {
                step: step("team-approval"),
            },
        ),
        (
            Duration::hours(-20),
            RELEASE_MANAGER,
            Event::GateStarted {
                step: step("dependency-audit"),
            },
        ),
        (
            Duration::hours(-20),
            RELEASE_MANAGER,
            Event::GateFinished {
                step: step("dependency-audit"),
                outcome: gate(
                    false,
                    "exit 1 in 2.0s",
                    "scanning 87 dependencies\nleft-pad 1.0.0: critical advisory RUSTSEC-0000-0000\n",
                ),
            },
        ),
    ];
    for (offset, who, event) in history {
        let recorded = opened
            .journal
            .append(who, t0 + offset, event)
            .map_err(DemoReleaseError::History)?;
        opened.checklist.apply(&recorded);
    }
    seed_docs_ledger(store, t0 - Duration::days(14));
    Ok(opened)
}

/// The demo's command target (`docs`) has a history like the Deployments':
/// the last release, 2.3.1, published two weeks ago. Its ledger is the demo's
/// own (`<state dir>/demo/targets/`), never a real one.
fn seed_docs_ledger(store: &ReleaseStore, at: DateTime<Utc>) {
    use crate::adapters::command::ledger::{self, Action, Entry};
    let Some(demo_dir) = store.dir().parent() else {
        return;
    };
    let path = ledger::path(demo_dir, DOCS_TARGET);
    if ledger::read(&path).is_ok_and(|entries| !entries.is_empty()) {
        return;
    }
    let entry = Entry {
        seq: 1,
        at,
        action: Action::Deploy,
        version: "2.3.1".to_owned(),
        ok: true,
        release: "minor-2.3.1".to_owned(),
        by: RELEASE_MANAGER.to_owned(),
        summary: "3 commands exited 0 in 2.1s".to_owned(),
        log: None,
    };
    // The demo goes on without it: docs then starts as `unknown`.
    if let Err(error) = ledger::append(&path, &entry) {
        tracing::warn!(%error, "demo: the docs target's ledger was not seeded");
    }
}

/// The demo config's command target.
pub const DOCS_TARGET: &str = "docs";
