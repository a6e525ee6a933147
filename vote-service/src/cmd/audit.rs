//! `vote-service audit`: the audit log as JSON lines, one record per counted vote in counting order, each with its
//! sequence number (`seq`) first; the input of `review`. It names no person: client and User-Agent are keyed hashes.

use std::io::Write;
use std::path::PathBuf;

use vote_service::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The vote database (a copy, or the live one while the service is stopped).
    #[arg(long)]
    pub db: PathBuf,
    /// The first sequence number to print.
    #[arg(long, default_value_t = 0)]
    pub from: u64,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let store = Store::open_existing(&args.db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = None;
    store.audit_lines(args.from, u64::MAX, |line| {
        if failed.is_none()
            && let Err(e) = writeln!(out, "{line}")
        {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}
