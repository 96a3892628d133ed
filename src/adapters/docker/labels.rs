//! What a deploy writes on the containers it creates, so that the release,
//! the version and the images before survive a cockpit restart: the engine
//! keeps them, and the next container copies them on.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::rollout::Revision;

pub const RELEASE: &str = "io.release-cockpit.release";
pub const VERSION: &str = "io.release-cockpit.version";
pub const PREVIOUS_IMAGE: &str = "io.release-cockpit.previous-image";
pub const REVISION: &str = "io.release-cockpit.revision";
/// JSON: the images before, newest first, at most [`KEPT`].
pub const HISTORY: &str = "io.release-cockpit.history";
pub const COMPOSE_PROJECT: &str = "com.docker.compose.project";
pub const COMPOSE_SERVICE: &str = "com.docker.compose.service";

/// How many earlier images a container's labels remember.
pub const KEPT: usize = 10;

/// An image a container of this unit ran before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Past {
    pub revision: u64,
    pub image: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub release: String,
    pub until: DateTime<Utc>,
}

/// The revision a container's labels give it; a container the cockpit never
/// replaced is revision 1.
pub fn revision(labels: &HashMap<String, String>) -> u64 {
    labels
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
}

/// The images before, newest first; labels someone else wrote badly are
/// no history rather than an error. Anyone who can create a container
/// writes labels: an entry whose image or version is not a plain reference
/// is left out (a rollback would pull it; the screen would show it), and a
/// release name is stripped of control characters.
pub fn history(labels: &HashMap<String, String>) -> Vec<Past> {
    labels
        .get(HISTORY)
        .and_then(|h| serde_json::from_str::<Vec<Past>>(h).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| is_image_reference(&p.image) && is_image_reference(&p.version))
        .map(|p| Past {
            release: clean(&p.release),
            ..p
        })
        .take(KEPT)
        .collect()
}

/// `registry:5000/shop/web:1.2.3` or `…@sha256:…`: the characters an image
/// reference is made of, and a sane length.
pub fn is_image_reference(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@'))
}

/// A label's text, fit for a terminal line.
pub fn clean(text: &str) -> String {
    crate::adapters::text::clean_line(text, 120)
}

/// The unit's history as the rollback offers it: what runs now, then what
/// ran before.
pub fn revisions(
    labels: &HashMap<String, String>,
    image: &str,
    version: &str,
    started: Option<DateTime<Utc>>,
) -> Vec<Revision> {
    let current = Revision {
        number: revision(labels),
        version: version.to_owned(),
        images: vec![image.to_owned()],
        created: started,
        change_cause: labels.get(RELEASE).map(|r| clean(r)),
        replicas: 1,
    };
    std::iter::once(current)
        .chain(history(labels).into_iter().map(|p| Revision {
            number: p.revision,
            version: p.version,
            images: vec![p.image],
            created: Some(p.until),
            change_cause: (!p.release.is_empty()).then_some(p.release),
            replicas: 0,
        }))
        .collect()
}

/// What the new container's cockpit labels are when `old` (running
/// `old_image` at `old_version`) is replaced by one at `new_version` for
/// `release`.
pub fn next(
    old: &HashMap<String, String>,
    (old_image, old_version): (&str, &str),
    new_version: &str,
    release: &str,
    now: DateTime<Utc>,
) -> Vec<(String, String)> {
    let mut history = history(old);
    history.insert(
        0,
        Past {
            revision: revision(old),
            image: old_image.to_owned(),
            version: old_version.to_owned(),
            release: old.get(RELEASE).cloned().unwrap_or_default(),
            until: now,
        },
    );
    history.truncate(KEPT);
    vec![
        (RELEASE.to_owned(), release.to_owned()),
        (VERSION.to_owned(), new_version.to_owned()),
        (PREVIOUS_IMAGE.to_owned(), old_image.to_owned()),
        (REVISION.to_owned(), (revision(old) + 1).to_string()),
        (
            HISTORY.to_owned(),
            serde_json::to_string(&history).unwrap_or_else(|_| "[]".to_owned()),
        ),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_written_by_someone_else_is_taken_only_as_plain_references() {
        let labels = HashMap::from([(
            HISTORY.to_owned(),
            serde_json::json!([
                {"revision": 3, "image": "shop/web:2.0.0", "version": "2.0.0", "release": "r\u{1b}[2J2", "until": "2026-12-01T10:00:00Z"},
                {"revision": 2, "image": "shop/web:1.0.0 ; rm -rf /", "version": "1.0.0", "until": "2026-11-01T10:00:00Z"},
                {"revision": 1, "image": "shop/web:0.9.0", "version": "0.9.0\n", "until": "2026-10-01T10:00:00Z"}
            ])
            .to_string(),
        )]);
        let past = history(&labels);
        assert_eq!(past.len(), 1, "{past:?}");
        assert_eq!(past[0].image, "shop/web:2.0.0");
        assert_eq!(past[0].release, "r[2J2");
    }

    #[test]
    fn each_replacement_counts_a_revision_and_remembers_the_image_before() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let first: HashMap<String, String> = next(
            &HashMap::new(),
            ("shop/web:1", "1"),
            "2",
            "r2",
            at("2026-12-01T10:00:00Z"),
        )
        .into_iter()
        .collect();
        assert_eq!(revision(&first), 2);
        let second: HashMap<String, String> = next(
            &first,
            ("shop/web:2", "2"),
            "3",
            "r3",
            at("2026-12-02T10:00:00Z"),
        )
        .into_iter()
        .collect();
        assert_eq!(second[PREVIOUS_IMAGE], "shop/web:2");
        let revisions = revisions(&second, "shop/web:3", "3", None);
        let numbers: Vec<(u64, &str)> = revisions
            .iter()
            .map(|r| (r.number, r.version.as_str()))
            .collect();
        assert_eq!(numbers, [(3, "3"), (2, "2"), (1, "1")]);
        assert_eq!(revisions[1].change_cause.as_deref(), Some("r2"));
    }

    #[test]
    fn bad_history_labels_are_no_history() {
        let labels = HashMap::from([
            (HISTORY.to_owned(), "{not json".to_owned()),
            (REVISION.to_owned(), "x".to_owned()),
        ]);
        assert!(history(&labels).is_empty());
        assert_eq!(revision(&labels), 1);
    }

    #[test]
    fn history_keeps_the_last_ten() {
        let mut labels = HashMap::new();
        for i in 0..15 {
            labels = next(
                &labels,
                (&format!("a:{i}"), &i.to_string()),
                &(i + 1).to_string(),
                "r",
                Utc::now(),
            )
            .into_iter()
            .collect();
        }
        assert_eq!(history(&labels).len(), KEPT);
        assert_eq!(history(&labels)[0].image, "a:14");
    }
}
