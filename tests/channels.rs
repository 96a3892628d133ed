//! Channels against real peers: a local HTTP receiver for webhooks and
//! Slack's format, a file, a command. Driven through `release-cockpit
//! notify`, which journals like a notify step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use hmac::{Hmac, Mac};
use support::webhook::Receiver;

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");
const JOURNAL: &str = "state/release-cockpit/releases/minor-2.4.0-20261208.jsonl";

struct Home {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Home {
    /// A config with these channels, and a minor 2.4.0 release started.
    fn with(channels: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cockpit.toml");
        std::fs::write(
            &config,
            format!("[operator]\nname = \"alice\"\ntimezone = \"UTC\"\n\n{channels}"),
        )
        .unwrap();
        let home = Self { dir, config };
        let (code, _, err) = home.run(
            &[
                "start",
                "--type",
                "minor",
                "--version",
                "2.4.0",
                "--at",
                "2026-12-08 10:00 UTC",
            ],
            &[],
        );
        assert_eq!(code, 0, "{err}");
        home
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
        let mut command = std::process::Command::new(BIN);
        command
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_STATE_HOME", self.path().join("state"))
            .env("RELEASE_COCKPIT_CONFIG", "")
            .envs(env.iter().copied());
        command
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let output = self.command(args, env).output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// The journal's event types, in order, for a failure's message.
    fn kinds(&self) -> String {
        self.journal()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| v["rec"]["event"]["type"].to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn journal(&self) -> String {
        std::fs::read_to_string(self.path().join(JOURNAL)).unwrap()
    }

    /// The journal's events of one type, as JSON.
    fn events(&self, kind: &str) -> Vec<serde_json::Value> {
        self.journal()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| v["rec"]["event"].clone())
            .filter(|e| e["type"] == kind)
            .collect()
    }
}

fn webhook(url: &str, extra: &str) -> String {
    format!(
        "[[channel]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{url}/releases\"\nsecret = {{ from_env = \"HOOK_SECRET\" }}\nheaders = {{ Authorization = {{ from_env = \"HOOK_AUTH\" }} }}\n{extra}"
    )
}

const SECRETS: [(&str, &str); 2] = [
    ("HOOK_SECRET", "hmac-key-0123456789"),
    ("HOOK_AUTH", "Bearer token-abcdef-987"),
];

#[test]
fn a_signed_webhook_gets_the_message_key_and_signature_and_a_500_is_retried() {
    let receiver = Receiver::start(vec![(500, Duration::ZERO)]);
    let home = Home::with(&webhook(&receiver.url, "retries = 2\n"));

    let (code, out, err) = home.run(&["notify", "announce", "--yes"], &SECRETS);

    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("sent to `hook` (HTTP 200, 2 attempts)"),
        "{out}"
    );
    let received = receiver.received();
    assert_eq!(received.len(), 2, "the 500 retried once: {received:?}");
    let (first, second) = (&received[0], &received[1]);
    assert_eq!(second.path, "/releases");
    let key = "minor-2.4.0-20261208/cli:announce/0";
    assert_eq!(first.header("idempotency-key"), Some(key));
    assert_eq!(second.header("idempotency-key"), Some(key));
    assert_eq!(
        second.header("authorization"),
        Some("Bearer token-abcdef-987")
    );
    assert_eq!(second.header("content-type"), Some("application/json"));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"hmac-key-0123456789").unwrap();
    mac.update(second.body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        second.header("x-signature-256"),
        Some(format!("sha256={hex}").as_str())
    );
    let body: serde_json::Value = serde_json::from_str(&second.body).unwrap();
    assert_eq!(body["key"], key);
    assert_eq!(body["template"], "announce");
    assert_eq!(body["release"], "minor-2.4.0-20261208");
    assert_eq!(
        body["subject"],
        "**Scheduled release: Tue 8 Dec 10:00 UTC**"
    );
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("of our service (2.4.0)"),
        "{body}"
    );
    let sending = home.events("message_sending");
    assert_eq!(sending.len(), 1, "{}", home.kinds());
    assert_eq!(sending[0]["channel"], "hook");
    let sent = home.events("message_sent");
    assert_eq!(sent[0]["ok"], true);
    assert_eq!(sent[0]["key"], key);
    // The next one is another message: another key.
    let (code, _, err) = home.run(&["notify", "announce", "--yes"], &SECRETS);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        receiver.received()[2].header("idempotency-key"),
        Some("minor-2.4.0-20261208/cli:announce/1")
    );
}

