//! A command channel: the message on the command's standard input
//! (`sendmail -t`), what it is about in its environment. Not retried: a
//! command that failed half way may have sent; `r` sends again.

use std::collections::BTreeMap;

use crate::domain::comms::channel::Channel;
use crate::domain::comms::message::{Outgoing, subject};

pub async fn run(
    channel: &Channel,
    run: &str,
    workdir: &std::path::Path,
    vars: &BTreeMap<String, String>,
    message: &Outgoing,
) -> Result<String, String> {
    let mut vars = vars.clone();
    for (name, value) in [
        ("RELEASE_COCKPIT_MESSAGE_KEY", message.key.as_str()),
        ("RELEASE_COCKPIT_RELEASE", message.release.as_str()),
        ("RELEASE_COCKPIT_TEMPLATE", message.template.as_str()),
        ("RELEASE_COCKPIT_SUBJECT", subject(&message.text)),
    ] {
        vars.insert(name.to_owned(), value.to_owned());
    }
    let (printed, ok) =
        crate::adapters::command::run::pipe(run, workdir, &vars, &message.text, channel.timeout)
            .await?;
    let last = printed.lines().rev().find(|l| !l.trim().is_empty());
    match (ok, last) {
        (true, _) => Ok(format!("piped to `{run}`")),
        (false, Some(line)) => Err(format!("`{run}` failed: {line}")),
        (false, None) => Err(format!("`{run}` failed")),
    }
}
