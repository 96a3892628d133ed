//! Carries out the effects `update` asks for, reporting results to the mailbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::file_work::FileWork;
use super::release_switch::{Opened, Switching};
use crate::app::requests::{Request, TaskResult};
use crate::app::{Effect, Msg};
use crate::config::PlaybookLibrary;
use crate::domain::incident::IncidentError;
use crate::session::current_release::{Current, Follow};
use crate::session::lock::{LockOutcome, ReleaseLock, acquire};
use crate::session::{CalendarJournal, Journal, ReleaseStore, start_release};

/// What the loop hands effects to (other than quitting and suspending, which
/// need the terminal). Tests pass their own.
pub trait EffectRunner {
    fn run(&mut self, effect: Effect);

    /// `msg` is about to reach `update`: what the screen shows changes with
    /// it. The loop calls this for every message.
    fn delivered(&mut self, _msg: &Msg) {}
}

/// The release this process writes: its journal, and the lock that makes this
/// process its only writer.
pub struct Writer {
    pub journal: Journal,
    pub lock: Option<ReleaseLock>,
}

/// The real runner: the journal on disk, gates on tokio.
pub struct Runner {
    mailbox: UnboundedSender<Msg>,
    operator: String,
    writer: Option<Writer>,
    /// The release written or followed, as its id.
    release: Option<String>,
    /// The task following another cockpit's journal, when this one follows.
    follower: Option<JoinHandle<()>>,
    store: ReleaseStore,
    playbooks: PlaybookLibrary,
    /// Every target, behind one interface for deploys and rollbacks.
    targets: super::targets::TargetSet,
    /// How many columns a chart has at most; the health polls read it.
    chart_columns: Arc<AtomicU16>,
    incidents: Option<super::rollback::IncidentFiles>,
    /// `--read-only`: a release switched to is followed, never locked.
    read_only: bool,
    views: super::view_file::ViewWriter,
    /// File work off the loop, in order.
    files: FileWork,
    /// A release being opened off the loop, until it is shown.
    switching: Switching,
    /// Whether a loop tells this runner what it delivers; until one does, a
    /// release opened is taken over at the next effect.
    shown_by_loop: bool,
    /// `[share]`: the pump that copies each durable line to the cluster.
    mirror: Option<UnboundedSender<String>>,
    /// `[share]`: the cluster's Lease decides who writes. Set, this runner
    /// writes only the release it claimed at start, and only while the Lease
    /// is surely held; it opens no other as writer (a switch, a take-over
    /// or a new release follow or are refused), and journals no late result
    /// into another.
    lease: Option<super::share::ValidUntil>,
    /// The keeper renewing it, stopped with the writing: a cockpit that no
    /// longer writes must not keep others from taking the release.
    keeper: Option<tokio::task::AbortHandle>,
    /// `[share]`: this cockpit's part (writing or following), left at exit.
    share: Option<super::sharing::Sharing>,
}

impl Runner {
    pub fn new(
        mailbox: UnboundedSender<Msg>,
        operator: String,
        writer: Option<Writer>,
        store: ReleaseStore,
        playbooks: PlaybookLibrary,
    ) -> Self {
        Self {
            mailbox,
            operator,
            release: None,
            writer,
            follower: None,
            store,
            playbooks,
            targets: Default::default(),
            chart_columns: Arc::new(AtomicU16::new(super::health::DEFAULT_COLUMNS)),
            incidents: None,
            read_only: false,
            views: Default::default(),
            files: FileWork::default(),
            switching: Switching::default(),
            shown_by_loop: false,
            mirror: None,
            lease: None,
            keeper: None,
            share: None,
        }
    }

