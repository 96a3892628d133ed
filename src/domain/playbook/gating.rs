//! What go/no-go gates in a playbook, said plainly for `check-config` and the
//! step details, and the command steps that look like deploys but do not say
//! where they deploy (so nothing gates them).

use super::{Playbook, Step, StepKind};

/// Words in a command that usually mean it changes an environment.
const DEPLOY_WORDS: [&str; 6] = [
    "deploy",
    "up -d",
    "kubectl apply",
    "set image",
    "helm upgrade",
    "rollout restart",
];

impl Playbook {
    /// `deploy-production (production), db-migrate (production)`, or why
    /// nothing is gated.
    pub fn gating_summary(&self) -> String {
        let gated: Vec<String> = self
            .gated_steps()
            .map(|(step, env)| format!("{} ({env})", step.id))
            .collect();
        if !gated.is_empty() {
            return format!("gates {}", gated.join(", "));
        }
        if self.go_no_go.is_empty() {
            "gates nothing (go_no_go = [])".to_owned()
        } else {
            format!(
                "gates nothing: no step deploys to {}",
                self.go_no_go.join(" or ")
            )
        }
    }

    /// Command steps whose command reads like a deploy but that name no
    /// `environment`, so go/no-go cannot know to gate them.
    pub fn unmarked_deploys(&self) -> Vec<&Step> {
        self.steps()
            .map(|(_, s)| s)
            .filter(|s| match &s.kind {
                StepKind::Command(gate) if gate.deploys_to.is_none() => {
                    let run = gate.run.to_lowercase();
                    DEPLOY_WORDS.iter().any(|w| run.contains(w))
                }
                _ => false,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CommandGate, Phase, StepKind, When, default_go_no_go};
    use super::*;
    use crate::domain::offset::Offset;

    fn step(id: &str, kind: StepKind) -> Step {
        Step {
            id: id.to_owned(),
            title: id.to_owned(),
            instructions: String::new(),
            when: When::At(Offset::from_duration(chrono::Duration::zero())),
            owner: "release-manager".to_owned(),
            required: true,
            kind,
        }
    }

    fn command(run: &str, deploys_to: Option<&str>) -> StepKind {
        StepKind::Command(CommandGate {
            run: run.to_owned(),
            workdir: None,
            env: Default::default(),
            timeout: chrono::Duration::minutes(1),
            deploys_to: deploys_to.map(str::to_owned),
        })
    }

    fn playbook(steps: Vec<Step>) -> Playbook {
        Playbook {
            name: "p".to_owned(),
            description: String::new(),
            release_types: Vec::new(),
            grace: chrono::Duration::minutes(15),
            go_no_go: default_go_no_go(),
            phases: vec![Phase {
                name: "Release day".to_owned(),
                steps,
            }],
        }
    }

    #[test]
    fn a_command_that_names_its_environment_is_gated_like_a_deploy_step() {
        let p = playbook(vec![
            step("smoke", command("make smoke", None)),
            step(
                "ship",
                command("npm run deploy:production", Some("production")),
            ),
            step(
                "stage",
                StepKind::Deploy {
                    environment: "staging".to_owned(),
                    target: None,
                },
            ),
        ]);
        assert_eq!(p.gating_summary(), "gates ship (production)");
        assert!(p.unmarked_deploys().is_empty());
    }

    #[test]
    fn a_command_that_reads_like_a_deploy_but_names_no_environment_is_flagged() {
        let p = playbook(vec![step(
            "ship",
            command("docker-compose -f docker-compose.v1.2.0.yml up -d", None),
        )]);
        assert_eq!(
            p.unmarked_deploys()
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["ship"]
        );
        assert_eq!(
            p.gating_summary(),
            "gates nothing: no step deploys to production"
        );
    }
}
