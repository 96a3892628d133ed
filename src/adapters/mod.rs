//! Adapters to the world outside: each turns a client library's types into the
//! domain's and back. Nothing here draws or decides.

pub mod command;
pub mod comms;
pub mod docker;
pub mod git;
pub mod kubernetes;
pub mod prometheus;
pub mod scrape;
pub mod text;
