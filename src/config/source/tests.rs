use std::path::{Path, PathBuf};

use super::*;

const THEMES: [&str; 4] = ["dark", "light", "high-contrast", "terminal"];

pub(super) fn theme_names() -> Vec<String> {
    THEMES.map(str::to_owned).to_vec()
}

pub(super) fn loaded(text: &str) -> Result<LoadedConfig, ConfigErrors> {
    let file = "cockpit.toml";
    Ok(LoadedConfig {
        source: ConfigSource::Flag(PathBuf::from(file)),
        file: file.to_owned(),
        text: text.to_owned(),
        config: parse(file, text)?,
    })
}

fn errors(text: &str) -> Vec<ConfigError> {
    match loaded(text) {
        Err(ConfigErrors(errors)) => errors,
        Ok(config) => match config.settings(&theme_names()) {
            Err(ConfigErrors(errors)) => errors,
            Ok(_) => panic!("expected errors for:\n{text}"),
        },
    }
}

pub(super) fn one_error(text: &str) -> ConfigError {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn the_example_config_documents_a_valid_config() {
    let config = loaded(EXAMPLE_CONFIG).expect("example parses");
    let settings = config.settings(&theme_names()).expect("example validates");
    assert_eq!(settings.theme, Some(0));
    assert_eq!(settings.zone, Some(chrono_tz::America::Los_Angeles));
}

#[test]
fn the_demo_config_is_valid() {
    let config = ConfigSource::Demo {
        reason: "test".into(),
    }
    .load()
    .expect("demo parses");
    config.settings(&theme_names()).expect("demo validates");
}

#[test]
fn unknown_key_names_file_line_column_key_and_a_suggestion() {
    let error = one_error("[operator]\nname = \"a\"\n\n[ui]\nthemee = \"dark\"\n");
    let location = error.location.clone().expect("located");
    assert_eq!((location.line, location.column), (5, 1));
    assert_eq!(error.key.as_deref(), Some("ui.themee"));
    assert_eq!(error.suggestion.as_deref(), Some("did you mean `theme`?"));
    let text = error.to_string();
    assert!(
        text.starts_with("error: cockpit.toml, line 5, column 1, key `ui.themee`"),
        "{text}"
    );
    assert!(text.contains("5 | themee = \"dark\""), "{text}");
    assert!(text.contains("fix:"), "{text}");
}

#[test]
fn unknown_top_level_table_is_reported() {
    let error = one_error("[uii]\ntheme = \"dark\"\n");
    assert_eq!(error.key.as_deref(), Some("uii"));
    assert_eq!(error.suggestion.as_deref(), Some("did you mean `ui`?"));
    assert_eq!(error.location.map(|l| l.line), Some(1));
}

#[test]
fn wrong_type_says_what_was_expected() {
    let error = one_error("[ui]\ntheme = 5\n");
    assert_eq!(error.key.as_deref(), Some("ui.theme"));
    assert!(
        error
            .expected
            .as_deref()
            .is_some_and(|e| e.contains("string")),
        "{error}"
    );
}

#[test]
fn syntax_error_points_at_the_line() {
    let error = one_error("[ui]\ntheme = \"dark\n");
    assert_eq!(error.location.map(|l| l.line), Some(2));
}

#[test]
fn bad_timezone_gets_a_suggestion() {
    let error = one_error("[operator]\ntimezone = \"America/Los_Angles\"\n");
    assert_eq!(error.key.as_deref(), Some("operator.timezone"));
    assert_eq!(
        error.suggestion.as_deref(),
        Some("did you mean `America/Los_Angeles`?")
    );
    assert_eq!(error.location.map(|l| (l.line, l.column)), Some((2, 12)));
}

#[test]
fn unknown_theme_lists_the_known_ones() {
    let error = one_error("[ui]\ntheme = \"drak\"\n");
    assert_eq!(
        error.expected.as_deref(),
        Some("one of dark, light, high-contrast, terminal")
    );
    assert_eq!(error.suggestion.as_deref(), Some("did you mean `dark`?"));
}

#[test]
fn unknown_command_in_keys_is_reported_with_a_suggestion() {
    let error = one_error("[keys]\nzom = \"Z\"\n");
    assert_eq!(error.key.as_deref(), Some("keys.zom"));
    assert_eq!(error.suggestion.as_deref(), Some("did you mean `zoom`?"));
    assert_eq!(error.location.map(|l| l.line), Some(2));
}

#[test]
fn key_clash_is_reported_at_the_binding() {
    let error = one_error("[keys]\nzoom = [\"x\", \"q\"]\n");
    assert!(error.problem.contains("`q`"), "{error}");
    assert!(
        error.problem.contains("quit") && error.problem.contains("zoom"),
        "{error}"
    );
    assert_eq!(error.location.map(|l| l.line), Some(2));
}

#[test]
fn remapping_works_end_to_end() {
    let settings = loaded("[keys]\nquit = \"x\"\nzoom = [\"q\", \"Z\"]\n")
        .expect("parses")
        .settings(&theme_names())
        .expect("valid");
    assert_eq!(settings.keymap.describe(crate::app::Command::Zoom), "q, Z");
    assert_eq!(settings.keymap.describe(crate::app::Command::Quit), "x");
}

#[test]
fn several_problems_are_reported_together() {
    let all = errors("[ui]\ntheme = \"nope\"\n[log]\nlevel = \"loud\"\n[keys]\nbogus = \"x\"\n");
    assert_eq!(all.len(), 3, "{all:#?}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let source = ConfigSource::Flag(PathBuf::from("/nonexistent/cockpit.toml"));
    let ConfigErrors(errors) = source.load().expect_err("missing");
    assert!(errors[0].to_string().contains("/nonexistent/cockpit.toml"));
    assert!(errors[0].problem.contains("cannot read"));
}

#[test]
fn source_precedence_is_flag_then_env_then_default_then_demo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_dir: dir.path().to_path_buf(),
        state_dir: dir.path().join("state"),
    };
    let flag = Some(PathBuf::from("/a.toml"));
    let env = Some(OsString::from("/b.toml"));
    assert_eq!(
        ConfigSource::resolve(flag, env.clone(), Some(&paths)),
        ConfigSource::Flag("/a.toml".into())
    );
    assert_eq!(
        ConfigSource::resolve(None, env, Some(&paths)),
        ConfigSource::Env("/b.toml".into())
    );
    assert!(matches!(
        ConfigSource::resolve(None, None, Some(&paths)),
        ConfigSource::Demo { .. }
    ));
    std::fs::write(paths.default_config_file(), "").expect("write");
    assert_eq!(
        ConfigSource::resolve(None, Some(OsString::new()), Some(&paths)),
        ConfigSource::DefaultFile(paths.default_config_file())
    );
}

