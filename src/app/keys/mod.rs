//! Keys and what they mean: the one command table, key notation, the keymap
//! that reads a key in a mode, and the footer's hints generated from both.

pub mod commands;
pub mod hints;
pub mod key;
pub mod keymap;
