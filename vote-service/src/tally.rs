//! Tallies: what `vote-service export` and `GET /api/export` write, and `vote-service merge` combines across shards.
//! `generator` reads the JSON form as `content/votes/tally.json`. Schema (format 1):
//! `{"format": 1, "election": id, "exported_at": RFC 3339, "total_votes": n, "totals": {case: n},
//!   "daily": {day: {case: n}}, "sources": [{"name": ..., "votes": n, "closing_hashes": {day: hex}}]}`.
//! With decisions applied (`export --decisions`), `totals`, `daily` and `total_votes` are the counted votes, and the
//! tally also holds `before` {case: votes cast}, `voided` {case: votes not counted}, `decisions` [each with the votes
//! it took out] and `disqualified` {case: reason}.
//! The CSV form has a row per case: `case,total,<day>,<day>,...`, and a last row `total,...`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::decisions::{Action, Decisions};
use crate::store::{Counts, Store, StoreError};

pub const FORMAT: u32 = 1;

/// Where a tally's votes came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub votes: u64,
    /// Per local day, the closing hash of the source's audit chain (the link of the day's last entry): published
    /// the same day, it shows any later change to the day's votes. Absent in tallies of older services.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub closing_hashes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub format: u32,
    pub election: String,
    pub exported_at: String,
    pub total_votes: u64,
    pub totals: BTreeMap<String, u64>,
    pub daily: BTreeMap<String, BTreeMap<String, u64>>,
    pub sources: Vec<Source>,
    /// Votes cast per case, before decisions; absent when no decision was applied.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub before: BTreeMap<String, u64>,
    /// Votes not counted per case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub voided: BTreeMap<String, u64>,
    /// The decisions applied, in the order of the decisions file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Applied>,
    /// Cases that left the selection, with the reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub disqualified: BTreeMap<String, String>,
}

/// A decision as the tally reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub id: String,
    pub action: Action,
    pub case: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// Votes this decision took out of the count.
    pub voided: u64,
    pub decided_by: String,
    pub decided_on: String,
    pub reason: String,
}

impl Tally {
    pub fn new(election: &str, exported_at: String, source: &str, counts: Counts) -> Self {
        let total = counts.total();
        Tally {
            format: FORMAT,
            election: election.to_owned(),
            exported_at,
            total_votes: total,
            totals: counts.totals,
            daily: counts.daily,
            sources: vec![Source { name: source.to_owned(), votes: total, closing_hashes: BTreeMap::new() }],
            before: BTreeMap::new(),
            voided: BTreeMap::new(),
            decisions: Vec::new(),
            disqualified: BTreeMap::new(),
        }
    }

    /// The sum of tallies of one election taken by separate services (shards), each client in one shard.
    pub fn merge(tallies: Vec<Tally>, exported_at: String) -> Result<Tally, String> {
        let mut iter = tallies.into_iter();
        let mut merged = iter.next().ok_or("nothing to merge")?;
        merged.exported_at = exported_at;
        for tally in iter {
            if tally.election != merged.election {
                return Err(format!("tallies of two elections: '{}' and '{}'", merged.election, tally.election));
            }
            for (case, n) in tally.totals {
                *merged.totals.entry(case).or_default() += n;
            }
            for (day, cases) in tally.daily {
                for (case, n) in cases {
                    *merged.daily.entry(day.clone()).or_default().entry(case).or_default() += n;
                }
            }
            merged.total_votes += tally.total_votes;
            merged.sources.extend(tally.sources);
            for (case, n) in tally.before {
                *merged.before.entry(case).or_default() += n;
            }
            for (case, n) in tally.voided {
                *merged.voided.entry(case).or_default() += n;
            }
            for applied in tally.decisions {
                match merged.decisions.iter_mut().find(|d| d.id == applied.id) {
                    Some(same) => same.voided += applied.voided,
                    None => merged.decisions.push(applied),
                }
            }
            merged.disqualified.extend(tally.disqualified);
        }
        Ok(merged)
    }

    /// The tally of `store`, with the closing hash of every day; refused when the audit chain does not hold, since
    /// a tally must not be published from a log that was changed.
    pub fn of_store(store: &Store, election: &str, exported_at: String) -> Result<Tally, StoreError> {
        let chain = store.check_chain()?;
        if chain.broken_count > 0 || chain.orphans > 0 {
            return Err(StoreError::Database {
                path: store.path().to_owned(),
                message: format!(
                    "the audit log's hash chain does not hold ({} entries with a wrong link, first at sequence \
                     number {}); nothing is exported. Run vote-service verify, and restore the backup",
                    chain.broken_count,
                    chain.broken.first().map_or_else(|| "?".to_owned(), u64::to_string)
                ),
            });
        }
        let mut tally = Tally::new(election, exported_at, &store.file_name(), store.counts()?);
        tally.sources[0].closing_hashes = chain.closing;
        Ok(tally)
    }

