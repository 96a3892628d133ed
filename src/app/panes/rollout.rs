//! The Rollout pane's state: each target's Deployments as last reported, how
//! fresh that is, the selected row, and how fast each rollout moves.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::rollout::{CommandTemplates, RolloutPhase, RolloutUpdate, Unit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub since: DateTime<Utc>,
    pub error: String,
}

/// What the view needs to know of a configured target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetSpec {
    pub name: String,
    pub image: Option<String>,
    pub environment: Option<String>,
    /// A command target's commands; `None` for a Kubernetes target.
    pub commands: Option<CommandTemplates>,
}

impl TargetSpec {
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetState {
    pub name: String,
    /// The image a deploy sets, `{version}` standing for the version; the
    /// current image with the version as its tag when `None`.
    pub image_template: Option<String>,
    /// The playbook deploy steps' environment it serves; each Deployment's
    /// namespace when `None`.
    pub environment: Option<String>,
    /// A command target's deploy and rollback commands, unsubstituted.
    pub commands: Option<CommandTemplates>,
    /// The `[[component]]` that runs on it: a deploy sets that component's
    /// version, and the pane groups the targets by component.
    pub component: Option<String>,
    pub units: Vec<Unit>,
    /// When the last good data came in; `None` until the first.
    pub received: Option<DateTime<Utc>>,
    /// Set while the API cannot be read; the data above is then the last good.
    pub stale: Option<Stale>,
}

/// A unit whose image (or command target's version) changed between two
/// snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageChange {
    pub kind: crate::domain::rollout::UnitKind,
    /// The version it moves to.
    pub version: String,
    pub namespace: String,
    pub name: String,
    pub container: String,
    pub from: String,
    pub to: String,
}

impl ImageChange {
    /// Whether a deploy journaled this line for this change (see
    /// `DeployItem::describe`).
    pub fn deployed_as(&self, line: &str) -> bool {
        match self.kind {
            crate::domain::rollout::UnitKind::Deployment
            | crate::domain::rollout::UnitKind::Container => {
                line == crate::domain::rollout::deployed_line(
                    &self.namespace,
                    &self.name,
                    &self.container,
                    &self.to,
                )
            }
            crate::domain::rollout::UnitKind::Command => line
                .strip_prefix(&format!(
                    "{}/{} {}:",
                    self.namespace, self.name, self.version
                ))
                .is_some(),
        }
    }
}

/// Where a rollout started, to tell its speed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Start {
    image: String,
    at: DateTime<Utc>,
    done: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolloutState {
    pub targets: Vec<TargetState>,
    pub selected: usize,
    /// Keyed by target, namespace and name: two clusters may both have
    /// `production/checkout`.
    starts: HashMap<(String, String, String), Start>,
    /// Each command target's latest deploy or rollback, by target.
    pub runs: std::collections::BTreeMap<String, super::run_log::RunLog>,
}

impl RolloutState {
    pub fn new(targets: impl IntoIterator<Item = TargetSpec>) -> Self {
        Self {
            targets: targets
                .into_iter()
                .map(|spec| TargetState {
                    name: spec.name,
                    image_template: spec.image,
                    environment: spec.environment,
                    commands: spec.commands,
                    component: None,
                    units: Vec::new(),
                    received: None,
                    stale: None,
                })
                .collect(),
            selected: 0,
            starts: HashMap::new(),
            runs: Default::default(),
        }
    }

    /// Each target's component, and the targets in the components' order
    /// (those of none after them), so that a component's rows are together.
    pub fn group_by_components(&mut self, repos: &crate::domain::versioning::repos::Repos) {
        for target in &mut self.targets {
            target.component = repos.component_of(&target.name).map(|c| c.name.clone());
        }
        let order = |t: &TargetState| {
            t.component
                .as_ref()
                .and_then(|name| repos.components.iter().position(|c| &c.name == name))
                .unwrap_or(usize::MAX)
        };
        self.targets.sort_by_key(order);
    }

    pub fn is_configured(&self) -> bool {
        !self.targets.is_empty()
    }

    /// Folds a watch's report in; returns the Deployments whose image changed
    /// since the last snapshot (rollouts that started).
    pub fn apply(&mut self, update: RolloutUpdate, now: DateTime<Utc>) -> Vec<ImageChange> {
        let mut changes = Vec::new();
        match update {
            RolloutUpdate::Snapshot { target, units } => {
                if let Some(view) = self.targets.iter().find(|t| t.name == target) {
                    let first = view.received.is_none();
                    // By key: a target of thousands of Deployments would
                    // compare every row with every row on each snapshot.
                    let shown: HashMap<(&str, &str), &Unit> =
                        view.units.iter().map(|p| (p.key(), p)).collect();
                    for d in &units {
                        let before = shown.get(&d.key());
                        // A change since the last snapshot; or, on the first,
                        // a rollout already under way when the cockpit started.
                        let from = match before {
                            Some(before) if before.image != d.image => Some(before.image.clone()),
                            None if first && d.phase == RolloutPhase::Progressing => {
                                d.previous_image.clone()
                            }
                            _ => None,
                        };
                        if let Some(from) = from {
                            changes.push(ImageChange {
                                kind: d.kind,
                                version: d.version.clone(),
                                namespace: d.namespace.clone(),
                                name: d.name.clone(),
                                container: d.container.clone(),
                                from,
                                to: d.image.clone(),
                            });
                        }
                    }
                }
                if self.starts.keys().any(|(t, _, _)| *t == target) {
                    let listed: std::collections::HashSet<(&str, &str)> =
                        units.iter().map(Unit::key).collect();
                    self.starts.retain(|(t, ns, name), _| {
                        *t != target || listed.contains(&(ns.as_str(), name.as_str()))
                    });
                }
                for d in &units {
                    self.track(&target, d, now);
                }
                if let Some(view) = self.targets.iter_mut().find(|t| t.name == target) {
                    view.units = units;
                    view.received = Some(now);
                    view.stale = None;
                }
            }
            RolloutUpdate::Stale { target, error } => {
                if let Some(view) = self.targets.iter_mut().find(|t| t.name == target) {
                    let since = view.stale.as_ref().map_or(now, |s| s.since);
                    view.stale = Some(Stale { since, error });
                }
            }
        }
        self.selected = self.selected.min(self.len().saturating_sub(1));
        changes
    }