    /// Under `--read-only`, every release opened later is opened to follow.
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only = read_only;
    }

    /// Follows a journal another cockpit writes, instead of any followed before.
    pub fn start_following(&mut self, follow: Follow) {
        if let Some(task) = self.follower.take() {
            task.abort();
        }
        self.follower = Some(super::follow::follow(
            follow.path,
            follow.offset,
            follow.last_seq,
            follow.writer.is_some(),
            self.mailbox.clone(),
        ));
    }

    fn send(&self, msg: Msg) {
        // The loop owns the receiver; if it is gone the process is ending.
        let _ = self.mailbox.send(msg);
    }

    /// Writes or follows the release opened off the loop, from now on.
    fn take_over(&mut self, opened: Opened) {
        if let Some(task) = self.follower.take() {
            task.abort();
        }
        self.release = Some(opened.release);
        self.writer = opened.writer;
        // The mirror was the release opened at start's: another is not mirrored.
        self.mirror = None;
        if let Some(follow) = opened.follow {
            self.start_following(follow);
        }
        // A takeover through the cluster: this runner writes it now.
        if let Some(share) = opened.share {
            self.set_share(*share);
        }
    }

    /// Opens another release off the loop (see `release_switch`); one at a
    /// time, and none while a release opened is not shown yet.
    fn open_off_loop(&mut self, id: &str, read_only: bool, viewing: bool) {
        if let Some(opening) = self.switching.busy() {
            self.send(Msg::ReleaseFailed(format!(
                "release {opening} is still being opened: switch again once it shows"
            )));
            return;
        }
        self.switching.open(
            &mut self.files,
            self.store.clone(),
            id.to_owned(),
            read_only,
            viewing,
            self.mailbox.clone(),
        );
    }

    /// Makes `current` the release this runner writes or follows. When it
    /// could not be opened, everything stays as it was.
    fn switch_to(&mut self, current: Current) {
        let Some(checklist) = current.checklist else {
            self.send(Msg::ReleaseFailed(
                current
                    .notice
                    .unwrap_or_else(|| "nothing to open".to_owned()),
            ));
            return;
        };
        if let Some(task) = self.follower.take() {
            task.abort();
        }
        self.release = Some(checklist.release.id.clone());
        self.mirror = None;
        self.writer = current.journal.map(|journal| Writer {
            journal,
            lock: current.lock,
        });
        let following = current.follow.as_ref().map(|f| {
            f.writer
                .clone()
                .unwrap_or_else(|| "another cockpit".to_owned())
        });
        if let Some(follow) = current.follow {
            self.start_following(follow);
        }
        self.send(Msg::ReleaseOpened {
            checklist: Box::new(checklist),
            following,
            viewing: false,
        });
    }

    /// Appends under the calendar's file lock, off the loop: another cockpit
    /// may hold the lock for a moment.
    fn record_calendar(&mut self, event: crate::domain::events::Event) {
        let journal = CalendarJournal::for_store(&self.store);
        let (operator, mailbox) = (self.operator.clone(), self.mailbox.clone());
        self.files.run(move || {
            let msg = match journal.append(&operator, Utc::now(), event.clone()) {
                Ok(recorded) => {
                    tracing::info!(seq = recorded.seq, event = %recorded.event.describe(), "calendar recorded");
                    Msg::CalendarRecorded(recorded)
                }
                Err(error) => {
                    tracing::error!(%error, "calendar journal append failed");
                    Msg::RecordFailed {
                        event: Box::new(event),
                        error: error.to_string(),
                    }
                }
            };
            let _ = mailbox.send(msg);
        });
    }

    /// Journals a late result into the release that asked for it, which is no
    /// longer open here: under its lock, if no other cockpit writes it now.
    fn record_into(&mut self, release: &str, event: crate::domain::events::Event) {
        if self.release.as_deref() == Some(release) {
            self.record(event);
            return;
        }
        if self.lease.is_some() {
            tracing::error!(
                release,
                "late result not journaled: [share] writes only the claimed release"
            );
            self.send(Msg::RecordFailed {
                event: Box::new(event),
                error: format!(
                    "release {release} is shared through the cluster, and this cockpit holds no Lease for it"
                ),
            });
            return;
        }
        let failed = |runner: &Self, error: String| {
            tracing::error!(release, %error, "late result not journaled");
            runner.send(Msg::RecordFailed {
                event: Box::new(event.clone()),
                error,
            });
        };
        let (lock_path, journal_path) = match (
            self.store.lock_path(release),
            self.store.journal_path(release),
        ) {
            (Ok(lock), Ok(journal)) => (lock, journal),
            (Err(error), _) | (_, Err(error)) => return failed(self, error.to_string()),
        };
        let lock = match acquire(&lock_path) {
            Ok(LockOutcome::Acquired { lock, .. }) => lock,
            Ok(LockOutcome::HeldBy(writer)) => {
                return failed(
                    self,
                    format!("release {release} is written by {writer} now"),
                );
            }
            Err(error) => return failed(self, format!("lock of release {release}: {error}")),
        };
        let appended = Journal::open(&journal_path)
            .and_then(|(mut journal, _)| journal.append(&self.operator, Utc::now(), event.clone()));
        drop(lock);
        match appended {
            Ok(recorded) => {
                tracing::info!(release, seq = recorded.seq, event = %recorded.event.describe(), "late result recorded in its release")
            }
            Err(error) => failed(self, error.to_string()),
        }
    }

    /// Appends and syncs; returns whether the event is durable.
    fn record(&mut self, event: crate::domain::events::Event) -> bool {
        if let Some(lease) = &self.lease
            && !lease.holds(Utc::now())
            && self.writer.is_some()
        {
            // Another machine may hold it now: nothing more is written.
            tracing::warn!("the release's Lease is not surely held: writing stops");
            self.stop_writing();
            self.send(Msg::Share(crate::domain::share::LeaseNews::Lost {
                by: None,
                why: "its Lease could not be renewed in time".to_owned(),
            }));
        }
        let Some(writer) = self.writer.as_mut() else {
            self.send(Msg::RecordFailed {
                event: Box::new(event),
                error: "no release journal is open for writing".to_owned(),
            });
            return false;
        };
        match writer
            .journal
            .append(&self.operator, Utc::now(), event.clone())
        {
            Ok(recorded) => {
                tracing::info!(seq = recorded.seq, event = %recorded.event.describe(), step = recorded.event.step(), "recorded");
                // Durable: now it may be mirrored.
                if let (Some(mirror), Ok(line)) =
                    (&self.mirror, crate::session::journal::encode(&recorded))
                {
                    let _ = mirror.send(line);
                }
                self.send(Msg::Recorded(recorded));
                true
            }
            Err(error) => {
                tracing::error!(%error, "journal append failed");
                self.send(Msg::RecordFailed {
                    event: Box::new(event),
                    error: error.to_string(),
                });
                false
            }
        }
    }

    /// What the health polls read to size their range queries.
    pub fn chart_columns(&self) -> Arc<AtomicU16> {
        self.chart_columns.clone()
    }

    /// Where incident reports are written, and a team's own templates.
    pub fn set_incidents(&mut self, files: super::rollback::IncidentFiles) {
        self.incidents = Some(files);
    }

    /// `[share]`: this cockpit's part in the shared release. Writing, each
    /// durable line goes to be mirrored and nothing is written past the
    /// Lease's validity; following or off, nothing is written at all; in
    /// both, no release but this one is opened as writer.
    pub fn set_share(&mut self, share: super::sharing::Sharing) {
        use super::sharing::Sharing;
        match &share {
            Sharing::Writing(writing) => {
                self.lease = Some(writing.valid.clone());
                self.keeper = Some(writing.keeper.abort_handle());
                self.mirror = Some(writing.lines.clone());
            }
            Sharing::Following(_) | Sharing::Off => {
                self.lease = Some(super::share::ValidUntil::never());
            }
        }
        if let Some(Sharing::Following(old)) = self.share.replace(share) {
            // Taken over: its watch and copy end (the copy stopped already).
            tokio::spawn(Sharing::Following(old).leave());
        }
    }

    /// `[share]`: the Lease was lost: nothing more is written or mirrored,
    /// and the release is followed from the mirror, whoever writes it now.
    fn stop_writing(&mut self) {
        use super::sharing::Sharing;
        // Said twice (the keeper and a fenced pump): once is enough.
        let Some(writer) = self.writer.take() else {
            return;
        };
        tracing::warn!("the release's Lease was lost: writing stops");
        let last_seq = writer.journal.last_seq();
        self.mirror = None;
        if let Some(lease) = &self.lease {
            lease.set(chrono::DateTime::<Utc>::UNIX_EPOCH);
        }
        if let Some(keeper) = self.keeper.take() {
            keeper.abort();
        }
        match self.share.take() {
            Some(Sharing::Writing(writing)) => {
                let (following, copy) = writing.into_following(last_seq, &self.mailbox);
                self.share = Some(Sharing::Following(following));
                self.start_following(copy);
            }
            other => self.share = other,
        }
    }

    /// At a clean exit: the share left (a writer's Lease given up once the
    /// cluster has every line).
    pub async fn leave_share(&mut self) {
        self.mirror = None;
        if let Some(share) = self.share.take() {
            share.leave().await;
        }
        // A takeover done but not shown yet gives its Lease up too.
        if let Some(share) = self.switching.take_ready(None).and_then(|o| o.share) {
            share.leave().await;
        }
    }

    /// `[share]`: takes the release over from the writer whose Lease
    /// lapsed, off the loop; shown like a release opened.
    fn share_take_over(&mut self, release: String) {
        use super::sharing::Sharing;
        let Some(Sharing::Following(following)) = &self.share else {
            self.send(Msg::ReleaseFailed(
                "nothing to take over: this cockpit follows no writer on another machine"
                    .to_owned(),
            ));
            return;
        };
        if following.release != release || !self.switching.begin(&release) {
            self.send(Msg::ReleaseFailed(format!(
                "{release} cannot be taken over now: another release is being opened"
            )));
            return;
        }
        let takeover = following.takeover();
        let (store, operator, mailbox, switching) = (
            self.store.clone(),
            self.operator.clone(),
            self.mailbox.clone(),
            self.switching.clone(),
        );
        tracing::warn!(
            release,
            "taking the release over: its writer's Lease lapsed"
        );
        tokio::spawn(async move {
            match takeover.run(store, operator, mailbox.clone()).await {
                Ok(taken) => {
                    tracing::warn!(release, previous = ?taken.previous, "took the release over");
                    switching.finish(Some(Opened {
                        release: release.clone(),
                        writer: Some(Writer {
                            journal: taken.journal,
                            lock: taken.lock,
                        }),
                        follow: None,
                        share: Some(Box::new(Sharing::Writing(taken.writing))),
                    }));
                    let _ = mailbox.send(Msg::ReleaseOpened {
                        checklist: Box::new(taken.checklist),
                        following: None,
                        viewing: false,
                    });
                    let _ = mailbox.send(Msg::Share(super::share::LeaseNews::TookOver {
                        release,
                        previous: taken.previous,
                    }));
                }
                Err(why) => {
                    tracing::warn!(release, %why, "not taken over");
                    switching.finish(None);
                    let _ = mailbox.send(Msg::ReleaseFailed(format!(
                        "{release} not taken over: {why}"
                    )));
                }
            }
        });
    }

    /// The rollout targets deploys and rollbacks go to.
    pub fn set_targets(&mut self, targets: super::targets::TargetSet) {
        self.targets = targets;
    }

    /// Who acts for `release`, as the targets record it.
    fn acting(&self, release: &str) -> super::targets::Acting {
        super::targets::Acting {
            release: release.to_owned(),
            operator: self.operator.clone(),
            mailbox: self.mailbox.clone(),
        }
    }

    /// Journals the request (synced) before touching any cluster; the outcome
    /// comes back as `Msg::Done`, which `update` journals in turn.
    fn deploy(&mut self, request: Request, plan: crate::domain::rollout::DeployPlan) {
        let requested = crate::domain::events::Event::DeployRequested {
            version: plan.version.clone(),
            targets: plan.items.iter().map(|i| i.describe()).collect(),
            dry_run: plan.dry_run,
            step: plan.step.clone(),
        };
        if !self.record(requested) {
            self.send(Msg::Done {
                request,
                result: TaskResult::NotStarted("the deploy could not be journaled".to_owned()),
            });
            return;
        }
        let targets = self.targets.clone();
        let acting = self.acting(&plan.release_id);
        let mailbox = self.mailbox.clone();
        let cause = format!(
            "release-cockpit: {} {} by {}",
            plan.release_id, plan.version, self.operator
        );
        tokio::spawn(async move {
            let (ok, results) = super::deploy::run(&targets, &plan, &cause, &acting).await;
            let _ = mailbox.send(Msg::Done {
                request,
                result: TaskResult::Deploy(crate::domain::rollout::DeployOutcome {
                    ok,
                    results,
                    step: plan.step,
                    dry_run: plan.dry_run,
                }),
            });
        });
    }
}

