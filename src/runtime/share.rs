//! The two ends of the journal's mirror (issue #21). The writer's pump
//! copies each line the journal made durable to the cluster, in order,
//! retrying with backoff while the API is away and saying how far behind it
//! is; it waits on its channel when there is nothing to copy, so an idle
//! writer costs no wakeups. A follower's replica watches the chunks and
//! appends the lines it has not got to its local copy of the journal
//! (synced), which the local follower then shows like any writer's.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use crate::adapters::kubernetes::mirror::{Chunk, MirrorError, MirrorWriter, chunk_of};
use crate::session::mirror::MirrorRead;

pub use crate::domain::share::{LeaseNews, MirrorState};

/// Copies `backlog`, then each line arriving on `lines`, to `writer`;
/// reports each change of its state through `report`.
pub fn spawn_pump(
    mut writer: MirrorWriter,
    backlog: Vec<String>,
    mut lines: UnboundedReceiver<String>,
    report: impl Fn(MirrorState) + Send + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut pending = backlog;
        let mut state = MirrorState::default();
        let mut backoff = Duration::from_millis(500);
        loop {
            if pending.is_empty() {
                let Some(line) = lines.recv().await else {
                    return;
                };
                pending.push(line);
            }
            // Whatever else came in, in one write.
            while let Ok(line) = lines.try_recv() {
                pending.push(line);
            }
            let next = match writer.append(&pending).await {
                Ok(()) => {
                    pending.clear();
                    backoff = Duration::from_millis(500);
                    MirrorState::default()
                }
                Err(MirrorError::Fenced { chunk }) => {
                    report(MirrorState {
                        behind: pending.len(),
                        problem: Some(MirrorError::Fenced { chunk }.to_string()),
                        fenced: true,
                    });
                    return;
                }
                Err(error) => MirrorState {
                    behind: pending.len(),
                    problem: Some(error.to_string()),
                    fenced: false,
                },
            };
            if next != state {
                report(next.clone());
                state = next;
            }
            if state.problem.is_some() {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(8));
            }
        }
    })
}

/// Stops a replica's copying for good: once `stop` returns, no line of it
/// is appended (a copy in flight finished first), so a takeover may catch
/// the local copy up itself without a line twice.
#[derive(Debug, Clone, Default)]
pub struct CopyStop(std::sync::Arc<std::sync::atomic::AtomicBool>);

