//! How a watch tells a quiet API server from a hung one.
//!
//! A watch stream says nothing while nothing changes, and real API servers
//! send a bookmark only about once a minute, so waiting for the next bookmark
//! would leave a hung server's rows "fresh" for a minute or more. Instead a
//! watch silent for [`Liveness::silence`] asks the server a cheap question of
//! its own: a one-item LIST, which a server that cannot read its store cannot
//! answer either (a `/version` could come from a process whose storage hangs).
//! Its answer also carries the server's current resourceVersion, which tells a
//! server whose versions went backwards (a new or restored one) from ours.

use std::time::Duration;

/// When a silent watch makes its server prove that it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    /// A watch that has delivered nothing (no event, no bookmark) for this long
    /// probes the server; at idle that is one small request per interval.
    pub silence: Duration,
    /// How long the probe may take before the target is marked stale.
    pub answer_within: Duration,
}

impl Default for Liveness {
    /// A hung server shows as stale within 8 s.
    fn default() -> Self {
        Self {
            silence: Duration::from_secs(5),
            answer_within: Duration::from_secs(3),
        }
    }
}
