//! Helpers shared by integration tests: `mod support;` in a test file.
//! Not every test file uses every helper.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod docker;
pub mod engine_proxy;
pub mod git;
pub mod prometheus;
pub mod webhook;
