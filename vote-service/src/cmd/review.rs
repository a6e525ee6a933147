//! `vote-service review`: finds ballot stuffing in the audit log (a file from `vote-service audit`, or a database)
//! and prints the findings, as text or as JSON lines.

use std::io::Write;
use std::path::PathBuf;

use vote_service::review::{report, review_input};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["audit", "db"])))]
pub struct Args {
    /// The audit log as JSON lines (what `vote-service audit` prints).
    #[arg(long)]
    pub audit: Option<PathBuf>,
    /// A vote database (a copy, or the live one while the service is stopped).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// The rules' thresholds (YAML); the defaults are in README.md.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let findings = review_input(args.audit.as_deref(), args.db.as_deref(), args.rules.as_deref())?;
    let out = match args.format {
        Format::Json => report::json_lines(&findings)?,
        Format::Text => report::text(&findings),
    };
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(out.as_bytes())?;
    lock.flush()?;
    Ok(())
}
