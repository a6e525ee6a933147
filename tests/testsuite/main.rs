//! One test binary for every integration test, as in mdBook's testsuite: each module drives a real binary.

mod build;
mod check;
