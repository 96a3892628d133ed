//! A step's `{name}` variables: their values in a release, and a gate with
//! them filled in just before it runs. A known name with no value stops the
//! gate before anything runs: a half-filled command is never run.

use std::fmt;

use super::{EnvValue, Step, StepKind};
use crate::domain::release::Release;
use crate::domain::vars::{self, NAMES, VarError, Vars, substitute_known};

/// The values a step of `release` can use: its version and id, the
/// environment and target the step names, and the version of the release
/// before it on the same train when one is known. `component` and `image`
/// belong to targets, so a playbook step has none.
pub fn step_vars(
    release: &Release,
    step: &Step,
    previous_version: Option<&semver::Version>,
) -> Vars {
    let mut vars = Vars::new()
        .set("version", release.version.to_string())
        .set("release", release.id.clone());
    if let Some(environment) = step.kind.deploys_to() {
        vars = vars.set("environment", environment);
    }
    if let StepKind::Deploy {
        target: Some(target),
        ..
    } = &step.kind
    {
        vars = vars.set("target", target.clone());
    }
    if let Some(previous) = previous_version {
        vars = vars.set("previous_version", previous.to_string());
    }
    vars
}

/// Whether a step of this shape can have a value for `name` in some release:
/// `{previous_version}` may (a train's first release has none); an
/// environment or target only when the step names one.
pub fn provides(step: &Step, name: &str) -> bool {
    match name {
        "version" | "release" | "previous_version" => true,
        "environment" => step.kind.deploys_to().is_some(),
        "target" => matches!(
            step.kind,
            StepKind::Deploy {
                target: Some(_),
                ..
            }
        ),
        _ => false,
    }
}

/// Why a gate was not run: one of its texts names a variable that has no
/// value for this step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateVarError {
    /// `run`, `env.TAG`, `url`, ...
    pub field: String,
    pub error: VarError,
}

impl fmt::Display for GateVarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.error.name();
        let why = match name {
            "previous_version" => "no earlier release of this train is known",
            "environment" => "the step names no environment: add `environment = \"...\"`",
            "target" => "the step names no target",
            "component" | "image" => "a playbook step has no component or image",
            _ => "it has no value for this step",
        };
        write!(
            f,
            "not run: `{{{name}}}` in `{}` has no value ({why})",
            self.field
        )
    }
}

impl std::error::Error for GateVarError {}

/// The gate with every variable of its command, working directory, `env`
/// literals, URL and body check replaced. References (`from_env`, `file`)
/// are left alone: they are names and paths, and their values secrets.
pub fn gate_with_vars(gate: &StepKind, vars: &Vars) -> Result<StepKind, GateVarError> {
    let fill = |field: &str, text: &str| fill(field, text, vars);
    Ok(match gate {
        StepKind::Command(command) => {
            let mut command = command.clone();
            command.run = fill("run", &command.run)?;
            command.workdir = command
                .workdir
                .as_deref()
                .map(|dir| fill("workdir", dir))
                .transpose()?;
            for (name, value) in &mut command.env {
                if let EnvValue::Literal(text) = value {
                    *text = fill(&format!("env.{name}"), text)?;
                }
            }
            StepKind::Command(command)
        }
        StepKind::Http(check) => {
            let mut check = check.clone();
            check.url = fill("url", &check.url)?;
            check.body_contains = check
                .body_contains
                .as_deref()
                .map(|body| fill("body_contains", body))
                .transpose()?;
            StepKind::Http(check)
        }
        other => other.clone(),
    })
}

