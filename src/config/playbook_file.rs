//! Playbook TOML files: parsed with spans, turned into domain playbooks, and
//! checked, with errors that name the file, line, step id and a fix.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use chrono::Duration;
use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, ConfigErrors, closest};
use super::playbook_env::{RawEnv, convert_env, secret_literals};
use super::playbook_vars::{StepText, stand_ins, unknown_variables, valueless_variables};
use crate::domain::offset::{Offset, parse_duration};
use crate::domain::playbook::{
    ApprovalRule, BranchLine, CHECK_NAMES, CommandGate, HttpCheck, KIND_NAMES, Phase, Playbook,
    RepoCheck, RepoStep, RepoWork, Step, StepKind, When, default_go_no_go, mask, validate,
};
use crate::domain::release::ReleaseType;
use crate::domain::vars::substitute_known;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaybookFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    release_types: Vec<Spanned<String>>,
    grace: Option<Spanned<String>>,
    /// Environments whose deploys wait for go/no-go.
    go_no_go: Option<Vec<Spanned<String>>>,
    #[serde(rename = "phase", default)]
    phases: Vec<PhaseFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhaseFile {
    name: String,
    #[serde(rename = "step", default)]
    steps: Vec<StepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    instructions: Option<Spanned<String>>,
    at: Option<Spanned<String>>,
    after: Option<Spanned<String>>,
    #[serde(default = "default_owner")]
    owner: String,
    #[serde(default = "default_required")]
    required: bool,
    kind: Option<Spanned<String>>,
    // command
    run: Option<Spanned<String>>,
    workdir: Option<Spanned<String>>,
    env: Option<RawEnv>,
    timeout: Option<Spanned<String>>,
    // http
    url: Option<Spanned<String>>,
    expect_status: Option<u16>,
    body_contains: Option<Spanned<String>>,
    max_latency: Option<Spanned<String>>,
    // approval
    role: Option<String>,
    count: Option<Spanned<u32>>,
    allow_self: Option<bool>,
    // deploy
    environment: Option<String>,
    target: Option<String>,
    // notify
    channel: Option<String>,
    template: Option<Spanned<String>>,
    /// Send again this long after the last, while the release is open.
    every: Option<Spanned<String>>,
    // tag, branch, notes, git
    component: Option<String>,
    branch: Option<Spanned<String>>,
    check: Option<Spanned<String>>,
    pattern: Option<Spanned<String>>,
}

fn default_owner() -> String {
    "release-manager".to_owned()
}

fn default_required() -> bool {
    true
}

const DEFAULT_GRACE_MINUTES: i64 = 15;
const DEFAULT_GATE_TIMEOUT_MINUTES: i64 = 10;
const DEFAULT_HTTP_LATENCY_SECONDS: i64 = 5;

/// Parses and checks one playbook file; every problem found is reported.
pub fn parse_playbook(file: &str, text: &str) -> Result<Playbook, ConfigErrors> {
    parse(file, text, Variables::Checked)
}

