//! What the notify dialog asks to send: a data module, so the confirmation
//! that carries it and the actions that build it need not import each other.

use crate::domain::comms::channel::Channel;
use crate::domain::comms::message::Outgoing;

/// What the dialog asks to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyPlan {
    /// The notify step sending it; `None` for another message (the
    /// rollback notice), journaled as `MessageSending`.
    pub step: Option<String>,
    pub channel: Channel,
    pub message: Outgoing,
    /// The last send has no recorded outcome (the cockpit stopped during
    /// it): it may have gone out.
    pub uncertain: bool,
}
