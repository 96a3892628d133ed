use super::parse_playbook;

/// A one-step playbook whose step has `fields` (TOML lines) after its title;
/// the step's fields start on line 7.
fn playbook(fields: &str) -> String {
    format!("name = \"p\"\n\n[[phase]]\nname = \"Release day\"\n\n[[phase.step]]\n{fields}\n")
}

/// The rendered errors of a playbook that must not parse.
fn errors(fields: &str) -> String {
    match parse_playbook("p.toml", &playbook(fields)) {
        Ok(_) => panic!("accepted:\n{fields}"),
        Err(errors) => errors.to_string(),
    }
}

fn assert_points_at(text: &str, line: usize, key: &str, problem: &str, fix: &str) {
    assert!(
        text.contains(&format!("p.toml, line {line}, ")),
        "line {line}: {text}"
    );
    assert!(text.contains(&format!("key `{key}`")), "key {key}: {text}");
    assert!(text.contains(problem), "problem {problem}: {text}");
    assert!(
        text.contains(&format!("fix:      {fix}")),
        "fix {fix}: {text}"
    );
}

#[test]
fn an_approval_of_nobody_is_an_error() {
    let text = errors(
        "id = \"ok\"\ntitle = \"Sign off\"\nat = \"T-1h\"\nkind = \"approval\"\nrole = \"lead\"\ncount = 0",
    );
    assert_points_at(
        &text,
        12,
        "phase.step.count",
        "`count = 0` asks for no approval at all",
        "write how many people must approve, 1 or more",
    );
}

#[test]
fn a_gate_with_no_time_is_an_error() {
    let text = errors(
        "id = \"tests\"\ntitle = \"Tests\"\nat = \"T-1h\"\nkind = \"command\"\nrun = \"true\"\ntimeout = \"0s\"",
    );
    assert_points_at(
        &text,
        12,
        "phase.step.timeout",
        "`0s` is no time at all",
        "write a duration longer than zero",
    );
    let text = errors(
        "id = \"up\"\ntitle = \"Up\"\nat = \"T-1h\"\nkind = \"http\"\nurl = \"https://a.example/health\"\nmax_latency = \"0m\"",
    );
    assert_points_at(
        &text,
        12,
        "phase.step.max_latency",
        "`0m` is no time at all",
        "write a duration longer than zero",
    );
}

#[test]
fn an_empty_step_id_is_an_error() {
    for id in ["", "  "] {
        let text = errors(&format!(
            "id = \"{id}\"\ntitle = \"Nameless\"\nat = \"T-1h\""
        ));
        assert_points_at(
            &text,
            7,
            "phase.step.id",
            "has an empty id",
            "give the step a short id",
        );
    }
}

#[test]
fn an_http_gate_speaks_http_only() {
    for (url, problem) in [
        (
            "gopher://shop.example/1",
            "is a gopher URL: an http gate speaks HTTP only",
        ),
        ("file:///etc/passwd", "is a file URL"),
        ("shop.example/health", "is not a URL"),
        ("http://", "is not a URL"),
    ] {
        let text = errors(&format!(
            "id = \"up\"\ntitle = \"Up\"\nat = \"T-1h\"\nkind = \"http\"\nurl = \"{url}\""
        ));
        assert_points_at(
            &text,
            11,
            "phase.step.url",
            problem,
            "write an http or https URL",
        );
    }
    let fine = playbook(
        "id = \"up\"\ntitle = \"Up\"\nat = \"T-1h\"\nkind = \"http\"\nurl = \"http://127.0.0.1:8080/health\"",
    );
    assert!(parse_playbook("p.toml", &fine).is_ok());
}

#[test]
fn an_offset_beyond_ten_years_is_an_error_not_a_panic() {
    let text = errors("id = \"far\"\ntitle = \"Far\"\nat = \"T-9999999999w\"");
    assert_points_at(
        &text,
        9,
        "phase.step.at",
        "further from T-0 than 10 years (3653d)",
        "write the offset as",
    );
}

