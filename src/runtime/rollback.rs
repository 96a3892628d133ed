//! Carries out a journaled rollback: every unit at once with its target's
//! adapter (`kubectl rollout undo` semantics on a Deployment, the rollback
//! commands on a command target), each reporting on its own; and writes the
//! incident report and the notice from their templates.

use std::path::{Path, PathBuf};

use super::targets::{Acting, TargetSet};
use crate::app::Msg;
use crate::app::requests::{Request, TaskResult};
use crate::domain::incident::{
    IncidentDraft, IncidentError, IncidentWritten, next_number, render, timeline,
};
use crate::domain::rollback::RollbackPlan;

pub const INCIDENT_TEMPLATE: &str = include_str!("../../assets/templates/incident.md");
pub const NOTICE_TEMPLATE: &str = include_str!("../../assets/templates/rollback-notice.md");
/// The notice of an incident declared without a rollback (`:incident`).
pub const DECLARED_NOTICE_TEMPLATE: &str =
    include_str!("../../assets/templates/incident-notice.md");

/// Reverts every item at once, each with its target's adapter, each
/// reporting on its own.
pub fn spawn(targets: &TargetSet, request: Request, plan: RollbackPlan, acting: &Acting) {
    for item in plan.items {
        let targets = targets.clone();
        let acting = acting.clone();
        let request = request.clone();
        tokio::spawn(async move {
            let result = targets.rollback(&item, &acting).await;
            match &result {
                Ok(outcome) => tracing::info!(item = %item.key(), %outcome, "rollback item done"),
                Err(error) => tracing::warn!(item = %item.key(), %error, "rollback item failed"),
            }
            let _ = acting.mailbox.send(Msg::Done {
                request,
                result: TaskResult::RollbackItem {
                    item: item.key(),
                    result,
                },
            });
        });
    }
}

/// Where reports go, and where a team's own templates would be.
#[derive(Debug, Clone)]
pub struct IncidentFiles {
    pub dir: PathBuf,
    /// `incident.md`, `rollback-notice.md` and `incident-notice.md` here
    /// replace the built-in ones.
    pub templates: Option<PathBuf>,
}

impl IncidentFiles {
    fn template(&self, name: &str, builtin: &str) -> String {
        self.templates
            .as_ref()
            .and_then(|dir| std::fs::read_to_string(dir.join(name)).ok())
            .unwrap_or_else(|| builtin.to_owned())
    }

    /// Renders both and writes them as `INCIDENT-NNNN.md` (the next free
    /// number) and `INCIDENT-NNNN-notice.md`.
    pub fn write(
        &self,
        draft: &IncidentDraft,
        journal: Option<&Path>,
    ) -> Result<IncidentWritten, IncidentError> {
        let records = journal
            .and_then(|p| std::fs::read(p).ok())
            .map(|bytes| crate::session::journal::replay(&bytes).records)
            .unwrap_or_default();
        let lines = timeline(&records);
        let dir = &self.dir;
        crate::config::paths::create_private_dir_all(dir).map_err(|e| {
            IncidentError::CreateDir {
                dir: dir.clone(),
                cause: e.to_string(),
            }
        })?;
        let cannot_write = |path: &Path, e: std::io::Error| IncidentError::Write {
            path: path.to_path_buf(),
            cause: e.to_string(),
        };
        // create_new: two cockpits never write the same number.
        for _ in 0..100 {
            let names: Vec<String> = std::fs::read_dir(dir)
                .map_err(|e| IncidentError::ReadDir {
                    dir: dir.clone(),
                    cause: e.to_string(),
                })?
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect();
            let id = format!(
                "INCIDENT-{:04}",
                next_number(names.iter().map(String::as_str))
            );
            let path = dir.join(format!("{id}.md"));
            let report = render(
                &self.template("incident.md", INCIDENT_TEMPLATE),
                &id,
                draft,
                &lines,
            );
            let notice_template = if draft.rolled_back {
                self.template("rollback-notice.md", NOTICE_TEMPLATE)
            } else {
                self.template("incident-notice.md", DECLARED_NOTICE_TEMPLATE)
            };
            let notice = render(&notice_template, &id, draft, &lines);
            match crate::config::paths::private_file()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    use std::io::Write;
                    file.write_all(report.as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(|e| cannot_write(&path, e))?;
                    let notice_path = dir.join(format!("{id}-notice.md"));
                    crate::config::paths::write_private(&notice_path, &notice)
                        .map_err(|e| cannot_write(&notice_path, e))?;
                    return Ok(IncidentWritten {
                        path: path.display().to_string(),
                        notice,
                        rolled_back: draft.rolled_back,
                        report_due: draft.report_due,
                        follow_ups: draft.follow_ups.clone(),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(cannot_write(&path, e)),
            }
        }
        Err(IncidentError::NoFreeNumber { dir: dir.clone() })
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::domain::incident::IncidentDraft;
    use crate::domain::rollback::Severity;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// Under the usual umask 022 a plain create gives 0755 and 0644; the umask
    /// 000 case is covered by the CLI and tmux tests, which can set it.
    #[test]
    fn incident_files_and_their_dir_are_private() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("state/incidents");
        let files = IncidentFiles {
            dir: dir.clone(),
            templates: None,
        };
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let draft = IncidentDraft {
            release: "minor".into(),
            release_id: "minor-2.4.0".into(),
            version: "2.4.0".into(),
            severity: Severity::P1,
            severity_name: None,
            reason: "errors > 5%".into(),
            trigger: None,
            operator: "alice".into(),
            rolled_back: true,
            items: Vec::new(),
            verified: true,
            verdict: "ok".into(),
            time_to_restore_secs: None,
            signals: Vec::new(),
            at,
            report_due: at,
            follow_ups: Vec::new(),
        };
        let path = files.write(&draft, None).unwrap().path;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&home.path().join("state")), 0o700);
        assert_eq!(mode(Path::new(&path)), 0o600);
        assert_eq!(mode(&dir.join("INCIDENT-0001-notice.md")), 0o600);
    }

