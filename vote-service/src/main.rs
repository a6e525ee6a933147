//! The `vote-service` command line: one subcommand a file under `cmd/`.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Records votes for the online exhibition hall: one vote per client per day, durable before acknowledged.
#[derive(Debug, Parser)]
#[command(name = "vote-service", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Take votes over HTTP.
    Serve(cmd::serve::Args),
    /// Print the tally of a database (JSON or CSV).
    Export(cmd::export::Args),
    /// Merge the JSON tallies of several shards into one.
    Merge(cmd::merge::Args),
    /// Check that the counters equal the audit records; exit 1 with the differences otherwise.
    Verify(cmd::verify::Args),
    /// Print the audit log as JSON lines, one counted vote a line (the input of review).
    Audit(cmd::audit::Args),
    /// Take a consistent copy of the database and its secret, also while the service runs.
    Backup(cmd::backup::Args),
    /// Put a backup back as a database, after checking it.
    Restore(cmd::restore::Args),
    /// Find ballot stuffing in the audit log; print the findings as text or JSON lines.
    Review(cmd::review::Args),
    /// Replay a simulated election with planted stuffing through the database and review it (benchmark).
    #[command(hide = true)]
    SimulateElection(cmd::simulate::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Serve(args) => cmd::serve::execute(args).map(|()| ExitCode::SUCCESS),
        Command::Export(args) => cmd::export::execute(args).map(|()| ExitCode::SUCCESS),
        Command::Merge(args) => cmd::merge::execute(args).map(|()| ExitCode::SUCCESS),
        Command::Verify(args) => cmd::verify::execute(args),
        Command::Audit(args) => cmd::audit::execute(args).map(|()| ExitCode::SUCCESS),
        Command::Backup(args) => cmd::backup::execute(args).map(|()| ExitCode::SUCCESS),
        Command::Restore(args) => cmd::restore::execute(args).map(|()| ExitCode::SUCCESS),
        Command::Review(args) => cmd::review::execute(args).map(|()| ExitCode::SUCCESS),
        Command::SimulateElection(args) => cmd::simulate::execute(args).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|e| {
        eprintln!("vote-service: error: {e:#}");
        ExitCode::from(1)
    })
}
