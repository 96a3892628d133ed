//! release-cockpit: a full-screen terminal cockpit for release day.
//!
//! The crate follows the Elm architecture (see `docs/ARCHITECTURE.md`):
//! [`app`] holds the pure core (`Model`, `Msg`, `Effect`, `update`), [`ui`] draws a
//! `Model` with ratatui, and [`runtime`] owns the terminal, the event loop and every
//! side effect. [`config`] and [`paths`] are start-up wiring.

pub mod adapters;
pub mod app;
pub mod calendar_report;
pub mod calendar_setup;
pub mod cli;
pub mod config;
pub mod current_release;
pub mod demo;
pub mod demo_cluster;
pub mod domain;
pub mod logging;
pub mod output;
pub mod paths;
pub mod query_check;
pub mod reports;
pub mod runtime;
pub mod sandbox;
pub mod sandbox_command;
pub mod session;
pub mod startup;
pub mod status_report;
pub mod ui;
