//! `[share]` at start-up (issue #21): before a release is opened, the
//! releases the team's cluster holds Leases for are copied here from their
//! mirrors (what this machine has not got); once it is opened as this
//! machine's writer, the release's Lease decides: held by us, the cockpit
//! writes, keeps the Lease and mirrors each durable line; held by another
//! machine, it lets its local lock go and follows the mirror's copy.
//! A cluster that cannot be reached leaves the cockpit read-only: without
//! the Lease nobody can say that no other machine writes.

use tokio::sync::mpsc::UnboundedSender;

use crate::adapters::kubernetes::lease::{Claimed, ReleaseLease};
use crate::adapters::kubernetes::mirror::Mirror;
use crate::app::{Model, Msg};
use crate::config::share::ShareSettings;
use crate::domain::share::LeaseNews;
use crate::session::ReleaseStore;
use crate::session::current_release::Follow;
use crate::session::journal::Journal;
use crate::session::lock::ReleaseLock;
use crate::session::mirror::MirrorRead;

/// The cluster the releases are shared through.
pub(super) struct Cluster {
    pub client: kube::Client,
    pub namespace: String,
}

pub(super) async fn connect(settings: &ShareSettings) -> Result<Cluster, String> {
    let target = crate::adapters::kubernetes::KubeTarget {
        name: "[share]".to_owned(),
        kubeconfig: settings.kubeconfig.clone(),
        context: settings.context.clone(),
        namespace: settings.namespace.clone(),
        deployment: None,
        selector: None,
        container: None,
        image: None,
        environment: None,
        liveness: Default::default(),
    };
    let (client, namespace) = crate::adapters::kubernetes::connect(&target)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Cluster { client, namespace })
}

/// Copies what this machine has not got of every release the cluster holds
/// a Lease for. Returns how many lines were copied.
pub(super) async fn copy_releases(
    cluster: &Cluster,
    store: &ReleaseStore,
) -> Result<usize, String> {
    let leases: kube::Api<k8s_openapi::api::coordination::v1::Lease> =
        kube::Api::namespaced(cluster.client.clone(), &cluster.namespace);
    let listed = leases
        .list(&kube::api::ListParams::default().labels(&format!(
            "{}=writer",
            crate::adapters::kubernetes::lease::LABEL
        )))
        .await
        .map_err(|e| format!("the releases' Leases could not be listed: {e}"))?;
    let mut copied = 0;
    for lease in listed.items {
        let Some(id) = crate::adapters::kubernetes::lease::release_of(&lease) else {
            continue;
        };
        let (Ok(path), Ok(lock)) = (store.journal_path(&id), store.lock_path(&id)) else {
            continue;
        };
        // A cockpit here writes it: the mirror is this machine's copy.
        if matches!(crate::session::lock::current_holder(&lock), Ok(Some(_))) {
            continue;
        }
        let local = std::fs::read(&path).unwrap_or_default();
        let last = crate::session::journal::replay(&local)
            .records
            .last()
            .map_or(0, |r| r.seq);
        let mirror = Mirror::new(cluster.client.clone(), &cluster.namespace, &id);
        let text: String = mirror
            .read_all()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|c| c.lines)
            .collect();
        let taken = MirrorRead::after(last).take(&text);
        if taken.is_empty() {
            continue;
        }
        let lines: String = taken.iter().map(|t| t.line.as_str()).collect();
        crate::runtime::share::append_synced(&path, lines.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        copied += taken.len();
    }
    Ok(copied)
}

/// What the cockpit keeps of sharing while it runs.
pub(super) struct Joined {
    /// Where the runner sends each durable line to be mirrored.
    pub lines: Option<UnboundedSender<String>>,
    /// Given up at a clean exit, once the pump has caught up.
    pub lease: Option<ReleaseLease>,
    /// Until when the Lease is surely held; never, for a follower.
    pub valid: crate::runtime::share::ValidUntil,
    pub pump: Option<tokio::task::JoinHandle<()>>,
    pub keeper: Option<tokio::task::JoinHandle<()>>,
    /// Held while this process copies the mirror here: one copier per
    /// machine, so two followers do not append the same lines twice.
    pub _replica: Option<ReleaseLock>,
}

