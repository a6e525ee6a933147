//! `vote-service merge`: one tally from the JSON exports of several shards of one election.

use std::path::PathBuf;

use anyhow::Context;
use vote_service::tally::Tally;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON tallies written by `vote-service export`.
    #[arg(required = true)]
    pub tallies: Vec<PathBuf>,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let mut tallies = Vec::new();
    for path in &args.tallies {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
        let tally: Tally = serde_json::from_str(&text).with_context(|| format!("{}: not a tally", path.display()))?;
        anyhow::ensure!(tally.format == vote_service::tally::FORMAT, "{}: unknown tally format", path.display());
        tallies.push(tally);
    }
    let merged = Tally::merge(tallies, jiff::Timestamp::now().to_string()).map_err(anyhow::Error::msg)?;
    print!("{}", merged.to_json());
    Ok(())
}
