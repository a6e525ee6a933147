//! The subcommands of the `vote-service` binary, one file each.

pub mod audit;
pub mod export;
pub mod merge;
pub mod serve;
pub mod verify;