    /// This tally (of `store`, with no decision applied yet) with `decisions` applied to `store`'s audit log:
    /// counted votes in `totals` and `daily`, what each decision took out. `receipt` gets every vote's receipt,
    /// case, day and, for a vote not counted, the decision.
    pub fn apply(
        mut self,
        store: &Store,
        decisions: &Decisions,
        mut receipt: impl FnMut(&ReceiptLine<'_>),
    ) -> Result<Tally, StoreError> {
        let mut counted = Counts::default();
        let mut before: BTreeMap<String, u64> = BTreeMap::new();
        let mut voided: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_decision: BTreeMap<String, u64> = BTreeMap::new();
        store.each_record(|_, record| {
            *before.entry(record.case.clone()).or_default() += 1;
            let decision = decisions.covering(&record).map(|d| d.id.as_str());
            match decision {
                Some(id) => {
                    *voided.entry(record.case.clone()).or_default() += 1;
                    *by_decision.entry(id.to_owned()).or_default() += 1;
                }
                None => {
                    *counted.totals.entry(record.case.clone()).or_default() += 1;
                    *counted.daily.entry(record.day.clone()).or_default().entry(record.case.clone()).or_default() += 1;
                }
            }
            receipt(&ReceiptLine {
                receipt: &record.receipt,
                case: &record.case,
                day: &record.day,
                voided_by: decision,
            });
        })?;
        self.total_votes = counted.total();
        self.totals = counted.totals;
        self.daily = counted.daily;
        self.sources[0].votes = self.total_votes;
        self.before = before;
        self.voided = voided;
        for (decision, covered) in &decisions.list {
            self.decisions.push(Applied {
                id: decision.id.clone(),
                action: decision.action,
                case: covered.case().to_owned(),
                finding: decision.finding.clone(),
                voided: by_decision.get(&decision.id).copied().unwrap_or(0),
                decided_by: decision.decided_by.clone(),
                decided_on: decision.decided_on.to_string(),
                reason: decision.reason.clone(),
            });
            if decision.action == Action::Disqualify {
                self.disqualified.insert(covered.case().to_owned(), decision.reason.clone());
            }
        }
        Ok(self)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("tallies serialise") + "\n"
    }

    pub fn to_csv(&self) -> String {
        let days: BTreeSet<&String> = self.daily.keys().collect();
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["case".to_owned(), "total".to_owned()];
        header.extend(days.iter().map(|d| (*d).clone()));
        out.write_record(&header).expect("csv to memory");
        let per_day = |day: &String, case: &str| self.daily.get(day).and_then(|c| c.get(case)).copied().unwrap_or(0);
        for (case, total) in &self.totals {
            let mut row = vec![case.clone(), total.to_string()];
            row.extend(days.iter().map(|d| per_day(d, case).to_string()));
            out.write_record(&row).expect("csv to memory");
        }
        let mut row = vec!["total".to_owned(), self.total_votes.to_string()];
        row.extend(days.iter().map(|d| self.daily[*d].values().sum::<u64>().to_string()));
        out.write_record(&row).expect("csv to memory");
        String::from_utf8(out.into_inner().expect("flush")).expect("utf-8")
    }
}

/// One line of the receipts file (`export --receipts`): for the organisers' build, which publishes only hashes.
#[derive(Debug, Serialize)]
pub struct ReceiptLine<'a> {
    pub receipt: &'a str,
    pub case: &'a str,
    pub day: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voided_by: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(source: &str, votes: &[(&str, &str, u64)]) -> Tally {
        let mut counts = Counts::default();
        for (day, case, n) in votes {
            *counts.totals.entry((*case).to_owned()).or_default() += n;
            *counts.daily.entry((*day).to_owned()).or_default().entry((*case).to_owned()).or_default() += n;
        }
        Tally::new("e", "t".to_owned(), source, counts)
    }

    #[test]
    fn merging_adds_counts_and_keeps_sources() {
        let merged = Tally::merge(
            vec![tally("a", &[("2020-08-22", "x", 2)]), tally("b", &[("2020-08-22", "x", 1), ("2020-08-23", "y", 4)])],
            "now".to_owned(),
        )
        .expect("same election");
        assert_eq!(merged.totals, [("x".to_owned(), 3), ("y".to_owned(), 4)].into());
        assert_eq!(merged.total_votes, 7);
        assert_eq!(merged.sources.len(), 2);
    }

    #[test]
    fn csv_has_a_row_per_case_and_a_total_row() {
        let csv = tally("a", &[("2020-08-22", "x", 2), ("2020-08-23", "x", 1), ("2020-08-23", "y", 4)]).to_csv();
        assert_eq!(csv, "case,total,2020-08-22,2020-08-23\nx,3,2,1\ny,4,0,4\ntotal,7,2,5\n");
    }

    #[test]
    fn tallies_of_two_elections_do_not_merge() {
        let mut other = tally("b", &[]);
        other.election = "f".to_owned();
        assert!(Tally::merge(vec![tally("a", &[]), other], "now".to_owned()).is_err());
    }
}
