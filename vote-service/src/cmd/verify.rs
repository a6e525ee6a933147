//! `vote-service verify`: the counters equal a recount of the audit records, and every ballot has its record.

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
    anyhow::ensure!(args.db.is_file(), "{}: no such database", args.db.display());
    let store = Store::open_existing_or_new(&args.db)?;
    let counters = store.counts()?;
    let (recount, ballots) = store.recount()?;
    let mut differences = Vec::new();
    let cases: std::collections::BTreeSet<&String> = counters.totals.keys().chain(recount.totals.keys()).collect();
    for case in cases {
        let (a, b) = (counters.totals.get(case).copied().unwrap_or(0), recount.totals.get(case).copied().unwrap_or(0));
        if a != b {
            differences.push(format!("case {case}: counter {a}, audit records {b}"));
        }
    }
    if counters.daily != recount.daily {
        differences.push("the per-day counters differ from the audit records".to_owned());
    }
    if ballots != recount.total() {
        differences.push(format!("{ballots} ballots but {} audit records", recount.total()));
    }
    if differences.is_empty() {
        println!("{}: {} votes; counters, ballots and audit records agree", args.db.display(), recount.total());
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &differences {
            eprintln!("{}: {d}", args.db.display());
        }
        Ok(ExitCode::from(1))
    }
}
