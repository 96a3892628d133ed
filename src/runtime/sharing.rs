//! `[share]` while the cockpit runs (issue #21): as the release's writer, the
//! Lease kept, each durable line mirrored, and the Lease given up at a
//! clean exit once the cluster has every line; as a follower of another
//! machine, the writer's Lease watched and the mirror copied here. A
//! follower whose writer's Lease lapsed may take the release over: the
//! Lease claimed on what this machine observed, the copy stopped and caught
//! up with the whole mirror, the journal opened, and `writer_took_over`
//! journaled before anything else.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::share::{CopyStop, LeaseNews, ValidUntil};
use crate::adapters::kubernetes::lease::{Claimed, ReleaseLease};
use crate::adapters::kubernetes::mirror::{Mirror, MirrorWriter};
use crate::app::Msg;
use crate::config::share::ShareSettings;
use crate::domain::events::{Event, Recorded};
use crate::domain::share::{Holding, MirrorState};
use crate::session::journal::Journal;
use crate::session::lock::ReleaseLock;
use crate::session::mirror::MirrorRead;

/// The cluster the releases are shared through.
#[derive(Clone)]
pub struct Cluster {
    pub client: kube::Client,
    pub namespace: String,
}

/// What a cockpit needs to claim Leases and mirror journals.
#[derive(Clone)]
pub struct Link {
    pub cluster: Cluster,
    /// `operator@host/pid`, as Leases name their holder.
    pub me: String,
    pub settings: ShareSettings,
}

impl Link {
    /// `release`'s Lease as this cockpit claims it.
    pub fn lease(&self, release: &str) -> ReleaseLease {
        ReleaseLease::new(
            self.cluster.client.clone(),
            &self.cluster.namespace,
            release,
            self.me.clone(),
            self.settings.lease,
        )
        .with_contact(self.settings.contact.clone())
    }

    pub fn mirror(&self, release: &str) -> Mirror {
        Mirror::new(
            self.cluster.client.clone(),
            &self.cluster.namespace,
            release,
        )
    }
}

/// The writer's side.
pub struct Writing {
    /// Where the runner sends each durable line to be mirrored.
    pub lines: UnboundedSender<String>,
    /// Given up at a clean exit, once the pump has caught up.
    pub lease: ReleaseLease,
    /// Until when the Lease is surely held, as the keeper moves it.
    pub valid: ValidUntil,
    pub pump: JoinHandle<()>,
    pub keeper: JoinHandle<()>,
    /// What following the release takes, once the Lease is lost.
    link: Link,
    release: String,
    path: PathBuf,
}

impl Writing {
    /// The Lease lost: the pump and keeper stopped, and the release
    /// followed from the mirror instead, from after `last_seq` (the local
    /// journal's end), by whoever took it. Returns the local copy to follow.
    pub fn into_following(
        self,
        last_seq: u64,
        mailbox: &UnboundedSender<Msg>,
    ) -> (Following, crate::session::current_release::Follow) {
        self.pump.abort();
        self.keeper.abort();
        let following = follow(&self.link, &self.release, &self.path, last_seq, mailbox);
        let copy = crate::session::current_release::Follow {
            path: self.path.clone(),
            offset: std::fs::metadata(&self.path).map_or(0, |m| m.len()),
            last_seq,
            writer: None,
        };
        (following, copy)
    }
}

/// A follower's side, for a writer on another machine.
pub struct Following {
    pub release: String,
    link: Link,
    path: PathBuf,
    /// What this machine observed of the writer's Lease: the takeover
    /// claims on it, so that it need not watch a whole duration again.
    observer: Arc<tokio::sync::Mutex<ReleaseLease>>,
    watch: JoinHandle<()>,
    /// This process copies the mirror here (one copier per machine).
    copier: Option<Copier>,
}

struct Copier {
    task: JoinHandle<()>,
    stop: CopyStop,
    _lock: ReleaseLock,
}

/// How this cockpit takes part in the shared release.
#[allow(clippy::large_enum_variant)] // One per cockpit, moved rarely.
pub enum Sharing {
    Writing(Writing),
    Following(Following),
    /// Read-only: the cluster could not be reached, or this cockpit
    /// follows a writer on this machine (which mirrors).
    Off,
}

impl Sharing {
    /// At a clean exit: a writer's pump given a moment to copy what is
    /// left, the keeper stopped, and the Lease given up only if the cluster
    /// has every line (else another machine could take over without them;
    /// it waits the Lease out, and this one's next start copies them).
    pub async fn leave(self) {
        match self {
            Self::Writing(Writing {
                lines,
                mut lease,
                pump,
                keeper,
                ..
            }) => {
                drop(lines);
                let caught_up = matches!(
                    tokio::time::timeout(std::time::Duration::from_secs(3), pump).await,
                    Ok(Ok(()))
                );
                keeper.abort();
                if caught_up {
                    let _ = lease.release().await;
                }
            }
            Self::Following(following) => following.stop(),
            Self::Off => {}
        }
    }
}

