//! The release's `coordination.k8s.io/v1` Lease: read, then created,
//! renewed or taken over with the `resourceVersion` read (so that of two
//! cockpits writing at once, the API server lets one through and answers the
//! other 409), as `domain::share::decide` says.

use chrono::{DateTime, Utc};
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::Api;
use kube::api::PostParams;

use crate::domain::share::{Decision, Holding, LeaseRecord, Observed, decide};

/// What a claim came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// This cockpit writes the release; `took_over` names the holder it
    /// replaced (its Lease had lapsed).
    Holding {
        holding: Holding,
        took_over: Option<String>,
    },
    /// Another writes it, live until `until` by this machine's clock;
    /// `contact` is how its operator said they are reached.
    HeldBy {
        holder: String,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        contact: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseError {
    Api {
        name: String,
        what: &'static str,
        cause: String,
    },
}

impl std::fmt::Display for LeaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api { name, what, cause } => {
                write!(f, "the Lease {name} could not be {what}: {cause}")
            }
        }
    }
}

impl std::error::Error for LeaseError {}

/// One release's Lease, as one cockpit sees it.
pub struct ReleaseLease {
    api: Api<Lease>,
    release: String,
    name: String,
    me: String,
    duration: chrono::Duration,
    observed: Option<Observed>,
    resource_version: Option<String>,
    /// Written on the Lease while this cockpit holds it.
    contact: Option<String>,
    /// The holder's, as last read.
    holder_contact: Option<String>,
}

