//! Failures on demand, for tests and for showing what the cockpit does when
//! the API misbehaves.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use super::objects::ApiError;

#[derive(Debug, Default)]
struct FaultState {
    /// `(namespace, verb)`; a `None` verb forbids every verb there.
    forbidden: Vec<(String, Option<String>)>,
    conflicts: u32,
    watch_delay: Duration,
    /// How long the services' `/metrics` and `/health` take to answer.
    metrics_delay: Duration,
    /// The status they answer instead, when set.
    metrics_status: Option<u16>,
}

#[derive(Debug)]
pub struct Faults {
    state: Mutex<FaultState>,
    /// Bumped to end every open watch at once.
    drops: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            drops: watch::channel(0).0,
        }
    }
}

impl Faults {
    fn state(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Answer `403 Forbidden` for `verb` (or every verb) in `namespace`.
    pub fn forbid(&self, namespace: &str, verb: Option<&str>) {
        self.state()
            .forbidden
            .push((namespace.to_owned(), verb.map(str::to_owned)));
    }

    pub fn allow_all(&self) {
        self.state().forbidden.clear();
    }

    /// The next `n` patches fail with `409 Conflict`, as if someone else wrote first.
    pub fn conflict_next_patches(&self, n: u32) {
        self.state().conflicts = n;
    }

    /// Holds every watch event back this long.
    pub fn slow_watches(&self, delay: Duration) {
        self.state().watch_delay = delay;
    }

    /// Holds every answer of the services' `/metrics` and `/health` back this
    /// long, as an overloaded service or a slow network would.
    pub fn metrics_delay(&self, delay: Duration) {
        self.state().metrics_delay = delay;
    }

    /// The services' `/metrics` and `/health` answer this status (e.g. 500 or
    /// 503) instead, until `None` puts them back.
    pub fn metrics_fail(&self, status: Option<u16>) {
        self.state().metrics_status = status;
    }

    /// Ends every open watch now, as a load balancer cutting idle streams would.
    pub fn drop_watches(&self) {
        self.drops.send_modify(|n| *n += 1);
    }

    pub(super) fn watch_delay(&self) -> Duration {
        self.state().watch_delay
    }

    /// The delay and the failure status for the services' endpoints.
    pub(super) fn metrics_faults(&self) -> (Duration, Option<u16>) {
        let state = self.state();
        (state.metrics_delay, state.metrics_status)
    }

    pub(super) fn drops(&self) -> watch::Receiver<u64> {
        self.drops.subscribe()
    }

    pub(super) fn take_conflict(&self) -> bool {
        let mut state = self.state();
        if state.conflicts > 0 {
            state.conflicts -= 1;
            return true;
        }
        false
    }

    pub(super) fn check(
        &self,
        user: &str,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Result<(), ApiError> {
        let Some(namespace) = namespace else {
            return Ok(());
        };
        let denied = self
            .state()
            .forbidden
            .iter()
            .any(|(ns, v)| ns == namespace && v.as_deref().is_none_or(|v| v == verb));
        if !denied {
            return Ok(());
        }
        let object = match name {
            Some(name) => format!("{resource}.apps \"{name}\""),
            None => format!("{resource}.apps"),
        };
        Err(ApiError::new(
            403,
            "Forbidden",
            format!(
                "{object} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" \
                 in API group \"apps\" in the namespace \"{namespace}\""
            ),
        ))
    }
}
