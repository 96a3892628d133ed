//! The release shown in the Checklist pane: the folded checklist plus what the
//! operator is looking at (selection, folded phases, gates this process runs).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::domain::checklist::Checklist;
use crate::domain::playbook::Step;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseState {
    pub checklist: Checklist,
    /// Index into `rows()`.
    pub selected: usize,
    /// Phases the operator folded or unfolded; the others follow the clock (only
    /// the current phase is open).
    pub folded: BTreeMap<usize, bool>,
    /// Gates started by this process; a gate recorded as running but not here has
    /// an unknown outcome (the process that ran it is gone).
    pub live_gates: BTreeSet<String>,
    /// What the repositories say of this release (its components' notes,
    /// what exceeds its type), read after it opens and after each
    /// repository step; `None` until read, or without a `[[repo]]`.
    pub repo_reading: Option<crate::domain::versioning::reading::RepoReading>,
    /// Readings asked for, and the number of the one shown.
    pub repo_reads_asked: u64,
    pub repo_reading_seq: u64,
    /// Messages on their way: a notify step's by its id until its
    /// `GateStarted` is on disk; another's (an alert, the rollback notice)
    /// by its key (which holds a `/`, so never a step's id) until its
    /// `MessageSent` is. What goes out is the text shown then.
    pub pending_messages: BTreeMap<String, crate::domain::comms::message::Outgoing>,
    /// The deploy (by when it was asked for) whose rollout verdict this
    /// cockpit has journaled, so a snapshot arriving meanwhile adds none.
    pub verdict_asked: Option<chrono::DateTime<chrono::Utc>>,
}

/// One line of the checklist: a phase header or a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Phase(usize),
    Step { phase: usize, index: usize },
}

impl ReleaseState {
    pub fn new(checklist: Checklist) -> Self {
        Self {
            checklist,
            selected: 0,
            folded: BTreeMap::new(),
            live_gates: BTreeSet::new(),
            pending_messages: BTreeMap::new(),
            verdict_asked: None,
            repo_reading: None,
            repo_reads_asked: 0,
            repo_reading_seq: 0,
        }
    }

    pub fn is_folded(&self, phase: usize, now: DateTime<Utc>) -> bool {
        self.is_folded_given(phase, self.checklist.current_phase(now))
    }

    /// `is_folded` when the current phase is known: finding it derives every
    /// step's state, so callers looping over phases compute it once.
    pub fn is_folded_given(&self, phase: usize, current_phase: usize) -> bool {
        self.folded
            .get(&phase)
            .copied()
            .unwrap_or(phase != current_phase)
    }

    pub fn rows(&self, now: DateTime<Utc>) -> Vec<Row> {
        let current = self.checklist.current_phase(now);
        let mut rows = Vec::new();
        for (phase, p) in self.checklist.playbook.phases.iter().enumerate() {
            rows.push(Row::Phase(phase));
            if !self.is_folded_given(phase, current) {
                rows.extend((0..p.steps.len()).map(|index| Row::Step { phase, index }));
            }
        }
        rows
    }

    pub fn selected_row(&self, now: DateTime<Utc>) -> Option<Row> {
        let rows = self.rows(now);
        rows.get(self.selected.min(rows.len().saturating_sub(1)))
            .copied()
    }

    pub fn selected_step(&self, now: DateTime<Utc>) -> Option<&Step> {
        match self.selected_row(now)? {
            Row::Step { phase, index } => {
                self.checklist.playbook.phases.get(phase)?.steps.get(index)
            }
            Row::Phase(_) => None,
        }
    }

    pub fn move_selection(&mut self, delta: isize, now: DateTime<Utc>) {
        let count = self.rows(now).len() as isize;
        self.selected = (self.selected as isize + delta).clamp(0, (count - 1).max(0)) as usize;
    }

    /// Folds or unfolds a phase, keeping the selection on its header.
    pub fn toggle_fold(&mut self, phase: usize, now: DateTime<Utc>) {
        let folded = self.is_folded(phase, now);
        self.folded.insert(phase, !folded);
        if let Some(position) = self.rows(now).iter().position(|r| *r == Row::Phase(phase)) {
            self.selected = position;
        }
    }

    /// Moves the selection to a step by id, unfolding its phase.
    pub fn select_step(&mut self, id: &str, now: DateTime<Utc>) {
        let Some((phase, _)) = self.checklist.playbook.steps().find(|(_, s)| s.id == id) else {
            return;
        };
        if self.is_folded(phase, now) {
            self.folded.insert(phase, false);
        }
        let rows = self.rows(now);
        let playbook = &self.checklist.playbook;
        if let Some(position) = rows.iter().position(|r| matches!(r, Row::Step { phase, index } if playbook.phases[*phase].steps[*index].id == id)) {
            self.selected = position;
        }
    }
}
