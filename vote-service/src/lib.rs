//! The vote service: records one vote per client per local day for the cases of the manifest that
//! `generator build` writes (`output/api/cases.json`), durably before it answers, and exports tallies.
//!
//! A request flows through: [`http`] (routes and answers) -> [`client`] (who is voting, trusted proxies) ->
//! [`election`] (the day, the window, the scope) -> [`store::writer`] (group commit into redb) -> the answer.
//! Before a vote reaches the writer, [`origin`] refuses votes that foreign sites made a visitor's browser send.
//! After the vote, [`decisions`] (people's decisions on ballot stuffing) are applied to the audit log by the export.
//! Around them: [`service`] assembles the parts, [`manifest`] reads the generator's manifest, [`clock`] can be
//! shifted for rehearsals, [`secret`] keys the hash that replaces raw addresses, [`tally`] exports and merges
//! counts, [`server`] accepts connections (at most [`connections`] per client), [`log`] keeps repeated errors to a
//! line, [`metrics`] tells an operator how it goes, [`day_close`] prints each day's closing hash of the audit chain
//! at midnight, and [`shutdown`] stops it gracefully. Offline, [`review`] finds ballot stuffing in the audit log.

pub mod client;
pub mod clock;
pub mod connections;
pub mod day_close;
pub mod decisions;
pub mod election;
pub mod http;
pub mod log;
pub mod manifest;
pub mod metrics;
pub mod origin;
pub mod review;
pub mod secret;
pub mod server;
pub mod service;
pub mod shutdown;
pub mod store;
pub mod tally;