#[test]
fn an_unknown_variable_in_any_gate_field_is_an_error_at_its_line() {
    // The step's fields start on line 7: id, title, at; the field in
    // question is the last of `fields`.
    for (key, fields) in [
        (
            "phase.step.run",
            "kind = \"command\"\nrun = \"deploy --tag v{verison}\"",
        ),
        (
            "phase.step.env.TAG",
            "kind = \"command\"\nrun = \"true\"\nenv = { TAG = \"v{tag}\" }",
        ),
        (
            "phase.step.workdir",
            "kind = \"command\"\nrun = \"true\"\nworkdir = \"/srv/{app}\"",
        ),
        (
            "phase.step.url",
            "kind = \"http\"\nurl = \"https://{env}.example.com/health\"",
        ),
        (
            "phase.step.body_contains",
            "kind = \"http\"\nurl = \"https://{release}.example.com/version\"\nbody_contains = \"{ver}\"",
        ),
    ] {
        let text = errors(&format!(
            "id = \"ship\"\ntitle = \"Ship\"\nat = \"T-0\"\n{fields}"
        ));
        assert_points_at(
            &text,
            9 + fields.lines().count(),
            key,
            "step `ship`: `{",
            "use one of {version}, {previous_version}, {release}, {target}, {environment}, {component}, {image}",
        );
    }
}

#[test]
fn an_unknown_variable_in_multi_line_instructions_points_at_its_own_line() {
    let text = errors(
        "id = \"cut\"\ntitle = \"Cut release/v{version}\"\nat = \"T-1d\"\ninstructions = \"\"\"\nCreate the branch.\nPush `v{verison}` when CI passes.\n\"\"\"",
    );
    assert!(text.contains("p.toml, line 12, column 8"), "{text}");
    assert!(text.contains("did you mean `{version}`?"), "{text}");
    assert!(
        text.contains("step `cut`: `{verison}` in `instructions` is not a variable"),
        "{text}"
    );
}

#[test]
fn known_variables_escaped_braces_and_shell_variables_load() {
    let fields = "id = \"ship\"\ntitle = \"Ship v{version}\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"curl -d '{\\\"ref\\\": \\\"{release}\\\"}' ${HOME} {{literal}}\"";
    assert!(parse_playbook("p.toml", &playbook(fields)).is_ok());
    let url = "id = \"up\"\ntitle = \"Up\"\nat = \"T-0\"\nkind = \"http\"\nurl = \"https://{release}.example.com/v{version}\"";
    assert!(parse_playbook("p.toml", &playbook(url)).is_ok());
}

#[test]
fn a_recorded_playbook_keeps_loading_with_a_name_that_is_no_variable() {
    let fields = "id = \"sum\"\ntitle = \"Sum\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"awk '{print}' f\"";
    assert!(parse_playbook("p.toml", &playbook(fields)).is_err());
    assert!(super::parse_recorded_playbook("p.toml", &playbook(fields)).is_ok());
}

#[test]
fn a_relative_workdir_is_beside_the_playbook_file() {
    let gate = |workdir: &str| {
        let fields = format!(
            "id = \"ship\"\ntitle = \"Ship\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"true\"\nworkdir = \"{workdir}\""
        );
        let playbook = parse_playbook("/repo/release/playbooks/web.toml", &playbook(&fields))
            .unwrap_or_else(|e| panic!("{e}"));
        match playbook.steps().next().map(|(_, s)| s.kind.clone()) {
            Some(crate::domain::playbook::StepKind::Command(gate)) => gate.workdir,
            other => panic!("a command: {other:?}"),
        }
    };
    assert_eq!(
        gate("../../web").as_deref(),
        Some("/repo/release/playbooks/../../web")
    );
    assert_eq!(gate("/srv/{version}").as_deref(), Some("/srv/{version}"));
}

