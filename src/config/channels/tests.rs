use std::path::PathBuf;
use std::time::Duration;

use super::super::error::{ConfigError, ConfigErrors};
use super::super::source::{ConfigSource, LoadedConfig, Settings, parse};
use crate::domain::comms::channel::{ChannelKind, Signing};
use crate::domain::playbook::EnvValue;

fn settings(text: &str) -> Result<Settings, Vec<ConfigError>> {
    let file = "/etc/cockpit/cockpit.toml";
    let loaded = LoadedConfig {
        source: ConfigSource::Flag(PathBuf::from(file)),
        file: file.to_owned(),
        text: text.to_owned(),
        config: parse(file, text).map_err(|ConfigErrors(e)| e)?,
    };
    loaded
        .settings(&["dark".to_owned()])
        .map_err(|ConfigErrors(e)| e)
}

fn one_error(text: &str) -> ConfigError {
    let mut errors = settings(text)
        .err()
        .unwrap_or_else(|| panic!("no error for:\n{text}"));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

#[test]
fn every_kind_loads_with_its_references_and_the_defaults() {
    let text = r#"
[[channel]]
name = "releases"
kind = "slack"
url = { from_env = "SLACK_RELEASES" }
default = true

[[channel]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
secret = { file = "secrets/hook" }
headers = { Authorization = { from_env = "HOOK_AUTH" }, X-Team = "web" }
timeout = "3s"
retries = 1

[[channel]]
name = "log"
kind = "file"
path = "messages.md"

[[channel]]
name = "mail"
kind = "command"
run = "sendmail -t"

[[channel]]
name = "paste"
kind = "clipboard"
"#;
    let channels = settings(text).unwrap().channels;
    assert_eq!(channels.default.as_deref(), Some("releases"));
    assert_eq!(
        channels.get("releases").unwrap().kind,
        ChannelKind::Slack {
            url: EnvValue::FromEnv("SLACK_RELEASES".into())
        }
    );
    let hook = channels.get("hook").unwrap();
    let ChannelKind::Webhook {
        url,
        headers,
        signing,
    } = &hook.kind
    else {
        panic!("{hook:?}")
    };
    assert_eq!(url, &EnvValue::Literal("http://127.0.0.1:9/hook".into()));
    assert_eq!(
        signing,
        &Some(Signing {
            secret: EnvValue::File("/etc/cockpit/secrets/hook".into()),
            header: "X-Signature-256".into()
        })
    );
    assert_eq!(headers["X-Team"], EnvValue::Literal("web".into()));
    assert_eq!((hook.timeout, hook.retries), (Duration::from_secs(3), 1));
    assert_eq!(
        channels.get("log").unwrap().kind,
        ChannelKind::File {
            path: "/etc/cockpit/messages.md".into()
        }
    );
    let mail = channels.get("mail").unwrap();
    assert_eq!((mail.timeout, mail.retries), (Duration::from_secs(10), 3));
    assert_eq!(channels.get("paste").unwrap().kind, ChannelKind::Clipboard);
}

#[test]
fn the_only_channel_is_the_default() {
    let channels = settings("[[channel]]\nname = \"log\"\nkind = \"file\"\npath = \"m.md\"\n")
        .unwrap()
        .channels;
    assert_eq!(channels.default.as_deref(), Some("log"));
}

#[test]
fn a_slack_url_written_out_is_an_error_at_its_line_without_the_url() {
    let error = one_error(
        "[[channel]]\nname = \"releases\"\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/T0/B0/s3cr3t\"\n",
    );
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(4));
    assert!(error.problem.contains("is a secret"), "{}", error.problem);
    assert!(error.fix.contains("from_env"), "{}", error.fix);
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

#[test]
fn a_secret_looking_header_written_out_is_refused_naming_the_header() {
    let error = one_error(
        "[[channel]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"http://x/\"\nheaders = { Authorization = \"Bearer abc123\" }\n",
    );
    assert!(
        error
            .problem
            .contains("headers `Authorization` has a literal value"),
        "{}",
        error.problem
    );
    assert!(
        error.problem.contains("shared and committed"),
        "{}",
        error.problem
    );
    assert!(!error.to_string().contains("abc123"), "{error}");
}

#[test]
fn mistakes_are_errors_with_the_field_and_a_fix() {
    for (text, wanted) in [
        (
            "kind = \"slak\"",
            "unknown channel kind `slak` (did you mean `slack`?)",
        ),
        ("kind = \"slack\"", "a slack channel needs `url`"),
        (
            "kind = \"file\"\nrun = \"x\"\npath = \"m\"",
            "`run` is not a field of a file channel",
        ),
        ("kind = \"command\"", "a command channel needs `run`"),
        (
            "kind = \"webhook\"\nurl = \"hooks.example.com/x\"",
            "is not an http:// or https:// URL",
        ),
        ("kind = \"clipboard\"\ntimeout = \"0s\"", "a zero duration"),
        ("kind = \"clipboard\"\nretries = 50", "50 retries"),
        (
            "kind = \"webhook\"\nurl = \"http://x/\"\nsignature_header = \"X-Sig\"",
            "`signature_header` without `secret`",
        ),
    ] {
        let error = one_error(&format!("[[channel]]\nname = \"c\"\n{text}\n"));
        assert!(error.problem.contains(wanted), "{text}: {error}");
    }
}

#[test]
fn names_are_checked_and_unique_and_one_default_at_most() {
    let error = one_error(
        "[[channel]]\nname = \"a\"\nkind = \"clipboard\"\n\n[[channel]]\nname = \"a\"\nkind = \"clipboard\"\n",
    );
    assert!(
        error.problem.contains("a second channel named `a`"),
        "{error}"
    );
    let error = one_error(
        "[[channel]]\nname = \"a\"\nkind = \"clipboard\"\ndefault = true\n\n[[channel]]\nname = \"b\"\nkind = \"clipboard\"\ndefault = true\n",
    );
    assert!(error.problem.contains("both `default`"), "{error}");
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(9));
    let error = one_error("[[channel]]\nname = \"#releases\"\nkind = \"clipboard\"\n");
    assert!(error.problem.contains("not a channel name"), "{error}");
}

#[test]
fn a_signal_routes_its_levels_to_channels_the_config_has() {
    let signal = |notify: &str| {
        format!(
            "[[channel]]\nname = \"slack-ops\"\nkind = \"clipboard\"\n\n[[signal]]\nname = \"api\"\nsource = \"health\"\nurl = \"http://127.0.0.1:9/health\"\ncritical = \"failing for 1m\"\nnotify = {notify}\n"
        )
    };
    let routes = settings(&signal(
        "{ warn = \"slack-ops\", critical = \"slack-ops\" }",
    ))
    .unwrap()
    .alert_routes;
    use crate::domain::comms::routes::Level;
    assert_eq!(routes.channel("api", Level::Critical), Some("slack-ops"));
    assert_eq!(routes.channel("api", Level::Warn), Some("slack-ops"));
    let error = one_error(&signal("{ critical = \"slack-opps\" }"));
    assert!(
        error.problem.contains("no [[channel]] named `slack-opps`"),
        "{error}"
    );
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(10));
    assert!(
        error.to_string().contains("did you mean `slack-ops`?"),
        "{error}"
    );
    let errors = settings(&signal("{ page = \"slack-ops\" }")).unwrap_err();
    assert!(
        errors[0].problem.contains("unknown key `page`"),
        "{errors:?}"
    );
}