const TRAIN: &str = "[[train]]\nname = \"modules\"\ntype = \"minor\"\ntimezone = \"America/Los_Angeles\"\nstart = \"2026-01-06 10:00\"\nrrule = \"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU\"\nfreeze = \"T-2d\"\nwindow = \"2h\"\n";

fn train_with(line: &str, replacement: &str) -> String {
    TRAIN
        .lines()
        .map(|l| if l.starts_with(line) { replacement } else { l })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_train_loads_with_its_cadence_and_offsets() {
    let settings = loaded(TRAIN).unwrap().settings(&theme_names()).unwrap();
    let train = &settings.trains[0];
    assert_eq!(train.name, "modules");
    assert_eq!(train.cadence.rule(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    assert_eq!(train.freeze.map(|f| f.to_string()).as_deref(), Some("T-2d"));
    assert_eq!(train.window, Some(chrono::Duration::hours(2)));
}

#[test]
fn a_bad_rrule_points_at_its_line_with_an_example() {
    let error = one_error(&train_with("rrule", "rrule = \"FREQ=FORTNIGHTLY\""));
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
    assert_eq!(error.key.as_deref(), Some("train[0].rrule"));
    assert!(
        error.fix.contains("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        "{error}"
    );
}

#[test]
fn train_fields_are_checked_together() {
    let text = train_with("freeze", "freeze = \"T+2d\"")
        .replace("America/Los_Angeles", "America/Los_Angles")
        .replace("type = \"minor\"", "type = \"minr\"");
    let all = errors(&text);
    let keys: Vec<&str> = all.iter().filter_map(|e| e.key.as_deref()).collect();
    assert_eq!(
        keys,
        ["train[0].type", "train[0].timezone", "train[0].freeze"],
        "{all:#?}"
    );
    assert_eq!(all[0].suggestion.as_deref(), Some("did you mean `minor`?"));
    assert_eq!(
        all[1].suggestion.as_deref(),
        Some("did you mean `America/Los_Angeles`?")
    );
}

#[test]
fn a_start_in_the_dst_gap_is_refused() {
    let error = one_error(&train_with("start", "start = \"2026-03-08 02:30\""));
    assert_eq!(error.key.as_deref(), Some("train[0].start"));
    assert!(error.problem.contains("does not exist"), "{error}");
}

#[test]
fn a_missing_rrule_is_named() {
    let text = train_with("rrule", "");
    let error = one_error(&text);
    assert!(error.to_string().contains("rrule"), "{error}");
}

#[test]
fn blackouts_need_dates_and_known_trains() {
    let text = format!(
        "{TRAIN}[[blackout]]\nname = \"Winter break\"\nfrom = \"2026-12-24\"\nto = \"2027-01-01\"\ntrains = [\"modles\"]\n\n[[blackout]]\nname = \"Offsite\"\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(
        all[0].suggestion.as_deref(),
        Some("did you mean `modules`?")
    );
    assert_eq!(all[0].location.as_ref().map(|l| l.line), Some(13));
    assert!(all[1].problem.contains("needs `date`"), "{}", all[1]);
}

#[test]
fn an_unknown_playbook_is_reported_against_the_library() {
    let text = format!("{TRAIN}playbook = \"minro\"\n");
    let config = loaded(&text).unwrap();
    let ConfigErrors(errors) = config
        .check_train_playbooks(&["minor", "patch"], Some(Path::new("/repo/playbooks")))
        .expect_err("unknown");
    assert_eq!(
        errors[0].suggestion.as_deref(),
        Some("did you mean `minor`?")
    );
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(9));
    assert!(
        errors[0].fix.contains("one in /repo/playbooks"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_train_naming_a_playbook_file_is_told_to_use_its_name() {
    let text = format!("{TRAIN}playbook = \"playbooks/web.toml\"\n");
    let ConfigErrors(errors) = loaded(&text)
        .unwrap()
        .check_train_playbooks(&["minor"], Some(Path::new("/repo/playbooks")))
        .expect_err("a path is no name");
    assert!(
        errors[0]
            .fix
            .contains("write the playbook's `name` (the one inside the file), not its path: every *.toml in /repo/playbooks"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_kubernetes_target_loads_with_its_kubeconfig_beside_the_config() {
    let text = "[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\nkubeconfig = \"kube/config\"\n\
                context = \"prod\"\nnamespace = \"production\"\nselector = \"tier=shop\"\n\
                image = \"registry.example.com/shop/app:{version}\"\n";
    let settings = loaded(text).unwrap().settings(&theme_names()).unwrap();
    let target = &settings.targets.kubernetes[0];
    assert_eq!(
        target.kubeconfig.as_deref(),
        Some(std::path::Path::new("kube/config"))
    );
    assert_eq!(target.selector.as_deref(), Some("tier=shop"));
    assert_eq!(
        target.image_for("ignored:1", "2.4.0"),
        "registry.example.com/shop/app:2.4.0"
    );
}

#[test]
fn every_relative_path_of_the_config_is_beside_its_file() {
    let file = "/repo/release/cockpit.toml";
    let text = "[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\nkubeconfig = \"kube/config\"\n\
                [[target]]\nname = \"ops\"\nkind = \"kubernetes\"\nkubeconfig = \"/etc/kube/ops\"\n\
                [rollback]\nincidents = \"incidents\"\n";
    let loaded = LoadedConfig {
        source: ConfigSource::Flag(PathBuf::from(file)),
        file: file.to_owned(),
        text: text.to_owned(),
        config: parse(file, text).unwrap(),
    };
    let settings = loaded.settings(&theme_names()).unwrap();
    let kubeconfigs: Vec<_> = settings
        .targets
        .kubernetes
        .iter()
        .map(|t| t.kubeconfig.clone())
        .collect();
    assert_eq!(
        kubeconfigs,
        [
            Some(PathBuf::from("/repo/release/kube/config")),
            Some(PathBuf::from("/etc/kube/ops"))
        ]
    );
    assert_eq!(
        settings.rollback.incidents,
        Some(PathBuf::from("/repo/release/incidents"))
    );
}

#[test]
fn target_mistakes_name_the_field_and_the_fix() {
    let base = "[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\n";
    let error = one_error(&base.replace("kubernetes", "kubernets"));
    assert_eq!(error.key.as_deref(), Some("target[0].kind"));
    assert_eq!(
        error.suggestion.as_deref(),
        Some("did you mean `kubernetes`?")
    );
    let error = one_error(&format!("{base}deployment = \"a\"\nselector = \"b=c\"\n"));
    assert_eq!(error.key.as_deref(), Some("target[0].selector"));
    let error = one_error(&format!("{base}image = \"app:latest\"\n"));
    assert_eq!(error.key.as_deref(), Some("target[0].image"));
    assert!(error.fix.contains("{version}"), "{error}");
    let error = one_error(&format!(
        "{base}[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\n"
    ));
    assert!(error.problem.contains("two targets"), "{error}");
}

const COMMAND: &str =
    "[[target]]\nname = \"web\"\nkind = \"command\"\nenvironment = \"production\"\n";

#[test]
fn a_command_target_loads_its_commands_beside_the_config() {
    let text = format!(
        "{COMMAND}deploy = \"npm run deploy -- {{version}}\"\n\
         rollback = [\"render deploys rollback --service srv-1\", \"npm run db:migrate:rollback\"]\n\
         status = \"./status.sh {{target}}\"\nstatus_interval = \"10s\"\nworkdir = \"app\"\n\
         timeout = \"2m\"\nenv = {{ RENDER_API_KEY = {{ from_env = \"RENDER_API_KEY\" }}, MODE = \"{{environment}}\" }}\n"
    );
    let settings = loaded(&text).unwrap().settings(&theme_names()).unwrap();
    let target = &settings.targets.command[0];
    assert_eq!(target.templates.deploy, ["npm run deploy -- {version}"]);
    assert_eq!(target.templates.rollback.len(), 2, "a list runs in order");
    assert_eq!(target.timeout, std::time::Duration::from_secs(120));
    assert_eq!(target.status_interval, std::time::Duration::from_secs(10));
    assert_eq!(target.workdir.as_deref(), Some("app"));
    assert_eq!(target.base, PathBuf::from("."), "beside cockpit.toml");
    assert!(settings.targets.kubernetes.is_empty());
}

#[test]
fn an_unknown_variable_in_a_command_is_an_error_at_its_line() {
    let error = one_error(&format!(
        "{COMMAND}deploy = \"true\"\nrollback = [\"true\", \"render rollback --to {{verison}}\"]\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].rollback"));
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
    assert!(
        error.problem.contains("`{verison}` is not a variable"),
        "{error}"
    );
    assert!(error.fix.contains("{version}"), "{error}");
    // Known, but without a value where it is used.
    let error = one_error(&format!("{COMMAND}deploy = \"push {{image}}\"\n"));
    assert!(error.problem.contains("sets no `image"), "{error}");
    let error = one_error(&format!(
        "{COMMAND}deploy = \"true\"\nstatus = \"check {{previous_version}}\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].status"));
    let error = one_error(&format!(
        "{COMMAND}deploy = \"true\"\nenv = {{ TAG = \"v{{versoin}}\" }}\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].env"));
}

#[test]
fn command_target_mistakes_name_the_field_and_the_fix() {
    let error = one_error("[[target]]\nname = \"web\"\nkind = \"command\"\ndeploy = \"x\"\n");
    assert_eq!(error.key.as_deref(), Some("target[0].environment"));
    let error = one_error(COMMAND);
    assert_eq!(error.key.as_deref(), Some("target[0].deploy"));
    let error = one_error(&format!("{COMMAND}deploy = \"x\"\nnamespace = \"prod\"\n"));
    assert!(
        error.problem.contains("`namespace` is for Kubernetes"),
        "{error}"
    );
    let error = one_error(
        "[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\nnamespace = \"p\"\ndeploy = \"x\"\n",
    );
    assert!(
        error.problem.contains("`deploy` is for command targets"),
        "{error}"
    );
    let error = one_error(&format!(
        "{COMMAND}deploy = \"x\"\nenv = {{ API_TOKEN = \"abc\" }}\n"
    ));
    assert!(error.problem.contains("looks like a secret"), "{error}");
    let error = one_error(
        &COMMAND
            .replace("\"web\"", "\"../web\"")
            .replace("environment", "deploy = \"x\"\nenvironment"),
    );
    assert_eq!(error.key.as_deref(), Some("target[0].name"));
}

#[test]
fn component_in_a_command_target_needs_a_component_that_runs_on_it() {
    let target = "[[target]]\nname = \"bot\"\nkind = \"command\"\nenvironment = \"production\"\ndeploy = \"npm run deploy:{component} -- {version}\"\n";
    let error = one_error(target);
    assert!(
        error
            .to_string()
            .contains("no [[component]] names this target"),
        "{error}"
    );
    let with_component = format!(
        "{target}\n[[repo]]\npath = \".\"\n\n[[component]]\nname = \"bot\"\npath = \"bot\"\ntargets = [\"bot\"]\n"
    );
    let settings = loaded(&with_component)
        .unwrap()
        .settings(&theme_names())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        settings.targets.command[0].templates.component.as_deref(),
        Some("bot")
    );
}
