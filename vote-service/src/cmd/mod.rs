//! The subcommands of the `vote-service` binary, one file each.

pub mod audit;
pub mod backup;
pub mod export;
pub mod merge;
pub mod restore;
pub mod review;
pub mod serve;
pub mod simulate;
pub mod verify;
