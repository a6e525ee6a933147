//! One test binary for every integration test, as in mdBook's testsuite: each module drives a real binary.

mod after_vote;
mod after_vote_browser;
mod browser;
mod build;
mod check;
mod decisions;
mod deploy;
mod integrity;
mod operations;
mod preview;
mod receipt_check;
mod results;
mod review;
mod vote_attacks;
mod votes;
