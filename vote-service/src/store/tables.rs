//! The redb tables. One write transaction touches `ballots`, `totals`, `daily` and `audit` together, so a vote is
//! either entirely recorded or not at all.

use redb::TableDefinition;

/// Settings: `rules` (the frozen election rules, see [`crate::election::Election::frozen_rules`]).
pub const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// One entry per client, local day and scope: `day|scope|` + 16-byte client hash -> case id. (The receipt is not
/// stored: it is derived from this key, so a repeat of the vote gets the same one.)
pub const BALLOTS: TableDefinition<&[u8], &str> = TableDefinition::new("ballots");
/// Votes per case.
pub const TOTALS: TableDefinition<&str, u64> = TableDefinition::new("totals");
/// Votes per (local day, case).
pub const DAILY: TableDefinition<(&str, &str), u64> = TableDefinition::new("daily");
/// Every counted vote, by sequence number, as JSON: `{at, day, case, client, network, receipt}`. `client` is the
/// keyed hash, `network` the /24 or /48: never a raw address.
pub const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");
