//! What a config file may contain. Unknown keys are errors, never ignored.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub operator: OperatorConfig,
    pub ui: UiConfig,
    /// Command name -> keys; replaces that command's default keys.
    pub keys: BTreeMap<Spanned<String>, Spanned<KeyList>>,
    pub log: LogConfig,
    /// Role name -> the operators in it; approval steps accept only members of
    /// their role when the role is listed here.
    pub roles: BTreeMap<String, Vec<String>>,
    /// `[[train]]`: release trains on the calendar.
    #[serde(rename = "train")]
    pub trains: Vec<TrainConfig>,
    /// `[[blackout]]`: days no train releases on.
    #[serde(rename = "blackout")]
    pub blackouts: Vec<BlackoutConfig>,
    /// `[[target]]`: what a release deploys to.
    #[serde(rename = "target")]
    pub targets: Vec<TargetConfig>,
    /// Defaults for every signal.
    pub health: HealthConfig,
    /// `[[signal]]`: what the Health pane watches.
    #[serde(rename = "signal")]
    pub signals: Vec<SignalConfig>,
    /// How rollbacks are verified and reported, and what a trigger starts.
    pub rollback: RollbackConfig,
    /// The delivery figures' window and targets.
    pub metrics: MetricsConfig,
    /// `[[repo]]`: the git repositories releases are cut from.
    #[serde(rename = "repo")]
    pub repos: Vec<RepoConfig>,
    /// `[[component]]`: parts of a release versioned and tagged on their own.
    #[serde(rename = "component")]
    pub components: Vec<ComponentConfig>,
    /// `[[channel]]`: where messages go.
    #[serde(rename = "channel")]
    pub channels: Vec<ChannelConfig>,
    /// `[share]`: one writer per release for the team, through the cluster.
    pub share: Option<ShareConfig>,
}

/// `[share]`, checked by `config/share.rs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareConfig {
    /// `kubernetes`, the one kind.
    pub kind: Spanned<String>,
    pub kubeconfig: Option<Spanned<String>>,
    pub context: Option<String>,
    pub namespace: Option<Spanned<String>>,
    /// How long a writer's Lease lasts unrenewed (15s).
    pub lease: Option<Spanned<String>>,
    /// How the team reaches this operator while they write a release
    /// (`@alice in #releases`): followers on other machines are told.
    pub contact: Option<Spanned<String>>,
}

/// `[[channel]]`. Secrets (`url`, `secret`, `headers`, `env`) are
/// references checked by `config/channels.rs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    pub name: Spanned<String>,
    /// slack, webhook, file, command or clipboard.
    pub kind: Spanned<String>,
    /// slack (a reference), webhook.
    pub url: Option<Spanned<toml::Value>>,
    /// webhook: the HMAC-SHA256 key the body is signed with.
    pub secret: Option<Spanned<toml::Value>>,
    /// webhook: where the signature goes (`X-Signature-256`).
    pub signature_header: Option<Spanned<String>>,
    /// webhook: more headers, e.g. `Authorization = { from_env = "..." }`.
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<toml::Value>>,
    /// file: relative to the config file.
    pub path: Option<Spanned<String>>,
    /// command: run by `sh -c` with the message on its standard input.
    pub run: Option<Spanned<String>>,
    /// command: its environment, as a command step's `env`.
    #[serde(default)]
    pub env: BTreeMap<String, Spanned<toml::Value>>,
    /// Where a message naming no channel goes.
    #[serde(default)]
    pub default: Option<Spanned<bool>>,
    /// One attempt at most (10s).
    pub timeout: Option<Spanned<String>>,
    /// Further attempts after a failure that may pass on a retry (3).
    pub retries: Option<Spanned<u32>>,
}

/// `[[repo]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoConfig {
    /// How components name it; needed only with several repos.
    pub name: Option<Spanned<String>>,
    /// Relative to the config file.
    pub path: Spanned<String>,
    /// `v{version}` (default), `{component}-v{version}`.
    pub tag_format: Option<Spanned<String>>,
    pub main_branch: Option<Spanned<String>>,
    /// `release/v{version}` (default).
    pub release_branch: Option<Spanned<String>>,
    /// `hotfix/{date}-{slug}` (default).
    pub hotfix_branch: Option<Spanned<String>>,
    /// `keep-a-changelog` (default) or `team`.
    pub notes: Option<Spanned<String>>,
    /// Relative to the repository: `CHANGELOG.md` (default).
    pub changelog: Option<Spanned<String>>,
    /// Where `tag` steps push: `origin` (default); `""` keeps tags local.
    pub remote: Option<Spanned<String>>,
    /// Let a `tag` step tag with uncommitted changes (default: refused).
    #[serde(default)]
    pub allow_dirty: bool,
}

