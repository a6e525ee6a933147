//! `vote-service export`: the tally of a database, as JSON (for `content/votes/tally.json`) or CSV, offline; with
//! the decisions on ballot stuffing applied, and the receipts file for the voters' receipt check.

use std::path::PathBuf;

use std::io::Write;

use anyhow::Context;
use vote_service::decisions::Decisions;
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
    /// Apply the decisions of this file (`content/votes/decisions.yaml`): the tally then counts only the votes no
    /// decision took out, and says what each decision took out.
    #[arg(long)]
    pub decisions: Option<PathBuf>,
    /// The review report (`vote-service review --format json`) whose findings the decisions name.
    #[arg(long, requires = "decisions")]
    pub findings: Option<PathBuf>,
    /// Also write every vote's receipt, case, day and (if not counted) decision to this file, as JSON lines: for the
    /// organisers' build, which publishes only their hashes (`content/votes/receipts.jsonl`). Never publish it.
    #[arg(long)]
    pub receipts: Option<PathBuf>,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let store = Store::open_existing(&args.db)?;
    let election = store.election_id()?.unwrap_or_default();
    let mut tally = Tally::of_store(&store, &election, jiff::Timestamp::now().to_string())?;
    if args.decisions.is_some() || args.receipts.is_some() {
        let decisions = match &args.decisions {
            Some(path) => Decisions::load(path, args.findings.as_deref())?,
            None => Decisions { list: Vec::new() },
        };
        let mut receipts = match &args.receipts {
            Some(path) => Some(std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("{}", path.display()))?,
            )),
            None => None,
        };
        let mut failed = None;
        tally = tally.apply(&store, &decisions, |line| {
            if let Some(out) = receipts.as_mut()
                && failed.is_none()
                && let Err(e) = serde_json::to_writer(&mut *out, line)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"))
            {
                failed = Some(e);
            }
        })?;
        if let Some(e) = failed {
            anyhow::bail!("writing the receipts failed: {e}");
        }
        if let Some(mut out) = receipts {
            out.flush()?;
        }
    }
    print!(
        "{}",
        match args.format {
            Format::Json => tally.to_json(),
            Format::Csv => tally.to_csv(),
        }
    );
    Ok(())
}
