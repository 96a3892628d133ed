//! `release-cockpit notify TEMPLATE [--channel NAME] [--dry-run] [--yes]`:
//! the message as the open release fills it in now, printed, or sent as
//! the cockpit sends: confirmed (`--yes` for scripts, else asked on a
//! terminal, default no), refused read-only, journaled before
//! (`MessageSending`, synced) and after (`MessageSent`), one key per
//! message so that running it again after a crash sends under the same key.

use std::io::{BufRead, IsTerminal};

use super::commands::prepared_or_said;
use super::*;
use crate::cli::output::{print_text, strip_controls};
use crate::domain::checklist::Checklist;
use crate::domain::comms::channel::{Channel, ChannelKind};
use crate::domain::comms::message::{Outgoing, key};
use crate::domain::comms::template::{NAMES, render};
use crate::domain::comms::values::{Context, values};
use crate::domain::events::Event;

/// Sending failed (the channel said no, or it was not reached).
const EXIT_NOT_SENT: i32 = 1;

pub(super) fn command(
    cli: &Cli,
    args: &crate::cli::args::NotifyArgs,
    paths: Option<&Paths>,
) -> i32 {
    let source = resolve_source(cli, paths);
    let demo = uses_demo_store(&source, paths, false);
    let mut prepared = match prepared_or_said(source, paths) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    if matches!(prepared.loaded.source, ConfigSource::Demo { .. }) {
        prepared.settings.channels = crate::demo::channels(&targets_state_dir(paths, true));
    }
    let Some(template) = prepared.settings.messages.get(&args.template) else {
        eprintln!(
            "error: no message template `{}`; fix: use one of {}",
            strip_controls(&args.template),
            NAMES.join(", ")
        );
        return EXIT_USAGE;
    };
    let channel = if args.dry_run {
        None
    } else {
        match prepared.settings.channels.resolve(args.channel.as_deref()) {
            Ok(channel) => Some(channel.clone()),
            Err(why) => {
                eprintln!(
                    "error: nowhere to send: {}; fix: add a [[channel]] to the config, name one with --channel, or add --dry-run to print the message",
                    strip_controls(&why.to_string())
                );
                return EXIT_USAGE;
            }
        }
    };
    if channel.is_some() && cli.read_only {
        eprintln!(
            "error: --read-only: sending is refused; fix: add --dry-run to print the message"
        );
        return EXIT_USAGE;
    }
    let zone = prepared.settings.zone.unwrap_or_else(system_zone);
    let store = release_store(paths, demo);
    // Sending writes the journal, so it takes the release's lock.
    let current = open_current(&store, &prepared.playbooks, false, channel.is_none(), zone);
    let Some(checklist) = current.checklist.as_ref() else {
        eprintln!(
            "error: no release in progress to fill the message from; fix: start one with `release-cockpit start`"
        );
        return EXIT_USAGE;
    };
    let text = filled(&prepared.settings, &store, checklist, template, zone);
    let Some(channel) = channel else {
        print_text(&text);
        return 0;
    };
    let Some(mut journal) = current.journal else {
        let holder = current
            .follow
            .and_then(|f| f.writer)
            .unwrap_or_else(|| "another process".to_owned());
        eprintln!(
            "error: {} is open in the cockpit of {}, its only writer; fix: send from that cockpit, or stop it first",
            checklist.release.id,
            strip_controls(&holder)
        );
        return EXIT_USAGE;
    };
    let about = format!("cli:{}", args.template);
    let message = Outgoing {
        key: key(
            &checklist.release.id,
            &about,
            checklist.messages.sent(&about),
        ),
        release: checklist.release.id.clone(),
        template: args.template.clone(),
        about: about.clone(),
        text,
    };
    if !args.yes && !asked(&channel, &message) {
        eprintln!("not sent");
        return EXIT_USAGE;
    }
    let operator = operator_name(&prepared.settings);
    let sending = Event::MessageSending {
        key: message.key.clone(),
        channel: channel.name.clone(),
        template: message.template.clone(),
        about,
    };
    if let Err(error) = journal.append(&operator, Utc::now(), sending) {
        eprintln!("error: not sent: the journal: {error}");
        return EXIT_NOT_SENT;
    }
    let delivery = deliver(&channel, &message);
    let sent = Event::MessageSent {
        key: message.key.clone(),
        channel: channel.name.clone(),
        ok: delivery.ok,
        summary: delivery.summary.clone(),
    };
    let recorded = journal.append(&operator, Utc::now(), sent);
    if delivery.ok {
        println!("{}", strip_controls(&delivery.summary));
    } else {
        eprintln!("error: {}", strip_controls(&delivery.summary));
    }
    match recorded {
        Err(error) => {
            eprintln!("error: the outcome was not journaled: {error}");
            EXIT_NOT_SENT
        }
        Ok(_) if delivery.ok => 0,
        Ok(_) => EXIT_NOT_SENT,
    }
}

/// The template filled in from the release, with the notes' features and
/// fixes when the repositories can be read.
fn filled(
    settings: &Settings,
    store: &ReleaseStore,
    checklist: &Checklist,
    template: &str,
    zone: Tz,
) -> String {
    let calendar = crate::session::calendar_setup::load_calendar(settings, store);
    let window = calendar
        .calendar
        .train(&checklist.release.name)
        .and_then(|t| t.window);
    let readings = if settings.repos.repos.is_empty() {
        None
    } else {
        match crate::runtime::versions::read(&settings.repos, Some(&checklist.release)) {
            Ok(readings) => Some(readings),
            Err(why) => {
                eprintln!("warning: no features or fixes: {}", strip_controls(&why));
                None
            }
        }
    };
    let context = Context {
        zone: Some(zone),
        window,
        readings: readings.as_deref(),
    };
    render(template, &values(checklist, Utc::now(), &context))
}

/// On a terminal: the message, where it goes, and `y` to send (anything
/// else, or no terminal, is no).
fn asked(channel: &Channel, message: &Outgoing) -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!("error: sending asks first; fix: add --yes to send from a script");
        return false;
    }
    eprintln!("{}", strip_controls(&message.text));
    eprint!(
        "send `{}` to {} ({})? [y/N] ",
        message.template,
        channel.name,
        channel.kind.name()
    );
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    answer.trim().eq_ignore_ascii_case("y")
}

fn deliver(channel: &Channel, message: &Outgoing) -> crate::domain::comms::message::Delivery {
    if channel.kind == ChannelKind::Clipboard {
        if !std::io::stdout().is_terminal() {
            return crate::domain::comms::message::Delivery {
                ok: false,
                summary: format!(
                    "not copied for `{}`: the clipboard is the terminal's, and standard output is no terminal",
                    channel.name
                ),
                attempts: 0,
                duration_ms: 0,
            };
        }
        return crate::runtime::messages::to_clipboard(channel, &message.text);
    }
    match async_runtime() {
        Ok(runtime) => runtime.block_on(crate::adapters::comms::send(channel, message)),
        Err(e) => crate::domain::comms::message::Delivery {
            ok: false,
            summary: format!("not sent to `{}`: no async runtime: {e}", channel.name),
            attempts: 0,
            duration_ms: 0,
        },
    }
}
