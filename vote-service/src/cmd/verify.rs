//! `vote-service verify`: the counters equal a recount of the audit records, and the ballot index holds exactly
//! one ballot per audit record (each under the record's own sequence number and case), and the secret beside it is
//! the one it was made with.

use std::path::PathBuf;
use std::process::ExitCode;

use vote_service::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The vote database.
    #[arg(long)]
    pub db: PathBuf,
}

pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(&args.db)?;
    let found = store.verify()?;
    if found.differences.is_empty() {
        println!(
            "{}: {} votes; counters, ballots and audit records agree, the hash chain holds (ballot index: {} runs, {} \
             ballots replayed from the audit log)",
            args.db.display(),
            found.votes,
            found.ballots.runs,
            found.ballots.replayed
        );
        for (day, hash) in &found.closing {
            println!("  {day} closing hash {hash}");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &found.differences {
            eprintln!("{}: {d}", args.db.display());
        }
        Ok(ExitCode::from(1))
    }
}
