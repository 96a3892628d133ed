//! The built-in demo: a release part-way through its week and the sandbox
//! cluster its targets point at.

pub mod cluster;
pub mod release;
pub mod repo;

/// The demo's one channel: a file under its state dir, so that a notify
/// step really sends (`messages.md`, private) and nothing leaves the
/// machine.
pub fn channels(dir: &std::path::Path) -> crate::domain::comms::channel::Channels {
    use crate::domain::comms::channel::{Channel, ChannelKind, Channels};
    Channels {
        list: vec![Channel {
            name: "team".to_owned(),
            kind: ChannelKind::File {
                path: dir.join("messages.md"),
            },
            timeout: std::time::Duration::from_secs(10),
            retries: 0,
        }],
        default: Some("team".to_owned()),
    }
}