#[test]
fn a_gate_naming_a_variable_its_step_never_has_is_an_error() {
    let text = errors(
        "id = \"ship\"\ntitle = \"Ship to {environment}\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"deploy --env {environment}\"",
    );
    assert_points_at(
        &text,
        11,
        "phase.step.run",
        "step `ship`: `{environment}` in `run` never has a value here: the step names no environment",
        "add `environment = \"production\"`",
    );
    assert!(!text.contains("`title`"), "a title is only read: {text}");
    for (fields, problem) in [
        (
            "kind = \"http\"\nurl = \"https://{environment}.example.com/\"",
            "`{environment}` in `url` never has a value here: only a deploying step",
        ),
        (
            "kind = \"command\"\nrun = \"push {image}\"",
            "`{image}` in `run` never has a value here: it belongs to a target's deploy",
        ),
        (
            "kind = \"command\"\nrun = \"true\"\nenv = { T = \"{target}\" }",
            "`{target}` in `env.T` never has a value here: only a `deploy` step names a target",
        ),
    ] {
        let text = errors(&format!(
            "id = \"ship\"\ntitle = \"Ship\"\nat = \"T-0\"\n{fields}"
        ));
        assert!(text.contains(problem), "{problem}: {text}");
    }
    let deploying = "id = \"ship\"\ntitle = \"Ship\"\nat = \"T-0\"\nkind = \"command\"\nenvironment = \"staging\"\nrun = \"deploy --env {environment} --from {previous_version}\"";
    assert!(parse_playbook("p.toml", &playbook(deploying)).is_ok());
}

#[test]
fn repository_steps_read_their_work_and_component() {
    use crate::domain::playbook::{BranchLine, RepoCheck, RepoStep, RepoWork, StepKind};
    for (fields, work, component) in [
        ("kind = \"tag\"", RepoWork::Tag, None),
        (
            "kind = \"tag\"\ncomponent = \"bot\"",
            RepoWork::Tag,
            Some("bot"),
        ),
        ("kind = \"notes\"", RepoWork::Notes, None),
        (
            "kind = \"branch\"",
            RepoWork::Branch(BranchLine::Release),
            None,
        ),
        (
            "kind = \"branch\"\nbranch = \"hotfix\"",
            RepoWork::Branch(BranchLine::Hotfix),
            None,
        ),
        (
            "kind = \"git\"\ncheck = \"branch\"\npattern = \"hotfix/*\"",
            RepoWork::Check(RepoCheck::OnBranch("hotfix/*".into())),
            None,
        ),
        (
            "kind = \"git\"\ncheck = \"tag-absent\"",
            RepoWork::Check(RepoCheck::TagAbsent),
            None,
        ),
        (
            "kind = \"git\"\ncheck = \"changelog\"\ncomponent = \"api\"",
            RepoWork::Check(RepoCheck::ChangelogHasSection),
            Some("api"),
        ),
    ] {
        let text = playbook(&format!(
            "id = \"s\"\ntitle = \"S\"\nat = \"T-0\"\n{fields}"
        ));
        let parsed = parse_playbook("p.toml", &text).unwrap_or_else(|e| panic!("{fields}: {e}"));
        assert_eq!(
            parsed.phases[0].steps[0].kind,
            StepKind::Repo(RepoStep {
                work,
                component: component.map(str::to_owned)
            }),
            "{fields}"
        );
    }
}

#[test]
fn repository_step_mistakes_are_told_at_their_line() {
    let step = "id = \"s\"\ntitle = \"S\"\nat = \"T-0\"\n";
    let text = errors(&format!("{step}kind = \"git\"\ncheck = \"changlog\""));
    assert_points_at(
        &text,
        11,
        "phase.step.check",
        "unknown check `changlog` (did you mean `changelog`?)",
        "use `check = \"branch\"`",
    );
    let text = errors(&format!("{step}kind = \"git\"\ncheck = \"branch\""));
    assert!(
        text.contains("`check = \"branch\"` needs `pattern`"),
        "{text}"
    );
    let text = errors(&format!(
        "{step}kind = \"git\"\ncheck = \"branch\"\npattern = \"hotfix/{{slug}}\""
    ));
    assert!(text.contains("has an unknown variable"), "{text}");
    let text = errors(&format!("{step}kind = \"branch\"\nbranch = \"feature\""));
    assert!(text.contains("unknown branch `feature`"), "{text}");
    let text = errors(&format!("{step}kind = \"git\""));
    assert!(text.contains("a `git` step needs `check`"), "{text}");
    let text = errors(&format!("{step}kind = \"manual\"\ncomponent = \"bot\""));
    assert!(
        text.contains("`component` do not apply to a `manual` step"),
        "{text}"
    );
}
