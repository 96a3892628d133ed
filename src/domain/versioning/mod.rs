//! Versions, commits and release notes, free of git: a commit message read
//! as a Conventional Commit, the next version it asks for, a tag name made
//! from and read back into a version, and the notes of a release.
//! `adapters/git` reads the repository; this decides what it means.

pub mod bump;
pub mod changelog;
pub mod conventional;
pub mod notes;
pub mod plan;
pub mod reading;
pub mod repos;
pub mod tag_format;
pub mod template;
