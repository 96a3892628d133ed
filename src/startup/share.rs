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
use crate::runtime::sharing::{Link, Sharing, start_writing};
use crate::session::ReleaseStore;
use crate::session::current_release::Follow;
use crate::session::journal::Journal;
use crate::session::lock::ReleaseLock;

pub(super) use crate::runtime::sharing::Cluster;

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
        let mirror = Mirror::new(cluster.client.clone(), &cluster.namespace, &id);
        copied += crate::runtime::sharing::catch_up(&mirror, &path).await?;
    }
    Ok(copied)
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
) -> Sharing {
    let Some((id, last_seq)) = model
        .release
        .as_ref()
        .map(|r| (r.checklist.release.id.clone(), r.checklist.last_seq))
    else {
        return Sharing::Off;
    };
    let Ok(path) = store.journal_path(&id) else {
        return Sharing::Off;
    };
    // Without the Lease this machine may not write: its writer let go.
    macro_rules! read_only {
        ($model:expr, $why:expr) => {{
            let why: String = $why;
            stop_writing(journal, lock, follow, &path, last_seq);
            $model.operator.read_only = true;
            $model.warn(format!("read-only: {why}"));
            Sharing::Off
        }};
    }
    let cluster = match cluster {
        Ok(cluster) => cluster,
        Err(why) => {
            return read_only!(
                model,
                format!(
                    "the cluster releases are shared through cannot be reached ({why}); without its Lease nobody can say that no other machine writes"
                )
            );
        }
    };
    let link = Link {
        cluster: cluster.clone(),
        me,
        settings: settings.clone(),
    };
    let Some(writing_journal) = journal.as_mut() else {
        // Following on this machine (or read-only): its writer mirrors.
        return Sharing::Off;
    };
    let mut lease = link.lease(&id);
    match lease.claim_or_wait_out().await {
        Ok(Claimed::Holding { holding, took_over }) => {
            let sealed = link.mirror(&id).writer(holding.fence).await;
            let started = match sealed {
                Ok(writer) => {
                    start_writing(
                        &link,
                        &id,
                        &path,
                        (holding, writer),
                        link.lease(&id),
                        writing_journal,
                        (&model.operator.name, took_over.clone()),
                        mailbox,
                    )
                    .await
                }
                Err(error) => Err(error.to_string()),
            };
            let (writing, took) = match started {
                Ok(started) => started,
                Err(why) => {
                    // Not writing: nobody should wait the Lease out.
                    let _ = lease.release().await;
                    return read_only!(model, why);
                }
            };
            model.mirror = Some(Default::default());
            if let (Some(took), Some(view)) = (&took, model.release.as_mut()) {
                view.checklist.apply(took);
            }
            if let Some(previous) = took_over {
                model.warn(format!(
                    "took {id} over from {previous}, whose Lease had lapsed"
                ));
            }
            Sharing::Writing(writing)
        }
        Ok(Claimed::HeldBy {
            holder,
            since,
            contact,
            ..
        }) => {
            stop_writing(journal, lock, follow, &path, last_seq);
            model.operator.following = Some(format!(
                "{holder} (another machine, since {})",
                crate::domain::display_time::day_minute(since, model.clock.zone)
            ));
            model.operator.remote_writer = Some(crate::app::model::RemoteWriter {
                holder,
                contact,
                lapsed: false,
            });
            Sharing::Following(crate::runtime::sharing::follow(
                &link, &id, &path, last_seq, mailbox,
            ))
        }
        Err(error) => read_only!(
            model,
            format!("{error} (without the Lease, nobody can say that no other machine writes)")
        ),
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
                let lines = crate::runtime::sharing::backlog(&mirror, &path).await;
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