#[test]
fn a_receiver_that_does_not_answer_in_time_is_reported_and_journaled_as_not_sent() {
    let receiver = Receiver::start(vec![(200, Duration::from_secs(5))]);
    let home = Home::with(&webhook(&receiver.url, "timeout = \"1s\"\nretries = 0\n"));

    let (code, out, err) = home.run(&["notify", "complete", "--yes"], &SECRETS);

    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("not sent to `hook`: no answer in 1s (it may have gone out), 1 attempt"),
        "{err}"
    );
    let sent = home.events("message_sent");
    assert_eq!(sent.len(), 1, "{}", home.kinds());
    assert_eq!(sent[0]["ok"], false);
    assert!(
        sent[0]["summary"]
            .as_str()
            .unwrap()
            .contains("no answer in 1s")
    );
}

#[test]
fn a_4xx_is_not_retried_and_a_missing_secret_names_its_variable() {
    let receiver = Receiver::start(vec![(404, Duration::ZERO)]);
    let home = Home::with(&webhook(&receiver.url, ""));
    let (code, _, err) = home.run(&["notify", "complete", "--yes"], &SECRETS);
    assert_eq!(code, 1);
    assert!(
        err.contains("HTTP 404: Cannot POST ***, 1 attempt"),
        "{err}"
    );
    assert_eq!(receiver.received().len(), 1);

    let (code, _, err) = home.run(&["notify", "complete", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("`HOOK_AUTH` is not set"), "{err}");
    assert_eq!(
        receiver.received().len(),
        1,
        "nothing sent without its secret"
    );
}

#[test]
fn a_crash_between_the_send_and_its_outcome_sends_again_under_the_same_key() {
    // The first request is held until the sender is killed.
    let receiver = Receiver::start(vec![(200, Duration::from_secs(30))]);
    let home = Home::with(&webhook(&receiver.url, "timeout = \"60s\"\n"));
    let mut child = home
        .command(&["notify", "announce", "--yes"], &SECRETS)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    receiver.wait_for(1, Duration::from_secs(20));
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(home.events("message_sending").len(), 1, "{}", home.kinds());
    assert!(home.events("message_sent").is_empty(), "{}", home.kinds());

    let (code, out, err) = home.run(&["notify", "announce", "--yes"], &SECRETS);

    assert_eq!(code, 0, "{out}{err}");
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    // A receiver keeping one message per key posts it once.
    assert_eq!(
        received[0].header("idempotency-key"),
        received[1].header("idempotency-key")
    );
    let keys: Vec<_> = home
        .events("message_sending")
        .iter()
        .map(|e| e["key"].clone())
        .collect();
    assert_eq!(keys[0], keys[1], "{}", home.kinds());
}

#[test]
fn a_slack_webhook_url_from_the_environment_never_reaches_the_journal_or_history() {
    let receiver = Receiver::start(vec![(404, Duration::ZERO)]);
    let secret_url = format!("{}/services/T000/B000/XyZsEcReT42", receiver.url);
    let home = Home::with(
        "[[channel]]\nname = \"releases\"\nkind = \"slack\"\nurl = { from_env = \"SLACK_RELEASES\" }\nretries = 0\n",
    );

    let (code, out, err) = home.run(
        &["notify", "complete", "--yes"],
        &[("SLACK_RELEASES", &secret_url)],
    );

    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("HTTP 404: Cannot POST ***"),
        "the echoed path masked: {err}"
    );
    let received = receiver.received();
    assert_eq!(received[0].path, "/services/T000/B000/XyZsEcReT42");
    let body: serde_json::Value = serde_json::from_str(&received[0].body).unwrap();
    assert!(body["text"].as_str().unwrap().contains("2.4.0"), "{body}");
    // Down, the error names no URL either.
    let (code, _, err) = home.run(
        &["notify", "complete", "--yes"],
        &[(
            "SLACK_RELEASES",
            "http://127.0.0.1:9/services/T000/B000/XyZsEcReT42",
        )],
    );
    assert_eq!(code, 1);
    assert!(err.contains("cannot post"), "{err}");
    for text in [out, err, home.journal()] {
        assert!(!text.contains("XyZsEcReT42"), "{text}");
    }
    let (_, history, _) = home.run(&["history", "--json"], &[]);
    assert!(history.contains("message_sent"), "{history}");
    assert!(!history.contains("XyZsEcReT42"), "{history}");
}