/// `[[component]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentConfig {
    pub name: Spanned<String>,
    /// A `[[repo]]`'s name; default: the only one.
    pub repo: Option<Spanned<String>>,
    /// Only commits under this path (in the repository) are its.
    pub path: Option<Spanned<String>>,
    /// Default: the repo's, else `{component}-v{version}`.
    pub tag_format: Option<Spanned<String>>,
    /// The targets that run it.
    #[serde(default)]
    pub targets: Vec<Spanned<String>>,
}

/// `[metrics]`: what `release-cockpit metrics` and `:metrics` measure against.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// The window unless `--since` says (90d).
    pub window: Option<Spanned<String>>,
    /// A hotfix this soon after a release makes it a failed change (7d).
    pub hotfix_window: Option<Spanned<String>>,
    /// Targets: at most this long from commit to production (`24h`).
    pub lead_time: Option<Spanned<String>>,
    /// At most this share of production releases failed (`5%`).
    pub change_failure_rate: Option<Spanned<String>>,
    /// At most this long from trigger to verified rollback (`1h`).
    pub time_to_restore: Option<Spanned<String>>,
    /// At least this many production deploys (`1/week`, `1/day`).
    pub deployment_frequency: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RollbackConfig {
    /// How long every target and signal must stay fine (5m).
    pub verify: Option<Spanned<String>>,
    /// Where incident reports go; `<state dir>/incidents` when unset.
    pub incidents: Option<Spanned<String>>,
    /// When the post-mortem step is due after the report (24h).
    pub post_mortem: Option<Spanned<String>>,
    /// `guided` (the banner asks for R) or `auto` (a countdown, then the rollback).
    pub on_trigger: Option<Spanned<String>>,
    /// Per release type: `hotfix = "auto"`.
    pub on_trigger_for: BTreeMap<Spanned<String>, Spanned<String>>,
    /// How long an automatic rollback waits for a key that cancels it (30s).
    pub auto_countdown: Option<Spanned<String>>,
    /// The `[[channel]]` the rollback notice goes to (default: the default
    /// channel).
    pub notify: Option<Spanned<String>>,
    /// How long after an incident its report must be complete (1h).
    pub report: Option<Spanned<String>>,
    /// Steps due after an incident, `{ title = "Root cause analysis", due = "24h" }`;
    /// unset: one post-mortem due after `post_mortem`.
    pub follow_ups: Option<Spanned<Vec<FollowUpConfig>>>,
    /// The team's severity words, most severe first, each on a matrix level:
    /// `{ name = "critical", level = "P0" }`; unset: P0, P1, P2.
    pub severities: Option<Spanned<Vec<SeverityConfig>>>,
}

/// One of `[rollback] follow_ups`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpConfig {
    pub title: Spanned<String>,
    pub due: Spanned<String>,
}

/// One of `[rollback] severities`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityConfig {
    pub name: Spanned<String>,
    /// `P0` (roll back now), `P1` (within the hour) or `P2` (fix forward).
    pub level: Spanned<String>,
    /// What the word covers, shown in the wizard and `:incident`.
    pub covers: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// The Prometheus server `source = "prometheus"` signals query.
    pub prometheus: Option<Spanned<String>>,
    /// How often signals are read (15s).
    pub interval: Option<Spanned<String>>,
    /// How far before a deploy baselines are taken from (30m).
    pub baseline: Option<Spanned<String>>,
    /// How far back charts go (1h).
    pub chart: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalConfig {
    pub name: Spanned<String>,
    /// `prometheus`, `scrape` (a service's own /metrics), `health` or
    /// `docker` (a container's CPU or memory from the engine's stats).
    pub source: Spanned<String>,
    /// `ratio` (shown as %), `seconds`, `number`, `health`.
    pub unit: Option<Spanned<String>>,
    /// The endpoint for `scrape` and `health`; for `prometheus`, a server
    /// other than `[health] prometheus`.
    pub url: Option<Spanned<String>>,
    /// PromQL, for `source = "prometheus"`.
    pub query: Option<Spanned<String>>,
    /// What to compute from a scrape: `ratio(...)`, `quantile(...)`, ...;
    /// for `docker`, `cpu` or `memory`.
    pub measure: Option<Spanned<String>>,
    /// For `docker`: one container by name.
    pub container: Option<Spanned<String>>,
    /// For `docker`, with `compose_service`: a compose service's replicas.
    pub compose_project: Option<Spanned<String>>,
    pub compose_service: Option<Spanned<String>>,
    /// For `docker`: the engine, `unix:///…` or `tcp://…`; unset:
    /// `DOCKER_HOST`, else the local socket.
    pub host: Option<Spanned<String>>,
    pub expect_status: Option<u16>,
    pub body_contains: Option<String>,
    pub max_latency: Option<Spanned<String>>,
    /// `> 1%`: shown in the warning colour.
    pub warn: Option<Spanned<String>>,
    /// `> 5% for 2m`, `> 2x baseline for 5m`, `failing for 5m`: the trigger.
    pub critical: Option<Spanned<String>>,
    pub interval: Option<Spanned<String>>,
    pub baseline: Option<Spanned<String>>,
    /// Where its rules' alerts go: `{ warn = "slack-ops", critical = "pager" }`.
    pub notify: Option<SignalNotifyConfig>,
}