impl EffectRunner for Runner {
    fn delivered(&mut self, msg: &Msg) {
        self.shown_by_loop = true;
        if let Msg::ReleaseOpened { checklist, .. } = msg
            && let Some(opened) = self.switching.take_ready(Some(&checklist.release.id))
        {
            self.take_over(opened);
        }
    }

    fn run(&mut self, effect: Effect) {
        if !self.shown_by_loop
            && let Some(opened) = self.switching.take_ready(None)
        {
            self.take_over(opened);
        }
        match effect {
            Effect::Quit { .. } | Effect::Suspend | Effect::Bell => {}
            Effect::ChartColumns(columns) => {
                self.chart_columns.store(columns.max(1), Ordering::Relaxed)
            }
            Effect::Record(event) => {
                self.record(event);
            }
            Effect::RunGate {
                request,
                step,
                gate,
                vars,
            } => {
                let mailbox = self.mailbox.clone();
                tracing::info!(step, release = request.release, "gate started");
                tokio::spawn(async move {
                    let outcome = super::gates::run(&gate, &vars).await;
                    tracing::info!(step, passed = outcome.passed, summary = %outcome.summary, "gate finished");
                    let _ = mailbox.send(Msg::Done {
                        request,
                        result: TaskResult::Gate { step, outcome },
                    });
                });
            }
            Effect::RepoStep { request, plan } => {
                let mailbox = self.mailbox.clone();
                let place = super::repo_step::Place {
                    notes_dir: self.targets.runs_dir().join(&request.release).join("notes"),
                };
                tracing::info!(
                    step = plan.step,
                    work = plan.work.kind_name(),
                    tags = plan.tags().join(" "),
                    release = request.release,
                    "repository step started"
                );
                tokio::spawn(async move {
                    let step = plan.step.clone();
                    let outcome =
                        tokio::task::spawn_blocking(move || super::repo_step::run(&plan, &place))
                            .await
                            .unwrap_or_else(|e| {
                                super::repo_step::failed(format!("the step's task ended: {e}"))
                            });
                    tracing::info!(step, passed = outcome.passed, summary = %outcome.summary, "repository step finished");
                    let _ = mailbox.send(Msg::Done {
                        request,
                        result: TaskResult::Gate { step, outcome },
                    });
                });
            }
            Effect::SendMessage {
                request,
                step,
                channel,
                message,
            } => super::messages::send(request, step, *channel, *message, self.mailbox.clone()),
            Effect::ReadRepos {
                repos,
                release,
                read_for,
            } => {
                let mailbox = self.mailbox.clone();
                tokio::task::spawn_blocking(move || {
                    let read = super::versions::read(&repos, release.as_deref());
                    if let Err(why) = &read {
                        tracing::info!(why, "repositories not read");
                    }
                    let _ = mailbox.send(Msg::ReposRead { read_for, read });
                });
            }
            Effect::ReadReleases => {
                let mailbox = self.mailbox.clone();
                let store = self.store.clone();
                tokio::task::spawn_blocking(move || {
                    let (mut facts, unreadable) = crate::session::delivery::release_facts(&store);
                    for problem in unreadable {
                        tracing::info!(problem, "a journal not listed");
                    }
                    facts.sort_by(|a, b| b.t0.cmp(&a.t0).then_with(|| a.id.cmp(&b.id)));
                    let _ = mailbox.send(Msg::ReleasesRead(facts));
                });
            }
            Effect::ReadFigures { settings, until } => {
                let mailbox = self.mailbox.clone();
                let store = self.store.clone();
                tokio::task::spawn_blocking(move || {
                    let (facts, unreadable) = crate::session::delivery::release_facts(&store);
                    for problem in unreadable {
                        tracing::info!(problem, "a journal not counted in the figures");
                    }
                    let figures = crate::domain::delivery::figures(
                        &facts,
                        &settings,
                        until - settings.window,
                        until,
                    );
                    let _ = mailbox.send(Msg::FiguresRead(Box::new(figures)));
                });
            }
            Effect::RememberView(remembered) => {
                if let Some(writer) = &self.writer {
                    let path = writer.journal.path().with_extension("view");
                    self.views.write(path, &remembered);
                }
            }
            Effect::StartRelease(_) if self.lease.is_some() => {
                self.send(Msg::ReleaseFailed(
                    "with [share], start a release with `release-cockpit start`, then open the cockpit on it (its Lease is claimed at start)"
                        .to_owned(),
                ));
            }
            Effect::StartRelease(new) => {
                if let Some(opening) = self.switching.busy() {
                    self.send(Msg::ReleaseFailed(format!(
                        "release {opening} is still being opened: start the new one once it shows"
                    )));
                    return;
                }
                let started = start_release(
                    &self.store,
                    &self.playbooks,
                    &new,
                    &self.operator,
                    Utc::now(),
                );
                match started {
                    Ok(opened) => {
                        tracing::info!(release = %opened.checklist.release.id, "release started");
                        let lock = match self
                            .store
                            .lock_path(&opened.checklist.release.id)
                            .map(|path| acquire(&path))
                        {
                            Ok(Ok(LockOutcome::Acquired { lock, .. })) => Some(lock),
                            _ => None,
                        };
                        self.switch_to(Current {
                            checklist: Some(opened.checklist),
                            journal: Some(opened.journal),
                            lock,
                            ..Current::default()
                        });
                    }
                    Err(error) => self.send(Msg::ReleaseFailed(error.to_string())),
                }
            }
            Effect::RecordCalendar(event) => self.record_calendar(event),
            Effect::Deploy { request, plan } => self.deploy(request, *plan),
            Effect::Rollback { request, plan } => {
                let acting = self.acting(&plan.release_id);
                super::rollback::spawn(&self.targets, request, *plan, &acting)
            }
            Effect::RecordInto { release, event } => self.record_into(&release, event),
            Effect::WriteIncident { request, draft } => {
                let files = self.incidents.clone();
                let journal = self.writer.as_ref().map(|w| w.journal.path().to_path_buf());
                let mailbox = self.mailbox.clone();
                // Off the loop: it replays the journal and syncs a file.
                tokio::task::spawn_blocking(move || {
                    let result = match files {
                        Some(files) => files.write(&draft, journal.as_deref()),
                        None => Err(IncidentError::NoDirectory),
                    };
                    match &result {
                        Ok(written) => {
                            tracing::info!(path = %written.path, "incident report written")
                        }
                        Err(error) => tracing::error!(%error, "incident report not written"),
                    }
                    let _ = mailbox.send(Msg::Done {
                        request,
                        result: TaskResult::Incident(result),
                    });
                });
            }
            // Under [share] the Lease decides: a local lock let go is no
            // writer gone, and another release opens followed.
            Effect::TakeOver { .. } if self.lease.is_some() => {}
            Effect::TakeOver { id } => self.open_off_loop(&id, false, false),
            Effect::ShareTakeOver { release } => self.share_take_over(release),
            Effect::StopWriting => self.stop_writing(),
            Effect::OpenRelease { id, viewing } => {
                let id = id.trim();
                // One being looked at may be opened again to write it.
                let writable_again =
                    !viewing && self.writer.is_none() && !self.read_only && self.lease.is_none();
                if self.release.as_deref() == Some(id) && !writable_again {
                    self.send(Msg::ReleaseFailed(format!("release {id} is open already")));
                    return;
                }
                // The new release is opened (and its lock taken) before the
                // current one is let go: a release that cannot be opened
                // leaves this cockpit writing the one it shows.
                let read_only = self.read_only || viewing || self.lease.is_some();
                self.open_off_loop(id, read_only, viewing);
            }
        }
    }
}