impl Following {
    fn stop(self) {
        drop(self);
    }
}

impl Drop for Following {
    /// However it is let go, its watch and copy end (a dropped task
    /// handle would leave them running, the copier's lock freed).
    fn drop(&mut self) {
        self.watch.abort();
        if let Some(copier) = &self.copier {
            copier.stop.stop();
            copier.task.abort();
        }
    }
}

/// Starts writing `release` under the Lease held (`holding`; `writer`, the
/// mirror sealed for its fence, so no older writer adds to it): the pump
/// started with what the mirror lacks of the local journal, the keeper
/// renewing, and, after a takeover from `took_over`, `writer_took_over`
/// journaled (synced) and mirrored before anything else. Returns it too.
#[allow(clippy::too_many_arguments)]
pub async fn start_writing(
    link: &Link,
    release: &str,
    path: &Path,
    (holding, writer): (Holding, MirrorWriter),
    lease: ReleaseLease,
    journal: &mut Journal,
    (operator, took_over): (&str, Option<String>),
    mailbox: &UnboundedSender<Msg>,
) -> Result<(Writing, Option<Recorded>), String> {
    let mirror = link.mirror(release);
    let backlog = backlog(&mirror, path).await;
    let (lines, queue) = tokio::sync::mpsc::unbounded_channel();
    let to_loop = mailbox.clone();
    let pump = super::share::spawn_pump(writer, backlog, queue, move |state| {
        let _ = to_loop.send(Msg::Share(LeaseNews::Mirror(state)));
    });
    let valid = ValidUntil::new(holding.valid_until());
    let to_loop = mailbox.clone();
    let keeper =
        super::share::spawn_keeper(link.lease(release), holding, valid.clone(), move |news| {
            let _ = to_loop.send(Msg::Share(news));
        });
    let mut recorded = None;
    if let Some(previous) = took_over {
        let event = Event::WriterTookOver {
            previous,
            fence: holding.fence,
        };
        match journal.append(operator, chrono::Utc::now(), event) {
            Ok(took) => {
                if let Ok(line) = crate::session::journal::encode(&took) {
                    let _ = lines.send(line);
                }
                recorded = Some(took);
            }
            Err(error) => {
                pump.abort();
                keeper.abort();
                return Err(format!("the takeover could not be journaled: {error}"));
            }
        }
    }
    Ok((
        Writing {
            lines,
            lease,
            valid,
            pump,
            keeper,
            link: link.clone(),
            release: release.to_owned(),
            path: path.to_path_buf(),
        },
        recorded,
    ))
}

/// Follows `release`, written from another machine: its Lease watched
/// (lapsed, or live again), and, unless another process here copies it
/// already, the mirror copied to the local journal at `path` from after
/// `last_seq`.
pub fn follow(
    link: &Link,
    release: &str,
    path: &Path,
    last_seq: u64,
    mailbox: &UnboundedSender<Msg>,
) -> Following {
    let observer = Arc::new(tokio::sync::Mutex::new(link.lease(release)));
    let to_loop = mailbox.clone();
    let watch = super::share::spawn_lapse_watch(
        observer.clone(),
        Holding::renew_every(link.settings.lease),
        move |news| {
            let _ = to_loop.send(Msg::Share(news));
        },
    );
    let copier = match crate::session::lock::acquire(&path.with_extension("replica")) {
        Ok(crate::session::lock::LockOutcome::Acquired { lock, .. }) => {
            let mirror = link.mirror(release);
            let stop = CopyStop::default();
            let task = super::share::spawn_replica(
                mirror.api(),
                mirror.selector(),
                path.to_path_buf(),
                MirrorRead::after(last_seq),
                problems(mailbox),
                stop.clone(),
            );
            Some(Copier {
                task,
                stop,
                _lock: lock,
            })
        }
        _ => None,
    };
    Following {
        release: release.to_owned(),
        link: link.clone(),
        path: path.to_path_buf(),
        observer,
        watch,
        copier,
    }
}

/// A takeover done: the release opened as writer, to be shown.
pub struct TakenOver {
    pub checklist: crate::domain::checklist::Checklist,
    pub journal: Journal,
    pub lock: Option<ReleaseLock>,
    pub writing: Writing,
    pub previous: Option<String>,
}

impl Following {
    /// What a takeover of the release needs, to run off the runner.
    pub fn takeover(&self) -> Takeover {
        Takeover {
            release: self.release.clone(),
            link: self.link.clone(),
            path: self.path.clone(),
            observer: self.observer.clone(),
            copier: self
                .copier
                .as_ref()
                .map(|c| (c.stop.clone(), c.task.abort_handle())),
        }
    }
}

