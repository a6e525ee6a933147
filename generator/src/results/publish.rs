//! `api/results.json` and `api/results.csv`: the results for citizens and auditors, with the method, the settings and
//! the SHA-256 of every input, so anyone can recompute them. Schema (format 1), documented in README.md:
//!
//! `{"format", "election", "stage": "shortlist"|"final", "method": {formula, weights, vote_normalisation,
//! trim_panel_from, shortlist_per_category, winners_per_category, organisation_awards, tie_breaks, compared_at},
//! "effective_weights": {votes, media, expert} | null, "inputs": [{file, sha256}], "tally": {exported_at,
//! total_votes, sources}, "categories": [{id, name, cases, shortlisted, shortlist_cut, winners}], "cases": [{id,
//! title, category, recommender, votes, voided, disqualified, vote_rank, shortlisted, vote_score, media_marks,
//! media_score, expert_marks, expert_score, composite, rank, winner, rank_under_alternative}], "organisations":
//! [{recommender, approved, shortlisted, winners, mean_composite, place, award}]}`. Scores are rounded to 4
//! decimals; null where not defined. `votes` are the counted votes, `voided` those decisions took out.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::scoring::{Standing, shortlist_cut};
use super::{CaseFacts, Results, Stage};
use crate::model::site::{Site, VoteNormalisation, Weights};

pub const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: u32,
    election: &'a str,
    stage: Stage,
    method: Method<'a>,
    effective_weights: Option<BTreeMap<&'static str, f64>>,
    inputs: Vec<Input<'a>>,
    tally: TallyInfo<'a>,
    categories: Vec<Category<'a>>,
    cases: Vec<Case<'a>>,
    organisations: Vec<Organisation<'a>>,
}

#[derive(Serialize)]
struct Method<'a> {
    formula: String,
    weights: Weights,
    vote_normalisation: VoteNormalisation,
    vote_score: &'static str,
    trim_panel_from: usize,
    shortlist_per_category: usize,
    winners_per_category: usize,
    organisation_awards: usize,
    tie_breaks: [&'static str; 4],
    compared_at: &'a str,
}

#[derive(Serialize)]
struct Input<'a> {
    file: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct TallyInfo<'a> {
    exported_at: &'a str,
    total_votes: u64,
    sources: Vec<BTreeMap<&'static str, serde_json::Value>>,
}

#[derive(Serialize)]
struct Category<'a> {
    id: &'a str,
    name: &'a str,
    cases: usize,
    shortlisted: usize,
    /// The fewest votes on the shortlist.
    shortlist_cut: Option<u64>,
    winners: Vec<&'a str>,
}

#[derive(Serialize)]
struct Case<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    recommender: &'a str,
    /// Counted votes: those no decision took out.
    votes: u64,
    /// Votes cast but not counted, by decisions on ballot stuffing.
    voided: u64,
    /// The reason a case was disqualified (取消资格).
    disqualified: Option<&'a str>,
    /// `None` for a disqualified case.
    vote_rank: Option<usize>,
    shortlisted: bool,
    vote_score: Option<f64>,
    media_marks: Option<&'a [f64]>,
    media_score: Option<f64>,
    expert_marks: Option<&'a [f64]>,
    expert_score: Option<f64>,
    composite: Option<f64>,
    rank: Option<usize>,
    winner: bool,
    rank_under_alternative: Option<usize>,
}

#[derive(Serialize)]
struct Organisation<'a> {
    recommender: &'a str,
    approved: usize,
    shortlisted: usize,
    winners: usize,
    mean_composite: Option<f64>,
    place: usize,
    award: bool,
}

/// `x` rounded to 4 decimals, as published.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The formula in words, e.g. `S = 0.55 V + 0.15 M + 0.30 E`.
pub fn formula(w: Weights) -> String {
    format!("S = {:.2} V + {:.2} M + {:.2} E", w.votes, w.media, w.expert)
}

