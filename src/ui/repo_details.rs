//! A repository step's part of its details: what it does to which
//! repository, item by item, and the preview of the release's notes as the
//! repositories say them now (read when the details opened).

use ratatui::text::{Line, Span};

use super::theme::{Role, Theme};
use crate::app::Model;
use crate::domain::playbook::{RepoStep, RepoWork};
use crate::domain::versioning::plan::{BranchFrom, ItemWork};

/// `does` lines: one per item of the step's plan, or why there is none.
pub fn does(step: &str, kind: &RepoStep, model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let label = |text: &str| Span::styled(format!("{text:<11}"), theme.style(Role::Muted));
    let Some(view) = &model.release else {
        return Vec::new();
    };
    if model.repos.repos.is_empty() {
        return vec![Line::from(vec![
            label("does"),
            Span::styled(
                format!(
                    "by hand: no [[repo]] in the config to {}",
                    kind.work.doing()
                ),
                theme.style(Role::Warn),
            ),
        ])];
    }
    let plan = match model.repos.plan(step, kind, &view.checklist.release) {
        Ok(plan) => plan,
        Err(why) => {
            return vec![Line::from(vec![
                label("does"),
                Span::styled(why, theme.style(Role::Critical)),
            ])];
        }
    };
    plan.items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let what = match &item.work {
                ItemWork::Tag => format!("tags {} on {}", item.tag, item.at),
                ItemWork::Branch { name, from } => format!(
                    "cuts {name} from {}",
                    match from {
                        BranchFrom::Revision(rev) => rev.as_str(),
                        BranchFrom::LatestRelease => "the latest release tag",
                    }
                ),
                ItemWork::Notes => format!(
                    "writes a {} section on top of {} and a notes file",
                    item.version, item.changelog
                ),
                ItemWork::OnBranch { pattern } => format!("checks the branch is {pattern}"),
                ItemWork::TagAbsent => format!("checks {} is not made yet", item.tag),
                ItemWork::ChangelogHasSection => format!(
                    "checks {} has a section for {}",
                    item.changelog, item.version
                ),
            };
            Line::from(vec![
                label(if index == 0 { "does" } else { "" }),
                Span::styled(
                    format!("{}: {what} ({})", item.label, item.repo.display()),
                    theme.style(Role::Accent),
                ),
            ])
        })
        .collect()
}

/// The notes preview of a `tag` or `notes` step (or a CHANGELOG check):
/// each component's as Markdown, with what its commits ask for.
pub fn notes(kind: &RepoStep, model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let shows_notes = matches!(
        kind.work,
        RepoWork::Tag
            | RepoWork::Notes
            | RepoWork::Check(crate::domain::playbook::RepoCheck::ChangelogHasSection)
    );
    let Some(view) = &model.release else {
        return Vec::new();
    };
    if !shows_notes || model.repos.repos.is_empty() {
        return Vec::new();
    }
    let muted = theme.style(Role::Muted);
    let mut lines = vec![Line::default()];
    let readings = match &view.repo_reading {
        None => {
            lines.push(Line::styled("  reading the repository…", muted));
            return lines;
        }
        Some(Err(why)) => {
            lines.push(Line::styled(
                format!("  the repository could not be read: {why}"),
                theme.style(Role::Critical),
            ));
            return lines;
        }
        Some(Ok(readings)) => readings,
    };
    for reading in readings
        .iter()
        .filter(|r| kind.component.is_none() || r.component == kind.component)
    {
        let since = reading
            .previous_tag
            .as_deref()
            .map_or("the first commit".to_owned(), |t| t.to_owned());
        lines.push(Line::styled(
            format!(
                "Release notes: {} ({} commit(s) since {since}; they ask for {}: {})",
                reading.label, reading.commits, reading.suggested, reading.why
            ),
            theme
                .style(Role::Accent)
                .add_modifier(ratatui::style::Modifier::BOLD),
        ));
        if let Some(flag) = &reading.beyond_type {
            lines.push(Line::styled(format!("  ⚑ {flag}"), theme.style(Role::Warn)));
        }
        for line in reading.notes.lines() {
            lines.push(Line::styled(format!("  {line}"), theme.style(Role::Text)));
        }
        lines.push(Line::default());
    }
    lines
}
