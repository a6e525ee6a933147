//! The subcommands of the `vote-service` binary, one file each.

pub mod audit;
pub mod export;
pub mod merge;
pub mod review;
pub mod serve;
pub mod simulate;
pub mod verify;
