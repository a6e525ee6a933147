//! What `verify` checks, in one place (also for `restore`): the counters equal a recount of the audit records, the
//! ballot index holds exactly one ballot per record, the hash chain holds, and the secret is the database's own.

use std::collections::{BTreeMap, BTreeSet};

use super::{BallotCheck, Store, StoreError};

/// What a verification found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Votes in the audit log.
    pub votes: u64,
    pub ballots: BallotCheck,
    /// Each local day's closing hash.
    pub closing: BTreeMap<String, String>,
    /// Every disagreement, in words; none when the database is sound.
    pub differences: Vec<String>,
}

impl Store {
    /// Checks the database as `verify` does.
    pub fn verify(&self) -> Result<Verification, StoreError> {
        let counters = self.counts()?;
        let (recount, check) = self.recount()?;
        let mut differences = Vec::new();
        let cases: BTreeSet<&String> = counters.totals.keys().chain(recount.totals.keys()).collect();
        for case in cases {
            let (a, b) =
                (counters.totals.get(case).copied().unwrap_or(0), recount.totals.get(case).copied().unwrap_or(0));
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
        if check.unmatched > 0 {
            differences.push(format!("{} audit records have no ballot of their own in the index", check.unmatched));
        }
        let chain = self.check_chain()?;
        if chain.broken_count > 0 {
            let at: Vec<String> = chain.broken.iter().map(u64::to_string).collect();
            differences.push(format!(
                "the audit log's hash chain does not hold: {} entries with a missing or wrong link (first sequence \
                 numbers {}): the log was changed after it was written, or the database predates the chain and was \
                 never opened by serve since",
                chain.broken_count,
                at.join(", ")
            ));
        }
        if chain.orphans > 0 {
            differences
                .push(format!("{} links of the hash chain have no audit entry: entries were removed", chain.orphans));
        }
        if let Err(e) = self.check_secret() {
            differences.push(e.to_string());
        }
        Ok(Verification { votes: recount.total(), ballots: check, closing: chain.closing, differences })
    }
}
