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
    anyhow::ensure!(args.db.is_file(), "{}: no such database", args.db.display());
    let store = Store::open_existing_or_new(&args.db)?;
    let election = store.election_id()?.unwrap_or_default();
    let name = args.db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tally = Tally::new(&election, jiff::Timestamp::now().to_string(), &name, store.counts()?);
    print!(
        "{}",
        match args.format {
            Format::Json => tally.to_json(),
            Format::Csv => tally.to_csv(),
        }
    );
    Ok(())
}
