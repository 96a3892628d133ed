//! The cockpit's reading of its repositories, off the loop thread: each
//! component's (or the one repo's) history since its last release at
//! `HEAD`, the version it asks for, what exceeds the release's type, and
//! its notes (`domain/versioning/reading.rs`).

use crate::adapters::git::scope;
use crate::domain::release::Release;
use crate::domain::versioning::bump;
use crate::domain::versioning::reading::ComponentReading;
use crate::domain::versioning::repos::{Repos, Scope};

/// Reads every scope `release` holds (every one, for a release not started
/// yet); blocking.
pub fn read(repos: &Repos, release: Option<&Release>) -> Result<Vec<ComponentReading>, String> {
    let scopes: Vec<Scope<'_>> = if repos.components.is_empty() {
        vec![repos.scope(None)?]
    } else {
        let held = |name: &str| release.is_none_or(|r| r.components.contains_key(name));
        let mut scopes: Vec<Scope<'_>> = repos
            .components
            .iter()
            .filter(|c| held(&c.name))
            .map(|c| repos.scope(Some(&c.name)))
            .collect::<Result<_, _>>()?;
        // A release that names no component is read for all of them.
        if scopes.is_empty() {
            scopes = repos
                .components
                .iter()
                .map(|c| repos.scope(Some(&c.name)))
                .collect::<Result<_, _>>()?;
        }
        scopes
    };
    // A release's notes carry its T-0's day where it is planned; a
    // release not started yet, today's.
    let today = release.map_or_else(
        || chrono::Utc::now().date_naive(),
        |r| r.t0.with_timezone(&r.zone).date_naive(),
    );
    scopes
        .iter()
        .map(|scope| {
            let read = scope::read(scope, None, "HEAD")?;
            let component = scope.component.map(|c| c.name.clone());
            let version = match release {
                Some(release) => release.version_of(component.as_deref()).to_string(),
                None => read.suggestion.version.to_string(),
            };
            let notes =
                read.history
                    .notes((component.as_deref(), &version), today, scope.repo.style);
            Ok(ComponentReading {
                label: component.clone().unwrap_or_else(|| scope.repo.name.clone()),
                previous_tag: read.history.previous.as_ref().map(|(_, t)| t.clone()),
                commits: read.history.commits.len(),
                bump: read.suggestion.bump,
                suggested: read.suggestion.version.clone(),
                why: read.suggestion.why.clone(),
                beyond_type: release
                    .and_then(|r| bump::beyond_type(r.kind, &read.history.changes())),
                notes: notes.document(&repos.templates),
                summary: notes.summary(),
                component,
            })
        })
        .collect()
}