    /// What a team on Render gets from `:incident`: a report with no
    /// rollback in it, its words for the severity, its follow-ups due
    /// relative to the incident, the timeline from the journal on disk.
    #[test]
    fn a_declared_incident_is_reported_in_the_teams_words_without_a_rollback() {
        use crate::domain::events::{Event, Recorded};
        use crate::domain::incident::{FollowUpRule, plan};
        let home = tempfile::tempdir().unwrap();
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let recorded = |seq: u64, minutes: i64, event: Event| Recorded {
            seq,
            at: at + chrono::Duration::minutes(minutes),
            operator: "alice".into(),
            event,
        };
        let journal = home.path().join("minor-2.4.0.jsonl");
        let lines: String = [
            recorded(
                1,
                -30,
                Event::DeployRequested {
                    version: "2.4.0".into(),
                    targets: vec!["render/api".into()],
                    dry_run: false,
                    step: None,
                },
            ),
            recorded(
                2,
                0,
                Event::IncidentDeclared {
                    severity: Severity::P0,
                    severity_name: Some("critical".into()),
                    reason: "checkout 500s for EU cards".into(),
                    trigger: None,
                },
            ),
        ]
        .iter()
        .map(|r| crate::session::journal::encode(r).unwrap())
        .collect();
        std::fs::write(&journal, lines).unwrap();
        let draft = IncidentDraft {
            release: "minor".into(),
            release_id: "minor-2.4.0".into(),
            version: "2.4.0".into(),
            severity: Severity::P0,
            severity_name: Some("critical".into()),
            reason: "checkout 500s for EU cards".into(),
            trigger: None,
            operator: "alice".into(),
            rolled_back: false,
            items: Vec::new(),
            verified: false,
            verdict: String::new(),
            time_to_restore_secs: None,
            signals: Vec::new(),
            at,
            report_due: at + chrono::Duration::hours(1),
            follow_ups: plan(
                &[
                    FollowUpRule {
                        title: "Root cause analysis".into(),
                        due: chrono::Duration::hours(24),
                    },
                    FollowUpRule {
                        title: "Regression test added".into(),
                        due: chrono::Duration::weeks(1),
                    },
                ],
                at,
            ),
        };
        let builtin = IncidentFiles {
            dir: home.path().join("incidents"),
            templates: None,
        };
        let written = builtin.write(&draft, Some(&journal)).unwrap();
        assert!(!written.rolled_back);
        assert_eq!(written.follow_ups, draft.follow_ups);
        let report = std::fs::read_to_string(&written.path).unwrap();
        for line in [
            "# INCIDENT-0001: minor 2.4.0: incident (critical (P0)), no rollback",
            "| Severity | critical (P0) (roll back now) |",
            "| Declared by | alice |",
            "| Report due | 2027-01-15 09:00 UTC |",
            "incident declared, critical (P0) (roll back now), no rollback: checkout 500s for EU cards",
            "- 2027-01-15 07:30:00 alice: deploy 2.4.0 to render/api",
            "- [ ] Root cause analysis: due 2027-01-16 08:00 UTC",
            "- [ ] Regression test added: due 2027-01-22 08:00 UTC",
        ] {
            assert!(report.contains(line), "no `{line}` in:\n{report}");
        }
        for absent in ["What was rolled back", "Rolled back by", "Verdict", "{{"] {
            assert!(!report.contains(absent), "`{absent}` in:\n{report}");
        }
        assert!(
            written.notice.contains("nothing was rolled back"),
            "{}",
            written.notice
        );
        // A team's own template (written before `:incident`) is honoured,
        // and its rollback words say there was none.
        let templates = home.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("incident.md"),
            "{{id}} [{{severity_name}}] {{verdict}}; restored: {{time_to_restore}}; {{items}}; post-mortem {{post_mortem_due}}\n",
        )
        .unwrap();
        let team = IncidentFiles {
            dir: home.path().join("incidents"),
            templates: Some(templates),
        };
        let written = team.write(&draft, Some(&journal)).unwrap();
        assert!(
            written.path.ends_with("INCIDENT-0002.md"),
            "{}",
            written.path
        );
        assert_eq!(
            std::fs::read_to_string(&written.path).unwrap(),
            "INCIDENT-0002 [critical] no rollback: nothing to verify; \
             restored: open: no rollback restored service (fill in); \
             - no rollback: the incident was declared without one; \
             post-mortem 2027-01-16 08:00 UTC\n"
        );
    }
}
