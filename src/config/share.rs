//! `[share]`: a release written by one cockpit for the whole team, through
//! the team's Kubernetes cluster (a Lease for the writer, ConfigMaps for the
//! journal's mirror). Without it, one machine and local files, as always.

use std::path::PathBuf;

use chrono::Duration;

use super::error::ConfigError;
use super::source::LoadedConfig;

/// Where and how releases are shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareSettings {
    /// As targets have it: else `KUBECONFIG`, else `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// Else the context's namespace.
    pub namespace: Option<String>,
    /// How long a writer's Lease lasts unrenewed: a follower may take the
    /// release over this long after the writer went quiet.
    pub lease: Duration,
    /// How the team reaches this operator while they write (`@alice in
    /// #releases`), kept on the Lease for followers to show.
    pub contact: Option<String>,
}

/// The longest contact a Lease carries.
const CONTACT_CHARS: usize = 120;

pub const DEFAULT_LEASE: Duration = Duration::seconds(15);
const SHORTEST_LEASE: Duration = Duration::seconds(5);
const LONGEST_LEASE: Duration = Duration::minutes(5);

impl LoadedConfig {
    pub(super) fn share(&self) -> Result<Option<ShareSettings>, Vec<ConfigError>> {
        let Some(share) = &self.config.share else {
            return Ok(None);
        };
        let mut errors = Vec::new();
        if share.kind.get_ref() != "kubernetes" {
            errors.push(
                self.error_at(
                    &share.kind,
                    "not a kind of sharing",
                    "write `kind = \"kubernetes\"` (the cluster keeps the Lease and the journal's mirror)",
                )
                .key("share.kind"),
            );
        }
        let lease = match &share.lease {
            None => DEFAULT_LEASE,
            Some(value) => match self.duration_at(value, "share.lease") {
                Ok(d) if (SHORTEST_LEASE..=LONGEST_LEASE).contains(&d) => d,
                Ok(_) => {
                    errors.push(
                        self.error_at(
                            value,
                            "a Lease this long is not of use",
                            "write between 5s (takeovers soon after a writer dies, renewals every 2s) and 5m",
                        )
                        .key("share.lease"),
                    );
                    DEFAULT_LEASE
                }
                Err(e) => {
                    errors.push(*e);
                    DEFAULT_LEASE
                }
            },
        };
        if let Some(namespace) = &share.namespace
            && !is_dns_label(namespace.get_ref())
        {
            errors.push(
                self.error_at(
                    namespace,
                    "not a namespace name",
                    "write lower-case letters, digits and `-`, at most 63, e.g. `release`",
                )
                .key("share.namespace"),
            );
        }
        if let Some(contact) = &share.contact {
            let text = contact.get_ref();
            if text.trim().is_empty()
                || text.chars().count() > CONTACT_CHARS
                || text.chars().any(char::is_control)
            {
                errors.push(
                    self.error_at(
                        contact,
                        "not a contact followers can be shown",
                        "write one line of at most 120 characters, e.g. `@alice in #releases`",
                    )
                    .key("share.contact"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Some(ShareSettings {
            kubeconfig: share
                .kubeconfig
                .as_ref()
                .map(|p| self.path_beside(p.get_ref())),
            context: share.context.clone(),
            namespace: share.namespace.as_ref().map(|n| n.get_ref().clone()),
            lease,
            contact: share
                .contact
                .as_ref()
                .map(|c| c.get_ref().trim().to_owned()),
        }))
    }
}

fn is_dns_label(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::source::{ConfigSource, parse};

    fn loaded(text: &str) -> LoadedConfig {
        let file = "team/cockpit.toml";
        LoadedConfig {
            source: ConfigSource::Flag(PathBuf::from(file)),
            file: file.to_owned(),
            text: text.to_owned(),
            config: parse(file, text).unwrap_or_else(|e| panic!("{e:#?}")),
        }
    }

    #[test]
    fn no_share_is_one_machine_and_a_share_names_its_cluster() {
        assert!(matches!(loaded("").share(), Ok(None)));
        let share = loaded(
            "[share]\nkind = \"kubernetes\"\nkubeconfig = \"kube/config\"\ncontext = \"prod\"\nnamespace = \"release\"\nlease = \"10s\"\ncontact = \"@alice in #releases\"\n",
        )
        .share()
        .unwrap()
        .unwrap();
        assert_eq!(share.kubeconfig, Some(PathBuf::from("team/kube/config")));
        assert_eq!(share.context.as_deref(), Some("prod"));
        assert_eq!(share.namespace.as_deref(), Some("release"));
        assert_eq!(share.lease, Duration::seconds(10));
        assert_eq!(share.contact.as_deref(), Some("@alice in #releases"));
        let default = loaded("[share]\nkind = \"kubernetes\"\n")
            .share()
            .unwrap()
            .unwrap();
        assert_eq!(default.lease, DEFAULT_LEASE);
    }

    #[test]
    fn a_wrong_kind_lease_or_namespace_is_named_at_its_line() {
        let errors =
            loaded("[share]\nkind = \"etcd\"\nnamespace = \"Release Team\"\nlease = \"1s\"\ncontact = \"\"\n")
                .share()
                .unwrap_err();
        let at: Vec<(usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.location.as_ref().map_or(0, |l| l.line), e.key.as_deref()))
            .collect();
        assert_eq!(
            at,
            [
                (2, Some("share.kind")),
                (4, Some("share.lease")),
                (3, Some("share.namespace")),
                (5, Some("share.contact"))
            ]
        );
        let unknown = parse(
            "cockpit.toml",
            "[share]\nkind = \"kubernetes\"\nholder = \"me\"\n",
        );
        assert!(unknown.is_err(), "unknown keys are errors");
    }
}
