//! What a reading of the repositories (`Effect::ReadRepos`) is for, so
//! that its result goes to the prompt or the release that asked
//! (`actions/versions.rs` acts on it).

use crate::app::model::PromptPurpose;

/// What a reading of the repositories is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFor {
    /// Filling in the prompt that starts a release, if it is still open
    /// with the text it opened with.
    Prompt {
        purpose: PromptPurpose,
        opened_with: String,
    },
    /// The Checklist's flags and notes preview, for this release; `seq`
    /// numbers the readings asked, so that one that comes back late never
    /// replaces a newer one.
    Release { release: String, seq: u64 },
}