/// `api/results.json`.
pub fn to_json(site: &Site, results: &Results, cases: &[CaseFacts]) -> Vec<u8> {
    let s = &results.settings;
    let titles = titles(cases);
    let title = |id: &str| titles.get(id).copied().unwrap_or("");
    let alternatives = results.alternatives();
    let categories = site
        .taxonomy
        .categories
        .iter()
        .filter_map(|t| {
            let members: Vec<&Standing> = results.standings.iter().filter(|s| s.category == t.id).collect();
            (!members.is_empty()).then(|| Category {
                id: &t.id,
                name: &t.name,
                cases: members.len(),
                shortlisted: members.iter().filter(|s| s.shortlisted).count(),
                shortlist_cut: shortlist_cut(&results.standings, &t.id),
                winners: members.iter().filter(|s| s.winner).map(|s| s.id.as_str()).collect(),
            })
        })
        .collect();
    let document = Document {
        format: FORMAT,
        election: &site.election.id,
        stage: results.stage,
        method: Method {
            formula: formula(s.weights),
            weights: s.weights,
            vote_normalisation: s.vote_normalisation,
            vote_score: s.vote_normalisation.describe(),
            trim_panel_from: s.trim_panel_from,
            shortlist_per_category: s.shortlist_per_category,
            winners_per_category: s.winners_per_category,
            organisation_awards: s.organisation_awards,
            tie_breaks: ["composite", "expert_score", "votes", "id"],
            compared_at: "scores are compared at 6 decimal places",
        },
        effective_weights: results.influence.and_then(|i| i.effective).map(|e| {
            [("votes", round4(e[0])), ("media", round4(e[1])), ("expert", round4(e[2]))].into_iter().collect()
        }),
        inputs: results.inputs.iter().map(|i| Input { file: &i.name, sha256: &i.sha256 }).collect(),
        tally: TallyInfo {
            exported_at: &results.tally.exported_at,
            total_votes: results.tally.total_votes,
            sources: results
                .tally
                .sources
                .iter()
                .map(|(name, votes)| [("name", name.as_str().into()), ("votes", (*votes).into())].into_iter().collect())
                .collect(),
        },
        categories,
        cases: results
            .standings
            .iter()
            .map(|st| Case {
                id: &st.id,
                title: title(&st.id),
                category: &st.category,
                recommender: &st.recommender,
                votes: st.votes,
                voided: results.integrity.voided.get(&st.id).copied().unwrap_or(0),
                disqualified: results.integrity.disqualified.get(&st.id).map(String::as_str),
                vote_rank: (st.vote_rank > 0).then_some(st.vote_rank),
                shortlisted: st.shortlisted,
                vote_score: st.vote_score.map(round4),
                media_marks: st.media.as_ref().map(|m| m.marks.as_slice()),
                media_score: st.media.as_ref().map(|m| round4(m.score)),
                expert_marks: st.expert.as_ref().map(|m| m.marks.as_slice()),
                expert_score: st.expert.as_ref().map(|m| round4(m.score)),
                composite: st.composite.map(round4),
                rank: st.rank,
                winner: st.winner,
                rank_under_alternative: alternatives.get(st.id.as_str()).and_then(|a| a.rank),
            })
            .collect(),
        organisations: results
            .organisations
            .iter()
            .map(|o| Organisation {
                recommender: &o.recommender,
                approved: o.approved,
                shortlisted: o.shortlisted,
                winners: o.winners,
                mean_composite: o.mean_composite.map(round4),
                place: o.place,
                award: o.awarded,
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&document).expect("results serialise");
    json.push(b'\n');
    json
}

/// `api/results.csv`: a row per case, in the order of the results pages.
pub fn to_csv(results: &Results, cases: &[CaseFacts]) -> Vec<u8> {
    let titles = titles(cases);
    let title = |id: &str| titles.get(id).copied().unwrap_or("");
    let num = |x: Option<f64>| x.map(|x| format!("{:.4}", round4(x))).unwrap_or_default();
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "category",
        "rank",
        "id",
        "title",
        "recommender",
        "votes",
        "vote_rank",
        "shortlisted",
        "vote_score",
        "media_score",
        "expert_score",
        "composite",
        "winner",
        "voided",
        "disqualified",
    ];
    out.write_record(header).expect("csv to memory");
    for s in &results.standings {
        let row = [
            s.category.clone(),
            s.rank.map(|r| r.to_string()).unwrap_or_default(),
            s.id.clone(),
            defuse(title(&s.id)),
            defuse(&s.recommender),
            s.votes.to_string(),
            if s.vote_rank > 0 { s.vote_rank.to_string() } else { String::new() },
            s.shortlisted.to_string(),
            num(s.vote_score),
            num(s.media.as_ref().map(|m| m.score)),
            num(s.expert.as_ref().map(|m| m.score)),
            num(s.composite),
            s.winner.to_string(),
            results.integrity.voided.get(&s.id).copied().unwrap_or(0).to_string(),
            defuse(results.integrity.disqualified.get(&s.id).map_or("", String::as_str)),
        ];
        out.write_record(&row).expect("csv to memory");
    }
    out.into_inner().expect("flush to memory")
}

/// Each case's title by id.
fn titles(cases: &[CaseFacts]) -> HashMap<&str, &str> {
    cases.iter().map(|c| (c.id.as_str(), c.title.as_str())).collect()
}

/// Text that starts with `=`, `+`, `-` or `@` gets a leading `'`, so that a spreadsheet shows it instead of
/// running it as a formula.
pub(crate) fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_looks_like_a_formula_is_defused() {
        assert_eq!(defuse("智慧港口"), "智慧港口");
        assert_eq!(defuse("=1+1"), "'=1+1");
    }

    #[test]
    fn published_scores_have_four_decimals() {
        assert_eq!(round4(83.333_333_3), 83.3333);
        assert_eq!(formula(Weights { votes: 0.55, media: 0.15, expert: 0.3 }), "S = 0.55 V + 0.15 M + 0.30 E");
    }
}