/// Held while a replica's batch is appended, or while a takeover stops it.
static COPYING: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl CopyStop {
    pub fn stop(&self) {
        let _copying = COPYING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn stopped(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Watches the chunks of `selector` and appends what `read` has not taken
/// to the local copy at `path` (created private), each batch synced, until
/// `stop` says no more.
pub fn spawn_replica(
    api: kube::Api<ConfigMap>,
    selector: String,
    path: PathBuf,
    mut read: MirrorRead,
    problems: UnboundedSender<String>,
    stop: CopyStop,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let config = kube::runtime::watcher::Config::default().labels(&selector);
        // Backing off between failed watches, as kubectl's informers do.
        let mut events =
            kube::runtime::WatchStreamExt::default_backoff(kube::runtime::watcher(api, config))
                .boxed();
        // A listing (the first, or after the watch had to start again) may
        // give the chunks in any order: they are taken in chunk order once
        // it is complete. Later changes come in the order they were made.
        let mut listing: Option<Vec<Chunk>> = None;
        while let Some(event) = events.next().await {
            use kube::runtime::watcher::Event;
            let chunks: Vec<Chunk> = match event {
                Ok(Event::Init) => {
                    listing = Some(Vec::new());
                    continue;
                }
                Ok(Event::InitApply(map)) => {
                    listing.get_or_insert_with(Vec::new).extend(chunk_of(map));
                    continue;
                }
                Ok(Event::InitDone) => {
                    let mut listed = listing.take().unwrap_or_default();
                    listed.sort_by_key(|c| c.index);
                    listed
                }
                Ok(Event::Apply(map)) => chunk_of(map).into_iter().collect(),
                Ok(Event::Delete(_)) => continue,
                Err(error) => {
                    let _ = problems.send(format!("the journal's mirror: {error}"));
                    continue;
                }
            };
            let text: String = chunks.into_iter().map(|c| c.lines).collect();
            let taken = read.take(&text);
            if taken.is_empty() {
                continue;
            }
            let lines: String = taken.iter().map(|t| t.line.as_str()).collect();
            let path = path.clone();
            let stop = stop.clone();
            let written = tokio::task::spawn_blocking(move || {
                let _copying = COPYING
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if stop.stopped() {
                    return Ok(());
                }
                append_synced(&path, lines.as_bytes())
            })
            .await;
            if let Ok(Err(error)) | Err(error) = written.map_err(std::io::Error::other) {
                let _ = problems.send(format!("the journal's local copy: {error}"));
            }
        }
    })
}

/// Appends `bytes` to the private file at `path` and syncs it.
pub fn append_synced(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::config::paths::create_private_dir_all(dir)?;
    }
    let mut file = crate::config::paths::private_file()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Until when this cockpit surely holds its Lease, as the keeper last
/// renewed it: the runner writes nothing past it. Shared, lock-free.
#[derive(Debug, Clone, Default)]
pub struct ValidUntil(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl ValidUntil {
    /// Held until `until`.
    pub fn new(until: chrono::DateTime<chrono::Utc>) -> Self {
        let valid = Self::default();
        valid.set(until);
        valid
    }

    /// Never held: a follower's, so that its runner writes nothing.
    pub fn never() -> Self {
        Self::default()
    }

    pub fn set(&self, until: chrono::DateTime<chrono::Utc>) {
        self.0.store(
            until.timestamp_millis(),
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    pub fn holds(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now.timestamp_millis() < self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Renews `lease` every third of its duration from its last renewal
/// (sooner after a failure), each attempt bounded by what is left of the
/// Lease, and moves `valid` on each success. Says `LeaseNews::Lost` (once,
/// then ends, with `valid` cleared) when it went to another, changed hands
/// under us (another fence), or was not renewed before `valid` ran out.
pub fn spawn_keeper(
    mut lease: crate::adapters::kubernetes::lease::ReleaseLease,
    mut holding: crate::domain::share::Holding,
    valid: ValidUntil,
    report: impl Fn(LeaseNews) + Send + Sync + 'static,
) -> JoinHandle<()> {
    use crate::adapters::kubernetes::lease::Claimed;
    tokio::spawn(async move {
        let every = crate::domain::share::Holding::renew_every(holding.duration);
        let mut next = holding.renewed_at + every;
        valid.set(holding.valid_until());
        let lost = |why: String, by: Option<String>| {
            valid.set(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH);
            report(LeaseNews::Lost { by, why });
        };
        loop {
            let now = chrono::Utc::now();
            if let Ok(wait) = (next - now).to_std() {
                tokio::time::sleep(wait).await;
            }
            let left = (holding.valid_until() - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            match tokio::time::timeout(left, lease.claim()).await {
                Ok(Ok(Claimed::Holding {
                    holding: renewed, ..
                })) if renewed.fence == holding.fence => {
                    holding = renewed;
                    valid.set(holding.valid_until());
                    next = holding.renewed_at + every;
                    continue;
                }
                Ok(Ok(Claimed::Holding { .. })) => {
                    return lost(
                        "the Lease changed hands while this cockpit wrote".to_owned(),
                        None,
                    );
                }
                Ok(Ok(Claimed::HeldBy { holder, .. })) => {
                    return lost(
                        format!("{holder} holds the release's Lease now"),
                        Some(holder),
                    );
                }
                Ok(Err(error)) => tracing::warn!(%error, "Lease renewal failed; retrying"),
                Err(_) => tracing::warn!("Lease renewal got no answer in time"),
            }
            if !holding.is_valid(chrono::Utc::now()) {
                return lost(
                    "the Lease could not be renewed in time (is the cluster reachable?)".to_owned(),
                    None,
                );
            }
            next = chrono::Utc::now() + chrono::Duration::seconds(1);
        }
    })
}

/// A follower's watch on the writer's Lease, read every third of its
/// duration (never written): says `LeaseNews::Lapsed` when it may be taken
/// over, and `LeaseNews::Live` if its writer renews it again after that.
/// `lease` is shared with the takeover, which claims on what it observed.
pub fn spawn_lapse_watch(
    lease: std::sync::Arc<tokio::sync::Mutex<crate::adapters::kubernetes::lease::ReleaseLease>>,
    every: chrono::Duration,
    report: impl Fn(LeaseNews) + Send + Sync + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let every = every.to_std().unwrap_or(Duration::from_secs(5));
        let mut said_lapsed = false;
        loop {
            tokio::time::sleep(every).await;
            let mut lease = lease.lock().await;
            match lease.lapsed().await {
                Ok(Some(previous)) if !said_lapsed => {
                    said_lapsed = true;
                    report(LeaseNews::Lapsed { previous });
                }
                Ok(None) if said_lapsed => {
                    said_lapsed = false;
                    report(LeaseNews::Live {
                        holder: lease.holder_seen().unwrap_or_default().to_owned(),
                    });
                }
                // Unreadable: nothing is known, so nothing changes.
                _ => {}
            }
        }
    })
}