/// A follower's takeover of its release, once the writer's Lease lapsed.
pub struct Takeover {
    release: String,
    link: Link,
    path: PathBuf,
    observer: Arc<tokio::sync::Mutex<ReleaseLease>>,
    copier: Option<(CopyStop, tokio::task::AbortHandle)>,
}

impl Takeover {
    /// Takes the release over, its writer's Lease having lapsed: claimed on
    /// what this machine observed (refused if the writer renewed meanwhile),
    /// the copy stopped and caught up with the whole mirror, the release
    /// opened as writer and the takeover journaled first. On a failure
    /// after the claim the Lease is given back.
    pub async fn run(
        self,
        store: crate::session::ReleaseStore,
        operator: String,
        mailbox: UnboundedSender<Msg>,
    ) -> Result<TakenOver, String> {
        let release = &self.release;
        let Some(copier) = self.copier.clone() else {
            return Err(format!(
                "another cockpit on this machine copies {release}'s mirror: take it over from that one, or quit it first"
            ));
        };
        let mut observer = self.observer.lock().await;
        let (holding, previous) = match observer.claim().await.map_err(|e| e.to_string())? {
            Claimed::Holding { holding, took_over } => (holding, took_over),
            Claimed::HeldBy { holder, .. } => {
                return Err(format!(
                    "{holder} holds {release}'s Lease again: still following"
                ));
            }
        };
        let opened = self
            .open_as_writer(
                &copier,
                holding,
                previous.clone(),
                &operator,
                &mailbox,
                store,
            )
            .await;
        if opened.is_err() {
            let _ = observer.release().await;
        }
        // The keeper renews the Lease from now on; the writer's own
        // handle on it gives it up at a clean exit.
        let (checklist, journal, lock, writing) = opened?;
        Ok(TakenOver {
            checklist,
            journal,
            lock,
            writing,
            previous,
        })
    }

    async fn open_as_writer(
        &self,
        (stop, copying): &(CopyStop, tokio::task::AbortHandle),
        holding: Holding,
        previous: Option<String>,
        operator: &str,
        mailbox: &UnboundedSender<Msg>,
        store: crate::session::ReleaseStore,
    ) -> Result<
        (
            crate::domain::checklist::Checklist,
            Journal,
            Option<ReleaseLock>,
            Writing,
        ),
        String,
    > {
        let release = self.release.clone();
        // Sealed first: a cut-off writer's pump can add nothing after the
        // catch-up reads the mirror.
        let mirror = self.link.mirror(&release);
        let writer = mirror
            .writer(holding.fence)
            .await
            .map_err(|e| e.to_string())?;
        stop.stop();
        copying.abort();
        catch_up(&mirror, &self.path).await.map_err(|e| {
            format!("{e}; this cockpit no longer copies the mirror: start it again to follow")
        })?;
        let id = release.clone();
        let current = tokio::task::spawn_blocking(move || {
            crate::session::current_release::open_by_id(&store, &id, false)
        })
        .await
        .map_err(|e| e.to_string())?;
        let (Some(mut checklist), Some(mut journal)) = (current.checklist, current.journal) else {
            return Err(current.notice.unwrap_or_else(|| {
                format!("{release} could not be opened to write (does a cockpit here write it?)")
            }));
        };
        let (writing, took) = start_writing(
            &self.link,
            &release,
            &self.path,
            (holding, writer),
            self.link.lease(&release),
            &mut journal,
            (
                operator,
                Some(previous.unwrap_or_else(|| "nobody".to_owned())),
            ),
            mailbox,
        )
        .await?;
        if let Some(took) = &took {
            checklist.apply(took);
        }
        Ok((checklist, journal, current.lock, writing))
    }
}

/// Appends to the local journal at `path` what the mirror has past it.
/// Returns how many lines.
pub async fn catch_up(mirror: &Mirror, path: &Path) -> Result<usize, String> {
    let local = std::fs::read(path).unwrap_or_default();
    let last = crate::session::journal::replay(&local)
        .records
        .last()
        .map_or(0, |r| r.seq);
    let text: String = mirror
        .read_all()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|c| c.lines)
        .collect();
    let taken = MirrorRead::after(last).take(&text);
    if taken.is_empty() {
        return Ok(0);
    }
    let lines: String = taken.iter().map(|t| t.line.as_str()).collect();
    super::share::append_synced(path, lines.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(taken.len())
}

/// The local journal's lines the mirror has not got (a crash before the
/// pump caught up, or a first start with `[share]`).
pub async fn backlog(mirror: &Mirror, path: &Path) -> Vec<String> {
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
            let _ = to_loop.send(Msg::Share(LeaseNews::Mirror(MirrorState {
                behind: 0,
                problem: Some(problem),
                fenced: false,
            })));
        }
    });
    tx
}