    fn track(&mut self, target: &str, d: &Unit, now: DateTime<Utc>) {
        let key = (target.to_owned(), d.namespace.clone(), d.name.clone());
        if d.phase != RolloutPhase::Progressing {
            self.starts.remove(&key);
            return;
        }
        let restart = self.starts.get(&key).is_none_or(|s| s.image != d.image);
        if restart {
            self.starts.insert(
                key,
                Start {
                    image: d.image.clone(),
                    at: now,
                    done: done(d),
                },
            );
        }
    }

    /// Time left at the speed the rollout has had since it was first seen.
    pub fn eta(&self, target: &str, d: &Unit, now: DateTime<Utc>) -> Option<Duration> {
        let key = (target.to_owned(), d.namespace.clone(), d.name.clone());
        let start = self.starts.get(&key)?;
        let moved = done(d) - start.done;
        let elapsed = now - start.at;
        if moved <= 0 || elapsed <= Duration::zero() {
            return None;
        }
        let left = (d.desired - done(d)).max(0);
        Some(elapsed * left / moved)
    }

    /// When the pane's ages next change: every second while something moves,
    /// is stale or moved within the minute; otherwise the status clock's minute is enough.
    pub fn next_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let lively = self.targets.iter().any(|t| t.stale.is_some())
            || self.rows().any(|(_, d)| {
                d.phase == RolloutPhase::Progressing
                    || d.last_update
                        .is_some_and(|at| now - at < Duration::minutes(1))
            });
        lively.then(|| now + Duration::seconds(1))
    }

    /// Every Deployment row, target by target.
    pub fn rows(&self) -> impl Iterator<Item = (&TargetState, &Unit)> {
        self.targets
            .iter()
            .flat_map(|t| t.units.iter().map(move |d| (t, d)))
    }

    pub fn len(&self) -> usize {
        self.targets.iter().map(|t| t.units.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected_row(&self) -> Option<(&TargetState, &Unit)> {
        self.rows().nth(self.selected)
    }

    pub fn move_selection(&mut self, delta: isize) {
        let len = self.len();
        if len == 0 {
            return;
        }
        let next = self.selected.saturating_add_signed(delta);
        self.selected = next.min(len - 1);
    }
}

/// Pods of the new revision that serve: the rollout's progress.
fn done(d: &Unit) -> i32 {
    d.updated.min(d.available)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(image: &str, updated: i32, available: i32, phase: RolloutPhase) -> Unit {
        Unit {
            kind: crate::domain::rollout::UnitKind::Deployment,
            version: crate::domain::rollout::image_tag(image).into(),
            namespace: "prod".into(),
            name: "web".into(),
            container: "web".into(),
            image: image.into(),
            previous_image: None,
            revision: 2,
            desired: 4,
            updated,
            ready: available,
            available,
            total: 4,
            phase,
            message: String::new(),
            last_update: None,
            history: Vec::new(),
        }
    }

    fn snapshot(d: Unit) -> RolloutUpdate {
        RolloutUpdate::Snapshot {
            target: "shop".into(),
            units: vec![d],
        }
    }

    #[test]
    fn stale_keeps_the_last_good_data_and_its_first_moment() {
        let t0 = Utc::now();
        let mut view = RolloutState::new([TargetSpec::named("shop")]);
        view.apply(snapshot(state("web:1", 4, 4, RolloutPhase::Complete)), t0);
        let stale = |e: &str| RolloutUpdate::Stale {
            target: "shop".into(),
            error: e.into(),
        };
        view.apply(stale("refused"), t0 + Duration::seconds(5));
        view.apply(stale("refused again"), t0 + Duration::seconds(9));
        let target = &view.targets[0];
        assert_eq!(target.units.len(), 1, "nothing is blanked");
        let marked = target.stale.as_ref().unwrap();
        assert_eq!(
            (marked.since, marked.error.as_str()),
            (t0 + Duration::seconds(5), "refused again")
        );
        view.apply(
            snapshot(state("web:1", 4, 4, RolloutPhase::Complete)),
            t0 + Duration::seconds(12),
        );
        assert!(view.targets[0].stale.is_none());
    }

    #[test]
    fn the_eta_follows_the_rollouts_speed() {
        let t0 = Utc::now();
        let mut view = RolloutState::new([TargetSpec::named("shop")]);
        view.apply(
            snapshot(state("web:2", 1, 3, RolloutPhase::Progressing)),
            t0,
        );
        let now = t0 + Duration::seconds(10);
        let moving = state("web:2", 2, 3, RolloutPhase::Progressing);
        view.apply(snapshot(moving.clone()), now);
        // One pod in 10 s, two to go.
        assert_eq!(view.eta("shop", &moving, now), Some(Duration::seconds(20)));
        let done = state("web:2", 4, 4, RolloutPhase::Complete);
        view.apply(snapshot(done.clone()), now);
        assert_eq!(view.eta("shop", &done, now), None);
    }
}