impl Joined {
    fn following() -> Self {
        Self {
            lines: None,
            lease: None,
            valid: crate::runtime::share::ValidUntil::never(),
            pump: None,
            keeper: None,
            _replica: None,
        }
    }

    /// At a clean exit: the pump given a moment to copy what is left, the
    /// keeper stopped, and the Lease given up only if the cluster has every
    /// line (else another machine could take over without them; it waits
    /// the Lease out, and this one's next start copies them).
    pub(super) async fn leave(mut self) {
        self.lines = None;
        let caught_up = match self.pump.take() {
            Some(pump) => matches!(
                tokio::time::timeout(std::time::Duration::from_secs(3), pump).await,
                Ok(Ok(()))
            ),
            None => true,
        };
        if let Some(keeper) = self.keeper.take() {
            keeper.abort();
        }
        if let (true, Some(mut lease)) = (caught_up, self.lease.take()) {
            let _ = lease.release().await;
        }
    }
}

/// The release's Lease claimed for this cockpit (`me`: `operator@host/pid`)
/// as its local writer; or, held by another machine, the local writer let
/// go and the mirror followed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn join(
    cluster: &Result<Cluster, String>,
    settings: &ShareSettings,
    store: &ReleaseStore,
    journal: &mut Option<Journal>,
    lock: &mut Option<ReleaseLock>,
    follow: &mut Option<Follow>,
    model: &mut Model,
    me: String,
    mailbox: &UnboundedSender<Msg>,
) -> Joined {
    let none = Joined::following();
    let Some((id, last_seq)) = model
        .release
        .as_ref()
        .map(|r| (r.checklist.release.id.clone(), r.checklist.last_seq))
    else {
        return none;
    };
    let Ok(path) = store.journal_path(&id) else {
        return none;
    };
    let cluster = match cluster {
        Ok(cluster) => cluster,
        Err(why) => {
            stop_writing(journal, lock, follow, &path, last_seq);
            model.operator.read_only = true;
            model.warn(format!(
                "read-only: the cluster releases are shared through cannot be reached ({why}); without its Lease nobody can say that no other machine writes"
            ));
            return none;
        }
    };
    let mirror = Mirror::new(cluster.client.clone(), &cluster.namespace, &id);
    if journal.is_none() {
        // Following on this machine (or read-only): its writer mirrors.
        return none;
    }
    let mut lease = ReleaseLease::new(
        cluster.client.clone(),
        &cluster.namespace,
        &id,
        me,
        settings.lease,
    );
    match lease.claim_or_wait_out().await {
        Ok(Claimed::Holding { holding, took_over }) => {
            let writer = match mirror.writer(holding.fence).await {
                Ok(writer) => writer,
                Err(error) => {
                    stop_writing(journal, lock, follow, &path, last_seq);
                    model.operator.read_only = true;
                    model.warn(format!("read-only: {error}"));
                    return none;
                }
            };
            let backlog = backlog(&mirror, &path).await;
            let (lines, queue) = tokio::sync::mpsc::unbounded_channel();
            let to_loop = mailbox.clone();
            let pump = crate::runtime::share::spawn_pump(writer, backlog, queue, move |state| {
                let _ = to_loop.send(Msg::Share(LeaseNews::Mirror(state)));
            });
            let to_loop = mailbox.clone();
            let keeper = ReleaseLease::new(
                cluster.client.clone(),
                &cluster.namespace,
                &id,
                lease.holder().to_owned(),
                settings.lease,
            );
            let valid = crate::runtime::share::ValidUntil::new(holding.valid_until());
            let keeper =
                crate::runtime::share::spawn_keeper(keeper, holding, valid.clone(), move |news| {
                    let _ = to_loop.send(Msg::Share(news));
                });
            model.mirror = Some(Default::default());
            if let Some(previous) = took_over {
                // Journaled (synced) before anything else is written: the
                // trail says who wrote before, and from which fence on.
                let event = crate::domain::events::Event::WriterTookOver {
                    previous: previous.clone(),
                    fence: holding.fence,
                };
                if let Some(writer) = journal.as_mut()
                    && let Ok(recorded) =
                        writer.append(&model.operator.name, chrono::Utc::now(), event)
                {
                    if let Some(view) = model.release.as_mut() {
                        view.checklist.apply(&recorded);
                    }
                    if let Ok(line) = crate::session::journal::encode(&recorded) {
                        let _ = lines.send(line);
                    }
                }
                model.warn(format!(
                    "took {id} over from {previous}, whose Lease had lapsed"
                ));
            }
            Joined {
                lines: Some(lines),
                lease: Some(lease),
                valid,
                pump: Some(pump),
                keeper: Some(keeper),
                _replica: None,
            }
        }
        Ok(Claimed::HeldBy { holder, since, .. }) => {
            stop_writing(journal, lock, follow, &path, last_seq);
            model.operator.following = Some(format!(
                "{holder} (another machine, since {})",
                crate::domain::display_time::day_minute(since, model.clock.zone)
            ));
            // Another process here copies it already: its copy is followed.
            let copier = match crate::session::lock::acquire(&path.with_extension("replica")) {
                Ok(crate::session::lock::LockOutcome::Acquired { lock, .. }) => Some(lock),
                _ => None,
            };
            let to_loop = mailbox.clone();
            crate::runtime::share::spawn_lapse_watch(
                ReleaseLease::new(
                    cluster.client.clone(),
                    &cluster.namespace,
                    &id,
                    lease.holder().to_owned(),
                    settings.lease,
                ),
                crate::domain::share::Holding::renew_every(settings.lease),
                move |news| {
                    let _ = to_loop.send(Msg::Share(news));
                },
            );
            if copier.is_some() {
                crate::runtime::share::spawn_replica(
                    mirror.api(),
                    mirror.selector(),
                    path,
                    MirrorRead::after(last_seq),
                    problems(mailbox),
                );
            }
            Joined {
                _replica: copier,
                ..none
            }
        }
        Err(error) => {
            stop_writing(journal, lock, follow, &path, last_seq);
            model.operator.read_only = true;
            model.warn(format!(
                "read-only: {error} (without the Lease, nobody can say that no other machine writes)"
            ));
            none
        }
    }
}