impl ReleaseLease {
    /// `me` is `operator@host/pid`; `release` the release's id.
    pub fn new(
        client: kube::Client,
        namespace: &str,
        release: &str,
        me: String,
        duration: chrono::Duration,
    ) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            release: release.to_owned(),
            name: lease_name(release),
            me,
            duration,
            observed: None,
            resource_version: None,
            contact: None,
            holder_contact: None,
        }
    }

    /// How followers reach this cockpit's operator (`[share] contact`).
    pub fn with_contact(mut self, contact: Option<String>) -> Self {
        self.contact = contact;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Who holds the Lease, as last read (empty: nobody).
    pub fn holder_seen(&self) -> Option<&str> {
        self.observed.as_ref().map(|o| o.record.holder.as_str())
    }

    /// Who this cockpit is, as the Lease names its holder.
    pub fn holder(&self) -> &str {
        &self.me
    }

    /// Reads the Lease and acts on it: creates, renews or takes it over
    /// for this cockpit, or says who holds it. Lost races (409) read again.
    pub async fn claim(&mut self) -> Result<Claimed, LeaseError> {
        for _ in 0..3 {
            let now = Utc::now();
            self.read(now).await?;
            let decision = decide(self.observed.as_ref(), &self.me, self.duration, now);
            let (record, took_over, create) = match decision {
                Decision::Held {
                    holder,
                    since,
                    until,
                } => {
                    return Ok(Claimed::HeldBy {
                        holder,
                        since,
                        until,
                        contact: self.holder_contact.clone(),
                    });
                }
                Decision::Create(record) => (record, None, true),
                Decision::Renew(record) => (record, None, false),
                Decision::TakeOver { record, previous } => (record, previous, false),
            };
            let lease = self.lease(&record);
            let written = if create {
                self.api.create(&PostParams::default(), &lease).await
            } else {
                self.api
                    .replace(&self.name, &PostParams::default(), &lease)
                    .await
            };
            match written {
                Ok(written) => {
                    self.resource_version = written.metadata.resource_version;
                    self.observed = Some(Observed::update(None, record.clone(), now));
                    return Ok(Claimed::Holding {
                        holding: Holding {
                            fence: record.transitions,
                            renewed_at: now,
                            duration: self.duration,
                        },
                        took_over,
                    });
                }
                // Another cockpit wrote it first: look again.
                Err(kube::Error::Api(status)) if status.code == 409 => continue,
                Err(error) => return Err(self.error("written", &error)),
            }
        }
        self.read(Utc::now()).await?;
        match decide(self.observed.as_ref(), &self.me, self.duration, Utc::now()) {
            Decision::Held {
                holder,
                since,
                until,
            } => Ok(Claimed::HeldBy {
                holder,
                since,
                until,
                contact: self.holder_contact.clone(),
            }),
            _ => Err(LeaseError::Api {
                name: self.name.clone(),
                what: "written",
                cause: "three writes in a row lost to another cockpit's".to_owned(),
            }),
        }
    }

    /// Whether the Lease is free for this cockpit to take (nobody holds it,
    /// or its holder let it lapse as this machine saw it), read without
    /// writing it: `Some(previous holder)`.
    pub async fn lapsed(&mut self) -> Result<Option<Option<String>>, LeaseError> {
        let now = Utc::now();
        self.read(now).await?;
        Ok(
            match decide(self.observed.as_ref(), &self.me, self.duration, now) {
                Decision::TakeOver { previous, .. } => Some(previous),
                Decision::Create(_) => Some(None),
                Decision::Renew(_) | Decision::Held { .. } => None,
            },
        )
    }

    /// Claims as `claim` does; when the Lease looks lapsed (its holder's own
    /// renewal time is more than a duration ago by our clock), it is watched
    /// for up to a duration more, so that a machine started after the
    /// writer died takes over once it has itself seen no renewal for the
    /// whole duration. Clocks decide only whether to wait, never the takeover.
    pub async fn claim_or_wait_out(&mut self) -> Result<Claimed, LeaseError> {
        let mut claimed = self.claim().await?;
        let deadline = tokio::time::Instant::now()
            + self.duration.to_std().unwrap_or_default()
            + std::time::Duration::from_secs(2);
        while matches!(claimed, Claimed::HeldBy { .. })
            && self.looks_lapsed(Utc::now())
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            claimed = self.claim().await?;
        }
        Ok(claimed)
    }

    fn looks_lapsed(&self, now: DateTime<Utc>) -> bool {
        self.observed.as_ref().is_some_and(|o| {
            !o.record.holder.is_empty() && o.record.renewed + o.record.duration < now
        })
    }

    /// Gives the Lease up (at a clean exit), so a follower need not wait
    /// out its duration: the holder emptied, the fence kept.
    pub async fn release(&mut self) -> Result<(), LeaseError> {
        let now = Utc::now();
        self.read(now).await?;
        let Some(observed) = self
            .observed
            .as_ref()
            .filter(|o| o.record.holder == self.me)
        else {
            return Ok(());
        };
        let record = LeaseRecord {
            holder: String::new(),
            renewed: now,
            ..observed.record.clone()
        };
        let lease = self.lease(&record);
        match self
            .api
            .replace(&self.name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => Ok(()),
            // Someone else's already: nothing of ours to give up.
            Err(kube::Error::Api(status)) if status.code == 409 => Ok(()),
            Err(error) => Err(self.error("released", &error)),
        }
    }

    async fn read(&mut self, now: DateTime<Utc>) -> Result<(), LeaseError> {
        match self.api.get_opt(&self.name).await {
            Ok(Some(lease)) => {
                self.resource_version = lease.metadata.resource_version.clone();
                let record = record_of(&lease, self.duration);
                self.holder_contact = contact_of(&lease);
                self.observed = Some(Observed::update(self.observed.as_ref(), record, now));
                Ok(())
            }
            Ok(None) => {
                self.observed = None;
                self.resource_version = None;
                Ok(())
            }
            Err(error) => Err(self.error("read", &error)),
        }
    }

    fn lease(&self, record: &LeaseRecord) -> Lease {
        let micro = |at: DateTime<Utc>| {
            MicroTime(
                k8s_openapi::jiff::Timestamp::from_microsecond(at.timestamp_micros())
                    .unwrap_or(k8s_openapi::jiff::Timestamp::UNIX_EPOCH),
            )
        };
        Lease {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                resource_version: self.resource_version.clone(),
                labels: Some([(LABEL.to_owned(), "writer".to_owned())].into()),
                annotations: Some(
                    [(RELEASE.to_owned(), self.release.clone())]
                        .into_iter()
                        .chain(
                            self.contact
                                .clone()
                                .filter(|_| !record.holder.is_empty())
                                .map(|c| (CONTACT.to_owned(), c)),
                        )
                        .collect(),
                ),
                ..ObjectMeta::default()
            },
            spec: Some(LeaseSpec {
                holder_identity: Some(record.holder.clone()),
                lease_duration_seconds: Some(
                    i32::try_from(record.duration.num_seconds()).unwrap_or(i32::MAX),
                ),
                acquire_time: Some(micro(record.acquired)),
                renew_time: Some(micro(record.renewed)),
                lease_transitions: Some(record.transitions),
                ..LeaseSpec::default()
            }),
        }
    }

    fn error(&self, what: &'static str, error: &kube::Error) -> LeaseError {
        LeaseError::Api {
            name: self.name.clone(),
            what,
            cause: error.to_string(),
        }
    }
}

