//! File work the loop hands off (reading and locking journals, the calendar's
//! appends, pane memory): run on tokio's blocking pool one job at a time, in
//! the order it was asked for, so the loop never waits for a disk and two
//! jobs on the same files never overlap.

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

type Job = Box<dyn FnOnce() + Send>;

/// The queue of jobs; its worker starts with the first job (inside the
/// runtime) and ends when the queue is dropped.
#[derive(Default)]
pub struct FileWork {
    jobs: Option<UnboundedSender<Job>>,
}

impl FileWork {
    /// Queues `job` after every job queued before it.
    pub fn run(&mut self, job: impl FnOnce() + Send + 'static) {
        let jobs = self.jobs.get_or_insert_with(start_worker);
        if jobs.send(Box::new(job)).is_err() {
            // The worker ends only with the runtime: the process is ending.
            tracing::warn!("file work dropped: the runtime is shutting down");
        }
    }
}

fn start_worker() -> UnboundedSender<Job> {
    let (jobs, mut queue) = unbounded_channel::<Job>();
    tokio::spawn(async move {
        while let Some(job) = queue.recv().await {
            if let Err(error) = tokio::task::spawn_blocking(job).await {
                tracing::error!(%error, "file work did not finish");
            }
        }
    });
    jobs
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[tokio::test]
    async fn jobs_run_off_the_caller_one_at_a_time_in_order() {
        let mut work = FileWork::default();
        let done = Arc::new(Mutex::new(Vec::new()));
        let (tx, mut finished) = unbounded_channel();
        for n in 0..20_u64 {
            let done = done.clone();
            let tx = tx.clone();
            work.run(move || {
                // A later job must not start while this one sleeps.
                std::thread::sleep(std::time::Duration::from_millis(n % 3));
                done.lock().unwrap().push(n);
                let _ = tx.send(());
            });
        }
        for _ in 0..20 {
            finished.recv().await.unwrap();
        }
        assert_eq!(*done.lock().unwrap(), (0..20).collect::<Vec<_>>());
    }
}