/// Lets this machine's writer go: the local lock freed, the local copy
/// followed from its end.
fn stop_writing(
    journal: &mut Option<Journal>,
    lock: &mut Option<ReleaseLock>,
    follow: &mut Option<Follow>,
    path: &std::path::Path,
    last_seq: u64,
) {
    *journal = None;
    *lock = None;
    *follow = Some(Follow {
        path: path.to_path_buf(),
        offset: std::fs::metadata(path).map_or(0, |m| m.len()),
        last_seq,
        writer: None,
    });
}

/// The local journal's lines the mirror has not got (a crash before the
/// pump caught up, or a first start with `[share]`).
async fn backlog(mirror: &Mirror, path: &std::path::Path) -> Vec<String> {
    let mirrored: String = mirror
        .read_all()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.lines)
        .collect();
    let mut read = MirrorRead::default();
    read.take(&mirrored);
    let local = std::fs::read(path).unwrap_or_default();
    crate::session::journal::replay(&local)
        .records
        .iter()
        .filter(|r| r.seq > read.last_seq)
        .filter_map(|r| crate::session::journal::encode(r).ok())
        .collect()
}

/// A replica's problems, as notices.
fn problems(mailbox: &UnboundedSender<Msg>) -> UnboundedSender<String> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let to_loop = mailbox.clone();
    tokio::spawn(async move {
        while let Some(problem) = rx.recv().await {
            let _ = to_loop.send(Msg::Share(LeaseNews::Mirror(
                crate::domain::share::MirrorState {
                    behind: 0,
                    problem: Some(problem),
                    fenced: false,
                },
            )));
        }
    });
    tx
}

