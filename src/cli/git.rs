//! `release-cockpit notes` and `release-cockpit version`: what git's tags
//! and commits say about a release, for people and scripts.

use chrono::NaiveDate;
use semver::Version;
use serde::Serialize;

use super::args::{NotesArgs, VersionArgs};
use crate::adapters::git::changelog_file;
use crate::adapters::git::scope::read;
use crate::adapters::git::{self, history};
use crate::config::repos::Repos;
use crate::domain::versioning::bump::{self, Suggestion};
use crate::domain::versioning::notes::Style;

/// The notes as Markdown or JSON.
pub fn notes(repos: &Repos, args: &NotesArgs, today: NaiveDate) -> Result<String, String> {
    let scope = repos.scope(args.component.as_deref())?;
    let style = match &args.style {
        Some(name) => Style::parse(name)
            .ok_or_else(|| format!("--style {name}: use one of {}", Style::NAMES))?,
        None => scope.repo.style,
    };
    let json = match args.format.as_str() {
        "markdown" => false,
        "json" => true,
        other => return Err(format!("--format {other}: use markdown or json")),
    };
    let read = read(&scope, args.from.as_deref(), &args.to)?;
    let version = match &args.for_version {
        Some(text) => Version::parse(text.trim_start_matches('v'))
            .map_err(|e| format!("--for {text}: not a semantic version ({e})"))?,
        None => read.suggestion.version.clone(),
    };
    let component = scope.component.map(|c| c.name.as_str());
    let built = read
        .history
        .notes((component, &version.to_string()), today, style);
    let text = if json {
        serde_json::to_string_pretty(&built).map_err(|e| e.to_string())?
    } else {
        built.document(&repos.templates)
    };
    let mut said = Vec::new();
    if args.write {
        let format = scope.tag_format()?;
        let tag = format.tag(&version);
        let version = version.to_string();
        let opened = git::open(&scope.repo.path).map_err(|e| e.to_string())?;
        let workdir = opened
            .workdir()
            .ok_or_else(|| "a bare repository has no CHANGELOG to write".to_owned())?;
        said.push(changelog_file::write_section(
            workdir,
            &scope.repo.changelog,
            &built.section(&repos.templates),
            crate::domain::versioning::changelog::Release {
                component,
                version: &version,
                tag: &tag,
            },
        )?);
    }
    if let Some(out) = &args.out {
        std::fs::write(out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        said.push(format!("notes in {}", out.display()));
    }
    // What was written goes to stderr: stdout stays the notes, for a pipe.
    for line in said {
        eprintln!("{}", crate::cli::output::strip_controls(&line));
    }
    Ok(text)
}

#[derive(Serialize)]
struct VersionReport<'a> {
    component: Option<&'a str>,
    tag_format: &'a str,
    current: Option<String>,
    current_tag: Option<&'a str>,
    previous: Option<String>,
    previous_tag: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested: Option<&'a Suggestion>,
    commits_since: usize,
}

/// The current and previous release; with `--suggest`, the next version.
pub fn version(repos: &Repos, args: &VersionArgs) -> Result<String, String> {
    let scope = repos.scope(args.component.as_deref())?;
    let format = scope.tag_format()?;
    let repo = git::open(&scope.repo.path).map_err(|e| e.to_string())?;
    let releases = history::releases(&repo, &format)
        .and_then(|all| history::reachable(&repo, all, &args.to))
        .map_err(|e| e.to_string())?;
    let (current, previous) =
        crate::domain::versioning::tag_format::current_and_previous(&releases);
    let read = read(&scope, None, &args.to)?;
    let tag_format = scope
        .component
        .map_or(scope.repo.tag_format.as_str(), |c| c.tag_format.as_str());
    let report = VersionReport {
        component: scope.component.map(|c| c.name.as_str()),
        tag_format,
        current: current.map(|(v, _)| v.to_string()),
        current_tag: current.map(|(_, t)| t.as_str()),
        previous: previous.map(|(v, _)| v.to_string()),
        previous_tag: previous.map(|(_, t)| t.as_str()),
        suggested: args.suggest.then_some(&read.suggestion),
        commits_since: read.history.commits.len(),
    };
    if args.json {
        return serde_json::to_string_pretty(&report).map_err(|e| e.to_string());
    }
    let tag = |t: Option<&str>| t.map_or_else(|| "none".to_owned(), str::to_owned);
    let mut out = format!(
        "current release: {}\nprevious release: {}\n",
        tag(report.current_tag),
        tag(report.previous_tag)
    );
    if let Some(suggestion) = report.suggested {
        let line = match &read.history.previous {
            None => format!("suggested: {} ({})\n", suggestion.version, suggestion.why),
            Some((_, tag)) => {
                // Something changed, even if nothing asks for more: a patch.
                let bump = match suggestion.bump {
                    bump::Bump::None => "patch",
                    other => other.name(),
                };
                format!(
                    "suggested: {} ({bump} bump: {} since {tag})\n",
                    suggestion.version, suggestion.why
                )
            }
        };
        out.push_str(&line);
    }
    Ok(out)
}
