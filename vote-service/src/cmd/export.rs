//! `vote-service export`: the tally of a database, as JSON (for `content/votes/tally.json`) or CSV, offline.

use std::path::PathBuf;

use vote_service::store::Store;
use vote_service::tally::Tally;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The vote database.
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let store = Store::open_existing(&args.db)?;
    let election = store.election_id()?.unwrap_or_default();
    let tally = Tally::of_store(&store, &election, jiff::Timestamp::now().to_string())?;
    print!(
        "{}",
        match args.format {
            Format::Json => tally.to_json(),
            Format::Csv => tally.to_csv(),
        }
    );
    Ok(())
}