/// `[share]` for the headless commands: the release's Lease held for the
/// command's run (renewed on a runtime of its own), every line it journals
/// refused once the Lease is lost, and at the end the new lines mirrored
/// and the Lease given up.
pub(super) struct HeadlessShare {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
    namespace: String,
    release: String,
    path: std::path::PathBuf,
    lease: ReleaseLease,
    fence: i32,
    lost: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    valid: crate::runtime::share::ValidUntil,
    keeper: tokio::task::JoinHandle<()>,
}

/// Connects and copies what this machine has not got of the shared
/// releases, before one is opened; the runtime is the share's.
pub(super) fn headless_connect(
    settings: &ShareSettings,
    store: &ReleaseStore,
) -> Result<(tokio::runtime::Runtime, Cluster), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let cluster = runtime.block_on(connect(settings))?;
    runtime.block_on(copy_releases(&cluster, store))?;
    Ok((runtime, cluster))
}

impl HeadlessShare {
    /// The Lease claimed for `me`; refused (said) while another holds it.
    pub(super) fn claim(
        (runtime, cluster): (tokio::runtime::Runtime, Cluster),
        settings: &ShareSettings,
        store: &ReleaseStore,
        release: &str,
        me: String,
        zone: chrono_tz::Tz,
    ) -> Result<Self, String> {
        let path = store.journal_path(release).map_err(|e| e.to_string())?;
        let mut lease = ReleaseLease::new(
            cluster.client.clone(),
            &cluster.namespace,
            release,
            me.clone(),
            settings.lease,
        );
        let holding = match runtime
            .block_on(lease.claim_or_wait_out())
            .map_err(|e| e.to_string())?
        {
            Claimed::Holding { holding, .. } => holding,
            Claimed::HeldBy { holder, since, .. } => {
                return Err(format!(
                    "{release} is written by {holder} (since {}), through the cluster; fix: act from that cockpit",
                    crate::domain::display_time::day_minute(since, zone)
                ));
            }
        };
        let lost = std::sync::Arc::new(std::sync::Mutex::new(None));
        let said = lost.clone();
        let keeper = ReleaseLease::new(
            cluster.client.clone(),
            &cluster.namespace,
            release,
            me,
            settings.lease,
        );
        let valid = crate::runtime::share::ValidUntil::new(holding.valid_until());
        let keeper = {
            let _enter = runtime.enter();
            crate::runtime::share::spawn_keeper(keeper, holding, valid.clone(), move |news| {
                if let LeaseNews::Lost { why, .. } = news
                    && let Ok(mut lost) = said.lock()
                {
                    *lost = Some(why);
                }
            })
        };
        Ok(Self {
            runtime,
            client: cluster.client,
            namespace: cluster.namespace,
            release: release.to_owned(),
            path,
            lease,
            fence: holding.fence,
            lost,
            valid,
            keeper,
        })
    }

    /// Why nothing more may be journaled, once the Lease is lost.
    pub(super) fn lost(&self) -> Option<String> {
        let said = self.lost.lock().ok().and_then(|l| l.clone());
        said.or_else(|| {
            (!self.valid.holds(chrono::Utc::now()))
                .then(|| "its Lease could not be renewed in time".to_owned())
        })
    }
}

impl Drop for HeadlessShare {
    fn drop(&mut self) {
        self.keeper.abort();
        let mirror = Mirror::new(self.client.clone(), &self.namespace, &self.release);
        let (fence, path) = (self.fence, self.path.clone());
        let lost = self.lost().is_some();
        let lease = &mut self.lease;
        self.runtime.block_on(async {
            if !lost {
                let lines = backlog(&mirror, &path).await;
                let mirrored = match mirror.writer(fence).await {
                    Ok(mut writer) => writer.append(&lines).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(why) = mirrored {
                    eprintln!(
                        "warning: journaled here, not yet in the cluster's mirror ({why}); the next cockpit to write it copies it"
                    );
                }
            }
            let _ = lease.release().await;
        });
    }
}
