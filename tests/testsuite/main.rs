//! One test binary for every integration test, as in mdBook's testsuite: each module drives a real binary.

mod after_vote;
mod after_vote_browser;
mod book;
mod browser;
mod build;
mod check;
mod closing_hashes;
mod decisions;
mod deploy;
mod exhibition;
mod intake;
mod integrity;
mod operations;
mod pre_commit;
mod preview;
mod print_share;
mod quality;
mod receipt_check;
mod results;
mod review;
mod search;
mod vote_attacks;
mod votes;