/// A known name without a value is refused; a name that is no variable can
/// only come from a playbook recorded before names were checked, and is left
/// as it was written then.
fn fill(field: &str, text: &str, vars: &Vars) -> Result<String, GateVarError> {
    if let Some(name) = vars::named(text)
        .into_iter()
        .find(|name| NAMES.contains(name) && vars.get(name).is_none())
    {
        let offset = text.find(&format!("{{{name}}}")).unwrap_or(0);
        return Err(GateVarError {
            field: field.to_owned(),
            error: VarError::NoValue {
                name: name.to_owned(),
                offset,
            },
        });
    }
    Ok(substitute_known(text, vars))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::domain::offset::Offset;
    use crate::domain::playbook::{CommandGate, HttpCheck, When};
    use crate::domain::release::ReleaseType;

    fn release() -> Release {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).single();
        Release {
            id: "minor-2.4.0-20261201".into(),
            name: "modules".into(),
            kind: ReleaseType::Minor,
            version: semver::Version::new(2, 4, 0),
            t0: t0.unwrap_or_default(),
            zone: chrono_tz::UTC,
            playbook: "minor".into(),
            targets: Vec::new(),
            components: Default::default(),
        }
    }

    fn step(kind: StepKind) -> Step {
        Step {
            id: "ship".into(),
            title: "Ship".into(),
            instructions: String::new(),
            when: When::At(Offset::from_duration(Duration::zero())),
            owner: "release-manager".into(),
            required: true,
            kind,
        }
    }

    fn command(run: &str, env: &[(&str, EnvValue)]) -> StepKind {
        StepKind::Command(CommandGate {
            run: run.into(),
            workdir: Some("/srv/{environment}".into()),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
            timeout: Duration::minutes(1),
            deploys_to: Some("production".into()),
        })
    }

    #[test]
    fn a_command_gets_the_release_and_its_step_filled_in() {
        let gate = command(
            "deploy --tag v{version} --from {previous_version} --id {release}",
            &[
                ("TAG", EnvValue::Literal("v{version}".into())),
                ("TOKEN", EnvValue::FromEnv("DEPLOY_{version}".into())),
            ],
        );
        let previous = semver::Version::new(2, 3, 1);
        let vars = step_vars(&release(), &step(gate.clone()), Some(&previous));
        let Ok(StepKind::Command(filled)) = gate_with_vars(&gate, &vars) else {
            panic!("filled")
        };
        assert_eq!(
            filled.run,
            "deploy --tag v2.4.0 --from 2.3.1 --id minor-2.4.0-20261201"
        );
        assert_eq!(filled.workdir.as_deref(), Some("/srv/production"));
        assert_eq!(filled.env["TAG"], EnvValue::Literal("v2.4.0".into()));
        assert_eq!(
            filled.env["TOKEN"],
            EnvValue::FromEnv("DEPLOY_{version}".into()),
            "a reference is a name, not a text"
        );
    }

    #[test]
    fn a_variable_without_a_value_stops_the_gate_and_says_why() {
        let gate = command("deploy --from {previous_version}", &[]);
        let vars = step_vars(&release(), &step(gate.clone()), None);
        let error = gate_with_vars(&gate, &vars).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some(
                "not run: `{previous_version}` in `run` has no value (no earlier release of this train is known)"
            )
        );
        let pushed = command("true", &[("IMAGE", EnvValue::Literal("{image}".into()))]);
        let error = gate_with_vars(&pushed, &vars).err();
        assert_eq!(error.map(|e| e.field).as_deref(), Some("env.IMAGE"));
    }

    #[test]
    fn an_http_check_gets_its_url_and_body_filled_and_a_deploy_its_target() {
        let check = StepKind::Http(HttpCheck {
            url: "https://shop.example.com/version?r={release}".into(),
            expect_status: 200,
            body_contains: Some("\"{version}\"".into()),
            max_latency: Duration::seconds(5),
        });
        let vars = step_vars(&release(), &step(check.clone()), None);
        let Ok(StepKind::Http(filled)) = gate_with_vars(&check, &vars) else {
            panic!("filled")
        };
        assert_eq!(
            filled.url,
            "https://shop.example.com/version?r=minor-2.4.0-20261201"
        );
        assert_eq!(filled.body_contains.as_deref(), Some("\"2.4.0\""));
        assert_eq!(
            vars.get("environment"),
            None,
            "an http step deploys nowhere"
        );
        let deploy = step(StepKind::Deploy {
            environment: "staging".into(),
            target: Some("web".into()),
        });
        let vars = step_vars(&release(), &deploy, None);
        assert_eq!(
            (vars.get("environment"), vars.get("target")),
            (Some("staging"), Some("web"))
        );
    }

    #[test]
    fn a_recorded_name_that_is_no_variable_is_left_as_written() {
        let gate = command("awk '{print}' v{version}", &[]);
        let vars = step_vars(&release(), &step(gate.clone()), None);
        let Ok(StepKind::Command(filled)) = gate_with_vars(&gate, &vars) else {
            panic!("filled")
        };
        assert_eq!(filled.run, "awk '{print}' v2.4.0");
    }
}