#[test]
fn a_file_channel_keeps_one_copy_per_key_and_a_command_gets_the_text_on_stdin() {
    let home = Home::with(
        "[[channel]]\nname = \"log\"\nkind = \"file\"\npath = \"messages.md\"\ndefault = true\n\n\
         [[channel]]\nname = \"mail\"\nkind = \"command\"\nrun = \"cat > mailed.txt; echo \\\"$RELEASE_COCKPIT_SUBJECT\\\" > subject.txt\"\n",
    );
    let (code, out, err) = home.run(&["notify", "notice", "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sent to `log` (appended to"), "{out}");
    let file = std::fs::read_to_string(home.path().join("messages.md")).unwrap();
    assert!(
        file.starts_with("<!-- release-cockpit message minor-2.4.0-20261208/cli:notice/0 -->\n"),
        "{file}"
    );

    let (code, out, err) = home
        .command(&["notify", "complete", "--channel", "mail", "--yes"], &[])
        .current_dir(home.path())
        .output()
        .map(|o| {
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    let mailed = std::fs::read_to_string(home.path().join("mailed.txt")).unwrap();
    assert!(mailed.contains("2.4.0"), "{mailed}");
    let subject = std::fs::read_to_string(home.path().join("subject.txt")).unwrap();
    assert!(
        !subject.trim().is_empty() && !subject.starts_with('#'),
        "{subject}"
    );
}

#[test]
fn sending_asks_first_and_read_only_refuses() {
    let home = Home::with("[[channel]]\nname = \"log\"\nkind = \"file\"\npath = \"messages.md\"\n");
    let (code, _, err) = home.run(&["notify", "notice"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("add --yes"), "{err}");
    let (code, _, err) = home.run(&["--read-only", "notify", "notice", "--yes"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("read-only"), "{err}");
    assert!(!home.path().join("messages.md").exists());
    assert!(home.events("message_sending").is_empty());
}

#[test]
fn slack_is_not_sent_again_after_no_answer_for_it_may_have_taken_the_message() {
    let receiver = Receiver::start(vec![(200, Duration::from_secs(5)), (503, Duration::ZERO)]);
    let home = Home::with(
        "[[channel]]\nname = \"releases\"\nkind = \"slack\"\nurl = { from_env = \"SLACK_RELEASES\" }\ntimeout = \"1s\"\nretries = 3\n",
    );
    let url = format!("{}/services/T000/B000/XyZsEcReT42", receiver.url);
    let (code, _, err) = home.run(
        &["notify", "complete", "--yes"],
        &[("SLACK_RELEASES", &url)],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("no answer in 1s (it may have gone out), 1 attempt"),
        "{err}"
    );
    assert_eq!(receiver.received().len(), 1, "not retried");
    // A 503 it surely did not take: retried.
    let (code, out, err) = home.run(
        &["notify", "complete", "--yes"],
        &[("SLACK_RELEASES", &url)],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 attempts"), "{out}");
}

#[test]
fn check_config_names_a_notify_steps_unknown_channel_at_its_line() {
    let home = Home::with("[[channel]]\nname = \"releases\"\nkind = \"clipboard\"\n");
    let playbooks = home.path().join("playbooks");
    std::fs::create_dir_all(&playbooks).unwrap();
    std::fs::write(
        playbooks.join("tell.toml"),
        "name = \"tell\"\n\n[[phase]]\nname = \"one\"\n\n[[phase.step]]\nid = \"tell\"\ntitle = \"Tell\"\nat = \"T-0\"\nkind = \"notify\"\ntemplate = \"notice\"\nchannel = \"relases\"\n",
    )
    .unwrap();
    let (code, out, err) = home.run(&["check-config"], &[]);
    assert_eq!(code, 2, "{out}{err}");
    let said = format!("{out}{err}");
    assert!(said.contains("step `tell` sends to channel `relases`, which the config does not have (did you mean `releases`?)"), "{said}");
    assert!(said.contains("line 12"), "{said}");
}
