//! One test binary for every integration test, as in mdBook's testsuite: each module drives a real binary.

mod book;
mod browser;
mod build;
mod check;
mod decisions;
mod deploy;
mod integrity;
mod operations;
mod preview;
mod print_share;
mod receipt_check;
mod results;
mod review;
mod vote_attacks;
mod votes;
