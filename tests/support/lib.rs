//! Helpers for the integration and end-to-end tests: the real binaries, built fresh, run as a user would.

pub mod binaries;
pub mod browser;
pub mod http;
pub mod nginx;
pub mod pdf;
pub mod photos;
pub mod preview;
pub mod run;
pub mod site;
pub mod static_server;
pub mod vote_service;
