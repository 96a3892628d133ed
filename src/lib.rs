//! release-cockpit: a full-screen terminal cockpit for release day.
//!
//! The crate follows the Elm architecture (see `docs/ARCHITECTURE.md`):
//! [`app`] holds the pure core (`Model`, `Msg`, `Effect`, `update`), [`ui`] draws a
//! `Model` with ratatui, and [`runtime`] owns the terminal, the event loop and every
//! side effect. Around them:
//!
//! - [`domain`]: the release's facts and rules (playbooks, checklist, calendar,
//!   rollouts, health rules, rollback plans, incidents), free of I/O;
//! - [`session`]: the journals on disk, the release lock, and which release opens;
//! - [`config`]: the TOML configuration, themes and where files live;
//! - [`adapters`]: the outside world's clients (Kubernetes, Prometheus, `/metrics`);
//! - [`sandbox`]: the Kubernetes API subset and simulated services the demo and
//!   the tests run against;
//! - [`demo`]: the built-in demo release and its cluster;
//! - [`cli`]: the command line and every subcommand but the cockpit;
//! - [`startup`]: from `main` to a running cockpit.

pub mod adapters;
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod runtime;
pub mod sandbox;
pub mod session;
pub mod startup;
pub mod ui;
