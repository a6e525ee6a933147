//! `api/cases.json`: the manifest that `vote-service` loads and the site's JavaScript reads.
//!
//! Schema (version 1), documented in README.md ("Files between the parts"):
//! `{"format": 1, "base_url", "election": {id, title, opens, closes, time_zone, scope, tally_visibility}, "cases": [{id, title,
//! category, domain, url}]}`. Dates are local calendar days in `time_zone`, both included.

use serde::Serialize;

use crate::model::case::PublicCase;
use crate::model::site::{Site, TallyVisibility, VoteScope};

/// The manifest's format version; bumped when a field changes meaning or disappears.
pub const FORMAT: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub format: u32,
    /// Where the hall is published: the vote service accepts votes posted from its origin.
    pub base_url: &'a str,
    pub election: ElectionEntry<'a>,
    pub cases: Vec<CaseEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ElectionEntry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub opens: String,
    pub closes: String,
    pub time_zone: &'a str,
    pub scope: VoteScope,
    pub tally_visibility: TallyVisibility,
}

#[derive(Debug, Serialize)]
pub struct CaseEntry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub category: &'a str,
    pub domain: &'a str,
    pub url: String,
}

/// The manifest of `cases` as pretty JSON; `root` prefixes the case URLs.
pub fn to_json(site: &Site, cases: &[PublicCase], root: &str) -> Vec<u8> {
    let e = &site.election;
    let manifest = Manifest {
        format: FORMAT,
        base_url: &site.base_url,
        election: ElectionEntry {
            id: &e.id,
            title: &site.title,
            opens: e.opens.to_string(),
            closes: e.closes.to_string(),
            time_zone: &e.time_zone,
            scope: e.scope,
            tally_visibility: e.tally_visibility,
        },
        cases: cases
            .iter()
            .map(|c| CaseEntry {
                id: c.id.as_str(),
                title: &c.title,
                category: &c.category,
                domain: &c.domain,
                url: format!("{root}cases/{}/", c.id),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    json.push(b'\n');
    json
}
