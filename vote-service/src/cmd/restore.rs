//! `vote-service restore`: puts a backup (and its secret) back as a database, after checking it as `verify` does;
//! never over an existing database or secret.

use std::path::{Path, PathBuf};

use anyhow::Context;
use vote_service::secret;
use vote_service::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup (a file written by `vote-service backup`, with its `.secret` beside it).
    #[arg(long)]
    pub from: PathBuf,
    /// Where the restored database goes (must not exist).
    #[arg(long)]
    pub db: PathBuf,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let (secret_from, secret_to) = (secret::path_for(&args.from), secret::path_for(&args.db));
    for existing in [&args.db, &secret_to] {
        anyhow::ensure!(!existing.exists(), "{} exists already; restore never overwrites", existing.display());
    }
    anyhow::ensure!(
        secret_from.is_file(),
        "{} is missing: a database cannot be served without the secret it was made with; restore from a backup that has it",
        secret_from.display()
    );
    let votes = check(&args.from)?;
    copy_durably(&secret_from, &secret_to)?;
    copy_durably(&args.from, &args.db)?;
    println!(
        "{}: restored from {} ({votes} votes; counters, ballots, audit log, hash chain and secret agree)",
        args.db.display(),
        args.from.display()
    );
    Ok(())
}

/// The backup passes every check of `verify`; the number of votes.
fn check(backup: &Path) -> anyhow::Result<u64> {
    let found = Store::open_existing(backup)?.verify()?;
    anyhow::ensure!(found.differences.is_empty(), "{}: {}", backup.display(), found.differences.join("; "));
    Ok(found.votes)
}

/// Copies `from` to `to` through a temporary name, synced before it takes its name.
fn copy_durably(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut partial = to.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::copy(from, &partial).with_context(|| format!("copying {} to {}", from.display(), partial.display()))?;
    std::fs::File::open(&partial).and_then(|f| f.sync_all())?;
    std::fs::rename(&partial, to)?;
    Ok(())
}
