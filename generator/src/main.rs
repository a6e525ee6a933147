//! The `generator` command line: one subcommand a file under `cmd/`.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Builds the online exhibition hall of typical informatization cases from content/.
#[derive(Debug, Parser)]
#[command(name = "generator", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every case against the notice's rules; print every problem as path:line: field: message.
    Check(cmd::check::Args),
    /// Build the hall into output/: check, derive photos, render, index; output/ changes only on success.
    Build(cmd::build::Args),
    /// Preview on 127.0.0.1: build, serve, rebuild and reload on every change, with a working vote button.
    Serve(cmd::serve::Args),
    /// Print how one case's composite score and rank were computed, step by step.
    Explain(cmd::explain::Args),
    /// Create a new case folder with a commented front matter.
    New(cmd::new::Args),
    /// Import the submission system's export (XLSX or CSV): a case folder per passing row, and the 审核 report.
    Import(cmd::import::Args),
    /// Write each panel's blank mark sheet (CSV for WPS and Excel) listing the shortlisted cases.
    Sheets(cmd::sheets::Args),
    /// Typeset the case collection (典型案例集) as a PDF book, once the results are final.
    Book(cmd::book::Args),
    /// Typeset every certificate (证书) of the final results as a PDF, one A4 landscape page each.
    Certificates(cmd::certificates::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Check(args) => cmd::check::execute(args),
        Command::Build(args) => cmd::build::execute(args),
        Command::Serve(args) => cmd::serve::execute(args),
        Command::New(args) => cmd::new::execute(args),
        Command::Explain(args) => cmd::explain::execute(args),
        Command::Import(args) => cmd::import::execute(args),
        Command::Sheets(args) => cmd::sheets::execute(args),
        Command::Book(args) => cmd::book::execute(args),
        Command::Certificates(args) => cmd::certificates::execute(args),
    }
}
