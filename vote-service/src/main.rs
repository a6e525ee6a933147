//! The `vote-service` command line.

use clap::Parser;

/// Records votes for the online exhibition hall: one vote per client per day, durable before acknowledged.
#[derive(Debug, Parser)]
#[command(name = "vote-service", version, about)]
struct Cli {}

fn main() {
    Cli::parse();
}
