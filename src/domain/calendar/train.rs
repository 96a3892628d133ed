//! A release train: a named series of releases on a cadence, with the dates
//! around each release that the team plans by.

use chrono::Duration;
use chrono_tz::Tz;

use super::blackout::BlackoutPolicy;
use super::cadence::Cadence;
use crate::domain::offset::Offset;
use crate::domain::release::ReleaseType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Train {
    pub name: String,
    pub kind: ReleaseType,
    /// Playbook by name; the type's default when `None`.
    pub playbook: Option<String>,
    pub zone: Tz,
    pub cadence: Cadence,
    /// Code freeze starts here and lasts until T-0 (`T-2d`).
    pub freeze: Option<Offset>,
    /// The release is announced (`T-3d`).
    pub announce: Option<Offset>,
    /// Pre-release notice to customers or stakeholders (`T-7d`, `T-30d` for majors).
    pub notice: Option<Offset>,
    /// How long the deployment window stays open after T-0.
    pub window: Option<Duration>,
    /// No merges to the main branch while the window is open.
    pub merge_freeze: bool,
    pub on_blackout: BlackoutPolicy,
}

impl Train {
    /// A release of this train: its notify steps sending the `notice` or
    /// the `announce` template fall due at the train's offsets for them,
    /// the dates the calendar shows (the train is the more particular of
    /// the two). A step that follows another (`after`) keeps its order.
    pub fn time_messages(&self, playbook: &mut crate::domain::playbook::Playbook) {
        use crate::domain::playbook::{StepKind, When};
        for step in playbook.phases.iter_mut().flat_map(|p| p.steps.iter_mut()) {
            let StepKind::Notify {
                template: Some(template),
                ..
            } = &step.kind
            else {
                continue;
            };
            let offset = match template.as_str() {
                "notice" => self.notice,
                "announce" => self.announce,
                _ => None,
            };
            if let Some(offset) = offset
                && matches!(step.when, When::At(_))
            {
                step.when = When::At(offset);
            }
        }
    }

    /// How far before T-0 the earliest of its dates can be.
    pub fn lead(&self) -> Duration {
        [self.freeze, self.announce, self.notice]
            .into_iter()
            .flatten()
            .map(|o| -o.duration())
            .max()
            .unwrap_or_else(Duration::zero)
            .max(Duration::zero())
    }
}