/// `[[signal]] notify`: a `[[channel]]` per level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalNotifyConfig {
    pub warn: Option<Spanned<String>>,
    pub critical: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    pub name: Spanned<String>,
    /// `kubernetes`, `command` or `docker`.
    pub kind: Spanned<String>,
    /// A kubeconfig file, relative to the config file; `KUBECONFIG` or
    /// `~/.kube/config` when unset.
    pub kubeconfig: Option<Spanned<String>>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub deployment: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub container: Option<String>,
    /// The image to deploy, with `{version}` standing for the release version.
    pub image: Option<Spanned<String>>,
    /// The playbook deploy steps' `environment` this target serves; its
    /// namespace when unset.
    pub environment: Option<String>,
    /// Command targets: what deploys `{version}`, one command or a list run
    /// in order, stopping at the first failure.
    pub deploy: Option<Spanned<CommandList>>,
    /// Command targets: what rolls back to `{version}` from `{previous_version}`.
    pub rollback: Option<Spanned<CommandList>>,
    /// Command targets: prints JSON (`version`, `phase`, `message`) or
    /// answers by its exit code.
    pub status: Option<Spanned<String>>,
    /// How often `status` runs (30s).
    pub status_interval: Option<Spanned<String>>,
    /// Where the commands run, relative to the config file.
    pub workdir: Option<Spanned<String>>,
    /// The commands' environment: literals, `{ from_env = "NAME" }` or
    /// `{ file = "path" }`.
    #[serde(default)]
    pub env: BTreeMap<String, Spanned<toml::Value>>,
    /// How long each command may run (10m); then its process group is killed.
    pub timeout: Option<Spanned<String>>,
    /// Docker targets: a compose service's containers, by their labels.
    pub compose_project: Option<Spanned<String>>,
    pub compose_service: Option<Spanned<String>>,
    /// Docker targets: the engine (`unix:///…`, `tcp://…`); `DOCKER_HOST`,
    /// else the local socket, when unset.
    pub host: Option<Spanned<String>>,
    /// Docker targets: how long a new container has to become healthy (2m)
    /// before the previous one is put back.
    pub deadline: Option<Spanned<String>>,
}

/// One command (`"npm run deploy"`) or several run in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandList(pub Vec<String>);

impl<'de> Deserialize<'de> for CommandList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a command, or a list of commands run in order")]
        enum Written {
            One(String),
            Many(Vec<String>),
        }
        Ok(match Written::deserialize(deserializer)? {
            Written::One(command) => CommandList(vec![command]),
            Written::Many(commands) => CommandList(commands),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    pub name: Spanned<String>,
    /// Release type: patch, minor, major, hotfix, emergency.
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub playbook: Option<Spanned<String>>,
    /// IANA zone the cadence is kept in.
    pub timezone: Spanned<String>,
    /// The first release, `YYYY-MM-DD HH:MM` in `timezone`; anchors the rule.
    pub start: Spanned<String>,
    /// RFC 5545 recurrence rule: `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`.
    pub rrule: Spanned<String>,
    pub freeze: Option<Spanned<String>>,
    pub announce: Option<Spanned<String>>,
    pub notice: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
    #[serde(default)]
    pub merge_freeze: bool,
    pub on_blackout: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackoutConfig {
    pub name: Spanned<String>,
    /// One day, or use `from` and `to` (inclusive).
    pub date: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub to: Option<Spanned<String>>,
    /// Only these trains; every train when empty.
    #[serde(default)]
    pub trains: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OperatorConfig {
    /// Who is at the keyboard; `$USER` when unset.
    pub name: Option<String>,
    /// IANA zone for times on screen; the system zone when unset.
    pub timezone: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    pub theme: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub level: Option<Spanned<String>>,
}

/// One key (`"q"`) or several (`["q", "ctrl-c"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyList(pub Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyListVisitor;

        impl<'de> Visitor<'de> for KeyListVisitor {
            type Value = KeyList;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key like \"q\" or a list of keys like [\"q\", \"ctrl-c\"]")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyList, E> {
                Ok(KeyList(vec![v.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<String>()? {
                    keys.push(key);
                }
                Ok(KeyList(keys))
            }
        }

        deserializer.deserialize_any(KeyListVisitor)
    }
}

pub const LOG_LEVELS: &[&str] = &["error", "warn", "info", "debug", "trace"];
