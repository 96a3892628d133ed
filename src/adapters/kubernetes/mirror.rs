//! The journal's mirror in the cluster: ConfigMaps named after the release
//! and numbered (`release-cockpit.<release>.000000`, `.000001`, ...), each
//! holding up to `session::mirror::CHUNK_BYTES` of mirrored lines in
//! `data.lines`. The writer appends to the last chunk with the
//! `resourceVersion` it read (so a write it did not expect is refused, 409)
//! and starts the next when one is full; readers list them in order. A
//! writer that takes the release over first seals the last chunk (a write
//! that moves its `resourceVersion`) and starts its own: the writer it
//! replaced, should it come back, gets 409 on either, whatever it still
//! thinks it holds.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{ListParams, ObjectMeta, PostParams};

use super::lease::{LABEL, lease_name};
use crate::session::mirror::{CHUNK_BYTES, mirrored_line};

/// The label holding the release a chunk belongs to.
pub const RELEASE_LABEL: &str = "release-cockpit.dev/release";
/// The annotations holding a chunk's number, the fence of the writer that
/// started it, and the fence of the one that sealed it.
const INDEX: &str = "release-cockpit.dev/chunk";
const FENCE: &str = "release-cockpit.dev/fence";
const SEALED: &str = "release-cockpit.dev/sealed-by";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorError {
    /// The API refused or could not be reached.
    Api { what: &'static str, cause: String },
    /// A chunk changed under this writer: another holds the release now.
    Fenced { chunk: String },
}

impl std::fmt::Display for MirrorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api { what, cause } => {
                write!(f, "the journal's mirror could not be {what}: {cause}")
            }
            Self::Fenced { chunk } => write!(
                f,
                "{chunk} was written by another cockpit: this one no longer writes the release"
            ),
        }
    }
}

impl std::error::Error for MirrorError {}

/// The chunks of one release.
#[derive(Clone)]
pub struct Mirror {
    api: Api<ConfigMap>,
    release: String,
}

/// One chunk as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub index: u32,
    /// The fence of the writer that started it.
    pub fence: i32,
    pub name: String,
    pub lines: String,
    pub resource_version: Option<String>,
}

