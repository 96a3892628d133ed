//! Structural checks of a playbook: unique ids, `after` pointing at real steps and
//! never in a cycle, offsets that do not run backwards across phases.

use std::collections::{HashMap, HashSet};

use super::{Playbook, When};

/// A problem with one step (or the whole playbook when `step` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub step: Option<String>,
    pub problem: String,
    pub fix: String,
}

pub fn validate(playbook: &Playbook) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (_, step) in playbook.steps() {
        if !seen.insert(step.id.as_str()) {
            problems.push(Problem {
                step: Some(step.id.clone()),
                problem: format!("step id `{}` is used more than once", step.id),
                fix: "give every step its own id".to_owned(),
            });
        }
    }
    if playbook.phases.iter().all(|p| p.steps.is_empty()) {
        problems.push(Problem {
            step: None,
            problem: "the playbook has no steps".to_owned(),
            fix: "add [[phase]] tables with [[phase.step]] entries".to_owned(),
        });
    }
    problems.extend(check_after(playbook));
    problems.extend(check_phase_order(playbook));
    problems
}

fn check_after(playbook: &Playbook) -> Vec<Problem> {
    let after: HashMap<&str, &str> = playbook
        .steps()
        .filter_map(|(_, s)| match &s.when {
            When::After(other) => Some((s.id.as_str(), other.as_str())),
            When::At(_) => None,
        })
        .collect();
    let mut problems = Vec::new();
    for (step, other) in &after {
        if playbook.step(other).is_none() {
            problems.push(Problem {
                step: Some((*step).to_owned()),
                problem: format!("`after = \"{other}\"` names no step of this playbook"),
                fix: "name the id of a step in this playbook".to_owned(),
            });
            continue;
        }
        // Follow the chain; coming back to the start is a cycle. A cycle that does
        // not pass through this step is reported by its own members.
        let mut current = *step;
        let mut visited = HashSet::new();
        while let Some(next) = after.get(current) {
            if next == step {
                problems.push(Problem {
                    step: Some((*step).to_owned()),
                    problem: format!("`after` steps form a cycle through `{step}`"),
                    fix:
                        "give one step of the cycle an offset (`at = \"T+30m\"`) instead of `after`"
                            .to_owned(),
                });
                break;
            }
            if !visited.insert(*next) {
                break;
            }
            current = next;
        }
    }
    problems.sort_by(|a, b| a.step.cmp(&b.step));
    problems
}

/// A step may not be due before a step of an earlier phase.
fn check_phase_order(playbook: &Playbook) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut latest: Option<(usize, super::Offset)> = None;
    for (index, phase) in playbook.phases.iter().enumerate() {
        let offsets: Vec<_> = phase
            .steps
            .iter()
            .filter_map(|s| match s.when {
                When::At(offset) => Some((s, offset)),
                When::After(_) => None,
            })
            .collect();
        if let Some((earlier_phase, earlier)) = latest {
            for (step, offset) in &offsets {
                if *offset < earlier {
                    problems.push(Problem {
                        step: Some(step.id.clone()),
                        problem: format!(
                            "`{}` is due at {offset}, before {earlier} in the earlier phase `{}`",
                            step.id, playbook.phases[earlier_phase].name
                        ),
                        fix: format!("move the step to an earlier phase, or give it an offset at or after {earlier}"),
                    });
                }
            }
        }
        if let Some(max) = offsets.iter().map(|(_, o)| *o).max()
            && latest.is_none_or(|(_, l)| max > l)
        {
            latest = Some((index, max));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::{Phase, Step, StepKind};
    use super::*;

    fn step(id: &str, when: &str) -> Step {
        Step {
            id: id.to_owned(),
            title: id.to_owned(),
            instructions: String::new(),
            when: match when.strip_prefix("after:") {
                Some(other) => When::After(other.to_owned()),
                None => When::At(when.parse().unwrap()),
            },
            owner: "release-manager".to_owned(),
            required: true,
            kind: StepKind::Manual,
        }
    }

    fn playbook(phases: &[&[(&str, &str)]]) -> Playbook {
        Playbook {
            name: "t".into(),
            description: String::new(),
            release_types: Vec::new(),
            grace: chrono::Duration::minutes(15),
            go_no_go: crate::domain::playbook::default_go_no_go(),
            phases: phases
                .iter()
                .enumerate()
                .map(|(i, steps)| Phase {
                    name: format!("phase {i}"),
                    steps: steps.iter().map(|(id, when)| step(id, when)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_sound_playbook_has_no_problems() {
        let p = playbook(&[
            &[("a", "T-7d"), ("b", "after:a")],
            &[("c", "T-0"), ("d", "T+30m")],
        ]);
        assert_eq!(validate(&p), vec![]);
    }

    #[test]
    fn duplicate_ids() {
        let p = playbook(&[&[("a", "T-7d"), ("a", "T-1d")]]);
        let problems = validate(&p);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].problem.contains("more than once"));
    }

    #[test]
    fn after_an_unknown_step() {
        let p = playbook(&[&[("a", "after:nope")]]);
        assert!(validate(&p)[0].problem.contains("names no step"));
    }

    #[test]
    fn after_cycle() {
        let p = playbook(&[&[("a", "after:b"), ("b", "after:c"), ("c", "after:a")]]);
        let problems = validate(&p);
        assert!(!problems.is_empty());
        assert!(
            problems.iter().all(|p| p.problem.contains("cycle")),
            "{problems:?}"
        );
    }

    #[test]
    fn after_itself() {
        let p = playbook(&[&[("a", "after:a")]]);
        assert!(!validate(&p).is_empty());
    }

    #[test]
    fn offset_out_of_phase_order() {
        let p = playbook(&[&[("a", "T-0")], &[("b", "T-1d")]]);
        let problems = validate(&p);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].step.as_deref(), Some("b"));
        assert!(
            problems[0].problem.contains("before T-0"),
            "{}",
            problems[0].problem
        );
    }

    #[test]
    fn an_empty_playbook_is_a_problem() {
        assert!(!validate(&playbook(&[])).is_empty());
    }
}
