//! One scope of the config (a component, or the one repo) read from its
//! repository: its history since the last release and the next version
//! its commits ask for. The `notes` and `version` commands and the
//! cockpit's readings share it.

use super::history::{self, ReleaseHistory};
use crate::domain::versioning::bump::{self, Suggestion};
use crate::domain::versioning::repos::Scope;

pub struct ScopeRead {
    pub history: ReleaseHistory,
    pub suggestion: Suggestion,
}

/// From `from` (a release tag; `None`: the last release) to `to`.
pub fn read(scope: &Scope<'_>, from: Option<&str>, to: &str) -> Result<ScopeRead, String> {
    let format = scope.tag_format()?;
    let repo = super::open(&scope.repo.path).map_err(|e| e.to_string())?;
    let history = history::since_last_release(&repo, &format, (from, to), scope.path_filter())
        .map_err(|e| e.to_string())?;
    let suggestion = bump::suggest(
        history.previous.as_ref().map(|(v, _)| v),
        &history.changes(),
    );
    Ok(ScopeRead {
        history,
        suggestion,
    })
}
