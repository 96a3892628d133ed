//! The built-in demo: a release part-way through its week and the sandbox
//! cluster its targets point at.

pub mod cluster;
pub mod release;
pub mod repo;
