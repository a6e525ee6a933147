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
    let counters = store.counts()?;
    let (recount, check) = store.recount()?;
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
    if check.ballots != recount.total() {
        differences.push(format!("{} ballots but {} audit records", check.ballots, recount.total()));
    }
    let chain = store.check_chain()?;
    if chain.broken_count > 0 {
        let at: Vec<String> = chain.broken.iter().map(u64::to_string).collect();
        differences.push(format!(
            "the audit log's hash chain does not hold: {} entries with a missing or wrong link (first sequence numbers \
             {}): the log was changed after it was written, or the database predates the chain and was never \
             opened by serve since",
            chain.broken_count,
            at.join(", ")
        ));
    }
    if chain.orphans > 0 {
        differences
            .push(format!("{} links of the hash chain have no audit entry: entries were removed", chain.orphans));
    }
    if let Err(e) = store.check_secret() {
        differences.push(e.to_string());
    }
    if check.unmatched > 0 {
        differences.push(format!("{} audit records have no ballot of their own in the index", check.unmatched));
    }
    if differences.is_empty() {
        println!(
            "{}: {} votes; counters, ballots and audit records agree, the hash chain holds (ballot index: {} runs, {} \
             ballots replayed from the audit log)",
            args.db.display(),
            recount.total(),
            check.runs,
            check.replayed
        );
        for (day, hash) in &chain.closing {
            println!("  {day} closing hash {hash}");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &differences {
            eprintln!("{}: {d}", args.db.display());
        }
        Ok(ExitCode::from(1))
    }
}
