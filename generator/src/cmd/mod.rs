//! The subcommands of the `generator` binary, one file each: the command line and a short `execute`.

pub mod build;
pub mod check;
