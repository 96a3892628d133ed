//! Where trains get in each other's way: two deployment windows at once, or a
//! code freeze that starts while another release is being deployed.

use chrono::{DateTime, Utc};

use super::schedule::Occurrence;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// Both releases deploy at the same time.
    WindowsOverlap,
    /// `first`'s code freeze starts inside `second`'s window.
    FreezeDuringWindow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// Indices into the occurrences given to [`conflicts`].
    pub first: usize,
    pub second: usize,
    /// When it starts to matter.
    pub at: DateTime<Utc>,
}

/// Every conflict among `occurrences`; skipped ones take no part.
pub fn conflicts(occurrences: &[Occurrence]) -> Vec<Conflict> {
    let mut found = Vec::new();
    let live: Vec<(usize, &Occurrence)> = occurrences
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.is_skipped())
        .collect();
    for (n, &(i, a)) in live.iter().enumerate() {
        let (a_start, a_end) = a.busy();
        for &(j, b) in &live[n + 1..] {
            let (b_start, b_end) = b.busy();
            if a_start < b_end && b_start < a_end {
                found.push(Conflict {
                    kind: ConflictKind::WindowsOverlap,
                    first: i,
                    second: j,
                    at: a_start.max(b_start),
                });
            }
        }
        for &(j, b) in &live {
            if i == j {
                continue;
            }
            let (b_start, b_end) = b.busy();
            if let Some(freeze) = a.freeze.filter(|f| (b_start..b_end).contains(f)) {
                found.push(Conflict {
                    kind: ConflictKind::FreezeDuringWindow,
                    first: i,
                    second: j,
                    at: freeze,
                });
            }
        }
    }
    found.sort_by_key(|c| c.at);
    found
}