/// A playbook as a release recorded it when it started: read as it was then,
/// so that a release started before a check existed still opens. A `{name}`
/// that is no variable is left as written where it is used.
pub fn parse_recorded_playbook(file: &str, text: &str) -> Result<Playbook, ConfigErrors> {
    parse(file, text, Variables::AsRecorded)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variables {
    Checked,
    AsRecorded,
}

fn parse(file: &str, text: &str, variables: Variables) -> Result<Playbook, ConfigErrors> {
    let raw: PlaybookFile = toml::from_str(text)
        .map_err(|e| ConfigErrors(vec![ConfigError::from_toml(file, text, &e)]))?;
    let mut errors = Vec::new();
    let error = |span: Range<usize>, problem: String, fix: &str| {
        ConfigError::new(file, problem, fix).at(text, Some(span))
    };

    let mut release_types = Vec::new();
    for kind in &raw.release_types {
        match kind.get_ref().parse::<ReleaseType>() {
            Ok(kind) => release_types.push(kind),
            Err(problem) => errors.push(error(
                kind.span(),
                problem.to_string(),
                "use patch, minor, major, hotfix or emergency",
            )),
        }
    }
    let grace = match &raw.grace {
        None => Duration::minutes(DEFAULT_GRACE_MINUTES),
        Some(grace) => parse_duration(grace.get_ref()).unwrap_or_else(|e| {
            errors.push(error(
                grace.span(),
                e.0,
                "write a duration such as 15m or 1h",
            ));
            Duration::minutes(DEFAULT_GRACE_MINUTES)
        }),
    };

    let go_no_go = match &raw.go_no_go {
        None => default_go_no_go(),
        Some(list) => {
            for env in list.iter().filter(|e| e.get_ref().trim().is_empty()) {
                errors.push(error(
                    env.span(),
                    "`go_no_go` names an empty environment".to_owned(),
                    "list environments such as go_no_go = [\"production\"], or [] to gate none",
                ));
            }
            list.iter().map(|e| e.get_ref().trim().to_owned()).collect()
        }
    };

    // `file` references in a gate's env and a relative `workdir` are relative
    // to the playbook's directory.
    let base = Path::new(file).parent().unwrap_or(Path::new(""));
    let mut id_spans = BTreeMap::new();
    let mut phases = Vec::new();
    for phase in raw.phases {
        let mut steps = Vec::new();
        for step in phase.steps {
            id_spans
                .entry(step.id.get_ref().clone())
                .or_insert_with(|| step.id.span());
            // A refused secret literal is not echoed back in the error's line.
            let refused = step.env.as_ref().map(secret_literals).unwrap_or_default();
            let texts = match variables {
                Variables::Checked => step_texts(&step),
                Variables::AsRecorded => Vec::new(),
            };
            errors.extend(unknown_variables(file, text, step.id.get_ref(), &texts));
            match convert_step(step, base) {
                Ok(step) => {
                    errors.extend(valueless_variables(file, text, &step, &texts));
                    steps.push(step);
                }
                Err(problems) => errors.extend(problems.into_iter().map(|(span, problem, fix)| {
                    let mut error = error(span, problem, &fix);
                    if let Some(location) = &mut error.location {
                        location.line_text = mask(&location.line_text, &refused);
                    }
                    error
                })),
            }
        }
        phases.push(Phase {
            name: phase.name,
            steps,
        });
    }
    let playbook = Playbook {
        name: raw.name,
        description: raw.description,
        release_types,
        grace,
        go_no_go,
        phases,
    };
    if errors.is_empty() {
        for problem in validate(&playbook) {
            let span = problem
                .step
                .as_ref()
                .and_then(|id| id_spans.get(id))
                .cloned();
            let mut e = ConfigError::new(file, problem.problem, problem.fix).at(text, span);
            e.step = problem.step;
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(playbook)
    } else {
        Err(ConfigErrors(errors))
    }
}

type StepProblem = (Range<usize>, String, String);

/// The texts of a step that variables may appear in: what a person reads and
/// what a gate runs or asks for.
fn step_texts(step: &StepFile) -> Vec<StepText> {
    fn spanned(field: &str, value: &Spanned<String>) -> StepText {
        StepText {
            field: field.to_owned(),
            value: value.get_ref().clone(),
            span: value.span(),
        }
    }
    let mut texts = vec![spanned("title", &step.title)];
    let optional = [
        ("instructions", &step.instructions),
        ("run", &step.run),
        ("workdir", &step.workdir),
        ("url", &step.url),
        ("body_contains", &step.body_contains),
    ];
    texts.extend(
        optional
            .into_iter()
            .filter_map(|(field, value)| value.as_ref().map(|v| spanned(field, v))),
    );
    for (name, value) in step.env.iter().flatten() {
        if let Some(literal) = value.get_ref().as_str() {
            texts.push(StepText {
                field: format!("env.{name}"),
                value: literal.to_owned(),
                span: value.span(),
            });
        }
    }
    texts
}

/// An http gate's URL, which must be http or https with a host: the gate
/// speaks HTTP and nothing else.
fn http_url(url: &Spanned<String>, problem: &mut dyn FnMut(Range<usize>, String, &str)) -> String {
    let text = url.get_ref();
    let fix = "write an http or https URL, such as url = \"https://shop.example.com/health\"";
    // Variables are filled in when the gate runs; the shape is checked here.
    match reqwest::Url::parse(&substitute_known(text, &stand_ins())) {
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => problem(
            url.span(),
            format!(
                "`{text}` is a {} URL: an http gate speaks HTTP only",
                parsed.scheme()
            ),
            fix,
        ),
        Ok(parsed) if parsed.host_str().is_none_or(str::is_empty) => {
            problem(url.span(), format!("`{text}` names no host"), fix)
        }
        Ok(_) => {}
        Err(e) => problem(url.span(), format!("`{text}` is not a URL: {e}"), fix),
    }
    text.clone()
}

fn convert_step(raw: StepFile, base: &Path) -> Result<Step, Vec<StepProblem>> {
    let id_span = raw.id.span();
    let id = raw.id.get_ref().clone();
    let mut problems: Vec<StepProblem> = Vec::new();
    let mut problem = |span: Range<usize>, text: String, fix: &str| {
        problems.push((span, format!("step `{id}`: {text}"), fix.to_owned()))
    };

    let when = match (&raw.at, &raw.after) {
        (Some(at), None) => match at.get_ref().parse::<Offset>() {
            Ok(offset) => Some(When::At(offset)),
            Err(e) => {
                problem(
                    at.span(),
                    e.0,
                    "write the offset as T-7d, T-72h, T-0, T+30m or T+1w",
                );
                None
            }
        },
        (None, Some(after)) => Some(When::After(after.get_ref().clone())),
        (Some(at), Some(_)) => {
            problem(
                at.span(),
                "has both `at` and `after`".to_owned(),
                "keep one: an offset from T-0, or the step it follows",
            );
            None
        }
        (None, None) => {
            problem(
                id_span.clone(),
                "has neither `at` nor `after`".to_owned(),
                "add `at = \"T-24h\"` (an offset from T-0) or `after = \"<step id>\"`",
            );
            None
        }
    };

    if id.trim().is_empty() {
        problem(
            id_span.clone(),
            "has an empty id".to_owned(),
            "give the step a short id such as `tag` or `deploy-production`: `after`, the journal and the keys name steps by it",
        );
    }

    let kind_name = raw.kind.as_ref().map_or("manual", |k| k.get_ref().as_str());
    let kind_span = raw.kind.as_ref().map_or(id_span.clone(), Spanned::span);
    let duration =
        |field: &Option<Spanned<String>>,
         default: Duration,
         problem: &mut dyn FnMut(Range<usize>, String, &str)| match field {
            None => default,
            Some(value) => match parse_duration(value.get_ref()) {
                Ok(d) if d > Duration::zero() => d,
                Ok(_) => {
                    problem(
                        value.span(),
                        format!(
                            "`{}` is no time at all: the gate would fail before it starts",
                            value.get_ref()
                        ),
                        "write a duration longer than zero, such as 30s, 10m or 1h",
                    );
                    default
                }
                Err(e) => {
                    problem(value.span(), e.0, "write a duration such as 30s, 10m or 1h");
                    default
                }
            },
        };
    let kind = match kind_name {
        "manual" => Some(StepKind::Manual),
        "command" => match &raw.run {
            Some(run) => Some(StepKind::Command(CommandGate {
                run: run.get_ref().clone(),
                // Relative to the playbook's directory, as `file` references
                // are, not to wherever the cockpit was started.
                workdir: raw
                    .workdir
                    .as_ref()
                    .map(|w| base.join(w.get_ref()).display().to_string()),
                env: match raw.env.as_ref().map(|env| convert_env(env, base)) {
                    None => BTreeMap::new(),
                    Some(Ok(env)) => env,
                    Some(Err(env_problems)) => {
                        for (span, text, fix) in env_problems {
                            problem(span, text, &fix);
                        }
                        BTreeMap::new()
                    }
                },
                timeout: duration(
                    &raw.timeout,
                    Duration::minutes(DEFAULT_GATE_TIMEOUT_MINUTES),
                    &mut problem,
                ),
                deploys_to: raw.environment.clone(),
            })),
            None => {
                problem(
                    kind_span.clone(),
                    "a `command` step needs `run`".to_owned(),
                    "add `run = \"<shell command>\"`; exit status 0 passes the gate",
                );
                None
            }
        },
        "http" => match &raw.url {
            Some(url) => Some(StepKind::Http(HttpCheck {
                url: http_url(url, &mut problem),
                expect_status: raw.expect_status.unwrap_or(200),
                body_contains: raw.body_contains.as_ref().map(|b| b.get_ref().clone()),
                max_latency: duration(
                    &raw.max_latency,
                    Duration::seconds(DEFAULT_HTTP_LATENCY_SECONDS),
                    &mut problem,
                ),
            })),
            None => {
                problem(
                    kind_span.clone(),
                    "an `http` step needs `url`".to_owned(),
                    "add `url = \"https://.../health\"`",
                );
                None
            }
        },
        "approval" => match &raw.role {
            Some(role) => Some(StepKind::Approval(ApprovalRule {
                role: role.clone(),
                count: match &raw.count {
                    None => 1,
                    Some(count) if *count.get_ref() == 0 => {
                        problem(
                            count.span(),
                            "`count = 0` asks for no approval at all".to_owned(),
                            "write how many people must approve, 1 or more, or make the step `manual`",
                        );
                        1
                    }
                    Some(count) => *count.get_ref(),
                },
                allow_self: raw.allow_self.unwrap_or(false),
            })),
            None => {
                problem(
                    kind_span.clone(),
                    "an `approval` step needs `role`".to_owned(),
                    "add `role = \"tech-lead\"` and optionally `count = 2`",
                );
                None
            }
        },
        "deploy" => Some(StepKind::Deploy {
            environment: raw
                .environment
                .clone()
                .unwrap_or_else(|| "production".to_owned()),
            target: raw.target.clone(),
        }),
        "rollback" => Some(StepKind::Rollback),
        "tag" => Some(repo_step(RepoWork::Tag, &raw)),
        "notes" => Some(repo_step(RepoWork::Notes, &raw)),
        "branch" => match raw
            .branch
            .as_ref()
            .map(|b| (b.get_ref().as_str(), b.span()))
        {
            None | Some(("release", _)) => {
                Some(repo_step(RepoWork::Branch(BranchLine::Release), &raw))
            }
            Some(("hotfix", _)) => Some(repo_step(RepoWork::Branch(BranchLine::Hotfix), &raw)),
            Some((other, span)) => {
                problem(
                    span,
                    format!("unknown branch `{other}`"),
                    "write `branch = \"release\"` (from the main branch) or `branch = \"hotfix\"` (from the latest release tag)",
                );
                None
            }
        },
        "git" => match raw.check.as_ref().map(|c| (c.get_ref().as_str(), c.span())) {
            Some(("branch", span)) => match &raw.pattern {
                Some(pattern) if pattern_variables_unknown(pattern.get_ref()) => {
                    problem(
                        pattern.span(),
                        format!("`{}` has an unknown variable", pattern.get_ref()),
                        "a branch pattern may use {version} and {component}; `*` is any text",
                    );
                    None
                }
                Some(pattern) => Some(repo_step(
                    RepoWork::Check(RepoCheck::OnBranch(pattern.get_ref().clone())),
                    &raw,
                )),
                None => {
                    problem(
                        span,
                        "`check = \"branch\"` needs `pattern`".to_owned(),
                        "add `pattern = \"hotfix/*\"` (`*` is any text; {version} and {component} are filled in)",
                    );
                    None
                }
            },
            Some(("tag-absent", _)) => Some(repo_step(RepoWork::Check(RepoCheck::TagAbsent), &raw)),
            Some(("changelog", _)) => Some(repo_step(
                RepoWork::Check(RepoCheck::ChangelogHasSection),
                &raw,
            )),
            Some((other, span)) => {
                let suggestion = closest(other, &CHECK_NAMES)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                problem(
                    span,
                    format!("unknown check `{other}`{suggestion}"),
                    "use `check = \"branch\"` (with `pattern`), `\"tag-absent\"` or `\"changelog\"`",
                );
                None
            }
            None => {
                problem(
                    kind_span.clone(),
                    "a `git` step needs `check`".to_owned(),
                    "add `check = \"branch\"` (with `pattern`), `\"tag-absent\"` or `\"changelog\"`",
                );
                None
            }
        },
        "notify" => {
            let template = raw
                .template
                .as_ref()
                .map(|t| (t.get_ref().clone(), t.span()));
            match template {
                Some((name, span))
                    if !crate::domain::comms::template::NAMES.contains(&name.as_str()) =>
                {
                    let names = crate::domain::comms::template::NAMES;
                    let suggestion = closest(&name, &names)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    problem(
                        span,
                        format!("no message template `{name}`{suggestion}"),
                        &format!("use one of {}", names.join(", ")),
                    );
                    None
                }
                template => {
                    let every = match &raw.every {
                        None => Ok(None),
                        Some(text) => match parse_duration(text.get_ref()) {
                            Ok(d) if d >= chrono::Duration::minutes(1) => Ok(Some(d)),
                            Ok(_) => Err((text.span(), "`every` is under a minute".to_owned())),
                            Err(e) => Err((text.span(), e.0)),
                        },
                    };
                    match every {
                        Ok(every) => Some(StepKind::Notify {
                            channel: raw.channel.clone(),
                            template: template.map(|(name, _)| name),
                            every,
                        }),
                        Err((span, why)) => {
                            problem(
                                span,
                                why,
                                "write how often it repeats, e.g. `every = \"15m\"`",
                            );
                            None
                        }
                    }
                }
            }
        }
        unknown => {
            let suggestion = closest(unknown, &KIND_NAMES)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            problem(
                kind_span.clone(),
                format!("unknown kind `{unknown}`{suggestion}"),
                "use one of manual, command, http, approval, deploy, rollback, tag, branch, notes, git, notify",
            );
            None
        }
    };

    // Fields that belong to another kind are a sign of a typo in `kind`.
    let foreign: Vec<&str> = [
        ("run", raw.run.is_some(), "command"),
        ("workdir", raw.workdir.is_some(), "command"),
        ("env", raw.env.is_some(), "command"),
        ("timeout", raw.timeout.is_some(), "command"),
        ("url", raw.url.is_some(), "http"),
        ("expect_status", raw.expect_status.is_some(), "http"),
        ("body_contains", raw.body_contains.is_some(), "http"),
        ("max_latency", raw.max_latency.is_some(), "http"),
        ("role", raw.role.is_some(), "approval"),
        ("count", raw.count.is_some(), "approval"),
        ("allow_self", raw.allow_self.is_some(), "approval"),
        ("environment", raw.environment.is_some(), "deploy command"),
        ("target", raw.target.is_some(), "deploy"),
        ("channel", raw.channel.is_some(), "notify"),
        ("template", raw.template.is_some(), "notify"),
        ("every", raw.every.is_some(), "notify"),
        ("component", raw.component.is_some(), "tag branch notes git"),
        ("branch", raw.branch.is_some(), "branch"),
        ("check", raw.check.is_some(), "git"),
        ("pattern", raw.pattern.is_some(), "git"),
    ]
    .into_iter()
    .filter(|(_, set, owners)| *set && !owners.split(' ').any(|o| o == kind_name) && kind.is_some())
    .map(|(field, _, _)| field)
    .collect();
    if !foreign.is_empty() {
        problem(
            kind_span,
            format!(
                "`{}` do not apply to a `{kind_name}` step",
                foreign.join("`, `")
            ),
            "remove them, or set `kind` to the kind they belong to",
        );
    }

    match (when, kind) {
        (Some(when), Some(kind)) if problems.is_empty() => Ok(Step {
            id,
            title: raw.title.into_inner(),
            instructions: raw
                .instructions
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            when,
            owner: raw.owner,
            required: raw.required,
            kind,
        }),
        _ => Err(problems),
    }
}

/// Whether a `check = "branch"` pattern has a `{name}` other than the two
/// it is given.
fn pattern_variables_unknown(pattern: &str) -> bool {
    let rest = pattern.replace("{version}", "").replace("{component}", "");
    rest.contains('{') || rest.contains('}')
}

/// A repository step of `work`, for the component the step names.
fn repo_step(work: RepoWork, raw: &StepFile) -> StepKind {
    StepKind::Repo(RepoStep {
        work,
        component: raw.component.clone(),
    })
}

#[cfg(test)]
mod tests;
