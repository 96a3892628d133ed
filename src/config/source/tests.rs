use std::path::PathBuf;

use super::*;

const THEMES: [&str; 4] = ["dark", "light", "high-contrast", "terminal"];

fn theme_names() -> Vec<String> {
    THEMES.map(str::to_owned).to_vec()
}

fn loaded(text: &str) -> Result<LoadedConfig, ConfigErrors> {
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

fn one_error(text: &str) -> ConfigError {
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