/// The label every object the cockpit keeps in the cluster carries.
pub const LABEL: &str = "release-cockpit.dev/role";
/// The annotation naming a Lease's release (its id, as the journal has it).
const RELEASE: &str = "release-cockpit.dev/release";

/// The annotation saying how the holder's operator is reached.
const CONTACT: &str = "release-cockpit.dev/contact";

/// How a Lease's holder is reached, as its operator wrote it: outside
/// text, cleaned for the screen.
fn contact_of(lease: &Lease) -> Option<String> {
    let contact = lease.metadata.annotations.as_ref()?.get(CONTACT)?;
    Some(crate::adapters::text::clean_line(contact, 120)).filter(|c| !c.trim().is_empty())
}

/// The release a Lease is for.
pub fn release_of(lease: &Lease) -> Option<String> {
    lease
        .metadata
        .annotations
        .as_ref()?
        .get(RELEASE)
        .filter(|id| !id.is_empty())
        .cloned()
}

/// A release id as an object name (a DNS subdomain): `release-cockpit.` and
/// the id, lower-cased, anything else a `-`.
pub fn lease_name(release: &str) -> String {
    let id: String = release
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '.') => c,
            _ => '-',
        })
        .collect();
    let mut name = format!("release-cockpit.{}", id.trim_matches(['-', '.']));
    // Room for a chunk's `.000000`, and a name that ends as the API wants.
    name.truncate(240);
    while name.ends_with(['-', '.']) {
        name.pop();
    }
    name
}

fn record_of(lease: &Lease, default: chrono::Duration) -> LeaseRecord {
    let spec = lease.spec.clone().unwrap_or_default();
    let time = |t: Option<MicroTime>| {
        t.and_then(|t| DateTime::from_timestamp_micros(t.0.as_microsecond()))
            .unwrap_or_default()
    };
    LeaseRecord {
        // Shown in the status bar and the notices: outside text, cleaned.
        holder: crate::adapters::text::clean_line(&spec.holder_identity.unwrap_or_default(), 200),
        duration: spec
            .lease_duration_seconds
            .map_or(default, |s| chrono::Duration::seconds(i64::from(s))),
        acquired: time(spec.acquire_time),
        renewed: time(spec.renew_time),
        transitions: spec.lease_transitions.unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_id_makes_a_lease_name() {
        assert_eq!(
            lease_name("minor-2.4.0-20261208"),
            "release-cockpit.minor-2.4.0-20261208"
        );
        assert_eq!(lease_name("Hot_Fix 2"), "release-cockpit.hot-fix-2");
    }

    #[test]
    fn a_holder_from_the_cluster_reaches_the_screen_without_control_characters() {
        let lease = Lease {
            spec: Some(LeaseSpec {
                holder_identity: Some("mallory\u{1b}[2J@host/1".into()),
                ..LeaseSpec::default()
            }),
            ..Lease::default()
        };
        let record = record_of(&lease, chrono::Duration::seconds(15));
        assert_eq!(record.holder, "mallory[2J@host/1");
    }
}
