//! The dialogs drawn over the panes: their state and what their keys do (the
//! one confirmation, the palette, the notice log, the rollback wizard, the
//! `:incident` form).

pub mod confirm;
pub mod incident_form;
pub mod notices;
pub(crate) mod overlay_keys;
pub mod palette;
pub mod rollback_wizard;
pub mod scrolling;
