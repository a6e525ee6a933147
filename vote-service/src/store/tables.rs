//! The redb tables. One write transaction records a batch of votes in `audit`, `totals` and `daily` together with
//! the ballot index ([`super::index`]: its runs `ballot_run_<n>` and its state in `meta`), so a vote is either
//! entirely recorded or not at all.

use redb::TableDefinition;

/// Settings: `rules` (the frozen election rules, see [`crate::election::Election::frozen_rules`]),
/// `tally_visibility` (frozen too), `secret_fingerprint` (which `<db>.secret` the database was made with, see
/// [`super::frozen`]) and `ballot_index` (the runs of the ballot index, and how far the audit log is in them).
pub const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// Votes per case.
pub const TOTALS: TableDefinition<&str, u64> = TableDefinition::new("totals");
/// Votes per (local day, case).
pub const DAILY: TableDefinition<(&str, &str), u64> = TableDefinition::new("daily");
/// The audit log ([`super::audit`]): every counted vote as JSON, `{at, day, case, scope, client, network,
/// receipt}`, one entry per transaction holding its records as lines under the sequence number of the first.
/// `client` is the keyed hash, `network` the /24 or /48: never a raw address.
pub const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");
/// The hash chain over the audit entries ([`super::chain`]): per entry (keyed like it, by its first sequence
/// number) the 32-byte SHA-256 link.
pub const CHAIN: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_chain");
