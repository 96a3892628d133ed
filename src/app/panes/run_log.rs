//! A command target's latest deploy or rollback as it runs: its title, its
//! output lines (the newest kept, bounded), whether it ended well, and where
//! its whole log is kept.

use std::collections::VecDeque;
use std::path::PathBuf;

use crate::domain::rollout::RunOutput;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLog {
    /// `deploy 2.4.0`, `rollback to 2.3.1`.
    pub title: String,
    pub lines: VecDeque<String>,
    /// Lines dropped from the front to keep it bounded (the file has them).
    pub dropped: usize,
    pub log: PathBuf,
    /// `None` while it runs.
    pub ok: Option<bool>,
}

impl RunLog {
    /// Enough for a deploy's output on screen; the log file keeps all.
    pub const CAPACITY: usize = 5_000;
}

/// Folds one report in; returns the target it was for, and whether a run
/// started.
pub fn apply(
    runs: &mut std::collections::BTreeMap<String, RunLog>,
    output: RunOutput,
) -> (String, bool) {
    match output {
        RunOutput::Started { target, title, log } => {
            runs.insert(
                target.clone(),
                RunLog {
                    title,
                    lines: VecDeque::new(),
                    dropped: 0,
                    log,
                    ok: None,
                },
            );
            (target, true)
        }
        RunOutput::Line { target, line } => {
            if let Some(run) = runs.get_mut(&target) {
                if run.lines.len() == RunLog::CAPACITY {
                    run.lines.pop_front();
                    run.dropped += 1;
                }
                run.lines.push_back(line);
            }
            (target, false)
        }
        RunOutput::Finished { target, ok } => {
            if let Some(run) = runs.get_mut(&target) {
                run.ok = Some(ok);
            }
            (target, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_keeps_its_newest_lines_and_how_it_ended() {
        let mut runs = Default::default();
        let started = apply(
            &mut runs,
            RunOutput::Started {
                target: "web".into(),
                title: "deploy 2.4.0".into(),
                log: "/tmp/x.log".into(),
            },
        );
        assert_eq!(started, ("web".to_owned(), true));
        for i in 0..RunLog::CAPACITY + 3 {
            apply(
                &mut runs,
                RunOutput::Line {
                    target: "web".into(),
                    line: format!("line {i}"),
                },
            );
        }
        apply(
            &mut runs,
            RunOutput::Finished {
                target: "web".into(),
                ok: false,
            },
        );
        let run = &runs["web"];
        assert_eq!(
            (run.lines.len(), run.dropped, run.ok),
            (RunLog::CAPACITY, 3, Some(false))
        );
        assert_eq!(run.lines.front().map(String::as_str), Some("line 3"));
    }
}