impl Mirror {
    pub fn new(client: kube::Client, namespace: &str, release: &str) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            release: release.to_owned(),
        }
    }

    /// The chunks' API, for a watch of them.
    pub fn api(&self) -> Api<ConfigMap> {
        self.api.clone()
    }

    /// The label selector that finds this release's chunks.
    pub fn selector(&self) -> String {
        format!("{RELEASE_LABEL}={}", label_value(&self.release))
    }

    /// Every chunk, in order: the whole mirror.
    pub async fn read_all(&self) -> Result<Vec<Chunk>, MirrorError> {
        let listed = self
            .api
            .list(&ListParams::default().labels(&self.selector()))
            .await
            .map_err(|e| MirrorError::Api {
                what: "listed",
                cause: e.to_string(),
            })?;
        let mut chunks: Vec<Chunk> = listed.items.into_iter().filter_map(chunk_of).collect();
        chunks.sort_by_key(|c| c.index);
        Ok(chunks)
    }

    /// A writer at `fence` that appends after the last chunk: its own
    /// (the same writer, restarted), else sealed first.
    pub async fn writer(&self, fence: i32) -> Result<MirrorWriter, MirrorError> {
        for _ in 0..3 {
            let Some(last) = self.read_all().await?.pop() else {
                return Ok(MirrorWriter {
                    mirror: self.clone(),
                    fence,
                    last: None,
                    next_index: 0,
                });
            };
            if last.fence > fence {
                // A Lease recreated from nothing counts from 0 again: its
                // lines would be refused by every reader.
                return Err(MirrorError::Fenced { chunk: last.name });
            }
            if last.fence == fence {
                return Ok(MirrorWriter {
                    mirror: self.clone(),
                    fence,
                    next_index: last.index + 1,
                    last: Some(last),
                });
            }
            let mut writer = MirrorWriter {
                mirror: self.clone(),
                fence,
                next_index: last.index + 1,
                last: None,
            };
            match writer.write(&last, last.lines.clone(), Some(fence)).await {
                Ok(_) => {
                    // Its own chunk at once, so the writer it replaced
                    // cannot start the next one either.
                    match writer.create(writer.next_index, String::new()).await {
                        Ok(own) => {
                            writer.last = Some(own);
                            writer.next_index += 1;
                            return Ok(writer);
                        }
                        // The writer it replaces started the next one just
                        // now: read again, and seal that one.
                        Err(MirrorError::Fenced { .. }) => continue,
                        Err(e) => return Err(e),
                    }
                }
                // Its writer was still appending: read again, then seal.
                Err(MirrorError::Fenced { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(MirrorError::Api {
            what: "taken over",
            cause: "its last chunk kept changing under three seals".to_owned(),
        })
    }

    fn chunk_name(&self, index: u32) -> String {
        format!("{}.{index:06}", lease_name(&self.release))
    }
}

/// Appends journal lines to the mirror, in order.
pub struct MirrorWriter {
    mirror: Mirror,
    fence: i32,
    /// The chunk this writer appends to; none before its first.
    last: Option<Chunk>,
    next_index: u32,
}

impl MirrorWriter {
    /// Appends `journal_lines` (each ending in `\n`), as one write where
    /// they fit in the last chunk, else into new ones.
    pub async fn append(&mut self, journal_lines: &[String]) -> Result<(), MirrorError> {
        let mut text: String = journal_lines
            .iter()
            .map(|l| mirrored_line(self.fence, l))
            .collect();
        while !text.is_empty() {
            let room = self
                .last
                .as_ref()
                .map_or(0, |c| CHUNK_BYTES.saturating_sub(c.lines.len()));
            // Whole lines only: what fits, up to the last line end.
            let fits = if text.len() <= room {
                text.len()
            } else {
                last_line_end(&text, room)
            };
            if fits == 0 {
                let first = take_lines(&mut text, CHUNK_BYTES);
                let chunk = self.create(self.next_index, first).await?;
                self.next_index += 1;
                self.last = Some(chunk);
                continue;
            }
            let rest = text.split_off(fits);
            let appended = std::mem::replace(&mut text, rest);
            if let Some(chunk) = self.last.clone() {
                let lines = format!("{}{appended}", chunk.lines);
                self.last = Some(self.write(&chunk, lines, None).await?);
            }
        }
        Ok(())
    }

    /// `chunk` holding `lines` as the API keeps it (`sealed_by`: the fence
    /// of the writer that sealed it).
    fn config_map(&self, chunk: &Chunk, lines: &str, sealed_by: Option<i32>) -> ConfigMap {
        let mut annotations = BTreeMap::from([
            (INDEX.to_owned(), chunk.index.to_string()),
            (FENCE.to_owned(), chunk.fence.to_string()),
        ]);
        if let Some(fence) = sealed_by {
            annotations.insert(SEALED.to_owned(), fence.to_string());
        }
        ConfigMap {
            metadata: ObjectMeta {
                name: Some(chunk.name.clone()),
                resource_version: chunk.resource_version.clone(),
                labels: Some(BTreeMap::from([
                    (LABEL.to_owned(), "journal".to_owned()),
                    (RELEASE_LABEL.to_owned(), label_value(&self.mirror.release)),
                ])),
                annotations: Some(annotations),
                ..ObjectMeta::default()
            },
            data: Some(BTreeMap::from([("lines".to_owned(), lines.to_owned())])),
            ..ConfigMap::default()
        }
    }

    async fn create(&self, index: u32, lines: String) -> Result<Chunk, MirrorError> {
        let chunk = Chunk {
            index,
            fence: self.fence,
            name: self.mirror.chunk_name(index),
            lines,
            resource_version: None,
        };
        let map = self.config_map(&chunk, &chunk.lines, None);
        match self.mirror.api.create(&PostParams::default(), &map).await {
            Ok(created) => Ok(Chunk {
                resource_version: created.metadata.resource_version,
                ..chunk
            }),
            // Another writer started this chunk: it writes the release now.
            Err(kube::Error::Api(status)) if status.code == 409 => {
                Err(MirrorError::Fenced { chunk: chunk.name })
            }
            Err(e) => Err(MirrorError::Api {
                what: "written",
                cause: e.to_string(),
            }),
        }
    }

    /// `chunk` with `lines`, from the version read (409: written by
    /// another since); `sealed_by` seals it for a new writer.
    async fn write(
        &self,
        chunk: &Chunk,
        lines: String,
        sealed_by: Option<i32>,
    ) -> Result<Chunk, MirrorError> {
        let map = self.config_map(chunk, &lines, sealed_by);
        match self
            .mirror
            .api
            .replace(&chunk.name, &PostParams::default(), &map)
            .await
        {
            Ok(replaced) => Ok(Chunk {
                lines,
                resource_version: replaced.metadata.resource_version,
                ..chunk.clone()
            }),
            Err(kube::Error::Api(status)) if status.code == 409 => Err(MirrorError::Fenced {
                chunk: chunk.name.clone(),
            }),
            Err(e) => Err(MirrorError::Api {
                what: "written",
                cause: e.to_string(),
            }),
        }
    }
}

/// Up to `limit` bytes of whole lines off the front of `text` (one line at
/// least, however long).
fn take_lines(text: &mut String, limit: usize) -> String {
    let end = if text.len() <= limit {
        text.len()
    } else {
        match last_line_end(text, limit) {
            0 => text.find('\n').map_or(text.len(), |e| e + 1),
            end => end,
        }
    };
    let rest = text.split_off(end);
    std::mem::replace(text, rest)
}

/// Where the last whole line within `limit` bytes ends (0: none does).
/// Bytes, not chars: a line end is always a char boundary.
fn last_line_end(text: &str, limit: usize) -> usize {
    text.as_bytes()[..limit.min(text.len())]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |end| end + 1)
}

pub fn chunk_of(map: ConfigMap) -> Option<Chunk> {
    let annotations = map.metadata.annotations.as_ref()?;
    let index = annotations.get(INDEX)?.parse().ok()?;
    let fence = annotations.get(FENCE)?.parse().ok()?;
    Some(Chunk {
        index,
        fence,
        name: map.metadata.name.clone()?,
        lines: map.data.as_ref()?.get("lines").cloned().unwrap_or_default(),
        resource_version: map.metadata.resource_version.clone(),
    })
}

/// A release id as a label value: at most 63 of `[a-z0-9-_.]`, ending in one
/// of `[a-z0-9]`.
fn label_value(release: &str) -> String {
    let mut value: String = release
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '_' | '.') => c,
            _ => '-',
        })
        .take(63)
        .collect();
    while value.ends_with(['-', '_', '.']) {
        value.pop();
    }
    value
}
