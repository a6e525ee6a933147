//! The results pages, once the vote is over: what their templates receive and where they are written.
//!
//! | page | path | stage |
//! | --- | --- | --- |
//! | overview: winners or shortlist of each category | `results/index.html` | shortlist, final |
//! | one category: ranks, V, M, E, S, a chart of each composite's parts | `results/<category>/index.html` | shortlist, final |
//! | organisation award (优秀组织奖) | `results/organisations/index.html` | final |
//! | method: formula, settings, SHA-256 of the inputs, effective weights, the other vote score | `results/method/index.html` | shortlist, final |
//! | the integrity statement and the receipt check | see [`super::integrity`] | shortlist, final |
//! | the case collection (典型案例集), one printable page | `collection/index.html` | final |
//!
//! Numbers are formatted here (two decimals on pages); `api/results.json` carries four.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tera::Context;

use super::integrity::{self, InputView, IntegrityView};
use super::page::{Page, page};
use super::views::{CaseView, SiteView, TermView, percent};
use crate::results::influence::Influence;
use crate::results::publish::formula;
use crate::results::redact::Redactor;
use crate::results::scoring::{Standing, shortlist_cut};
use crate::results::{Results, Stage};

/// Width in SVG units of a composite of 100 in the charts: the bar under its label, with room for the value after
/// it, in a chart 420 units wide that a 390 px phone shows whole.
const CHART_SCALE: f64 = 3.6;
/// Height in SVG units of one case in the charts: its label, then its bar.
const CHART_ROW: usize = 46;

/// Everything the results templates share, given as `results`.
#[derive(Debug, Serialize)]
pub struct ResultsView {
    pub is_final: bool,
    pub url: String,
    pub formula: String,
    pub vote_rule: String,
    pub other_vote_rule: String,
    pub trim_panel_from: usize,
    pub shortlist_per_category: usize,
    pub winners_per_category: usize,
    pub organisation_awards: usize,
    pub weights: [String; 3],
    pub total_votes: u64,
    pub exported_at: String,
    pub sources: Vec<SourceView>,
    pub inputs: Vec<InputView>,
    pub influence: Option<Vec<InfluenceRow>>,
    pub categories: Vec<CategoryResults>,
    pub organisations: Vec<OrganisationView>,
    /// Categories whose typical cases would differ under the other vote score.
    pub changed_under_alternative: Vec<String>,
    pub json_url: String,
    pub csv_url: String,
    pub collection_url: String,
    /// The integrity statement (诚信声明) and the receipt check.
    pub integrity: IntegrityView,
}

#[derive(Debug, Serialize)]
pub struct SourceView {
    pub name: String,
    pub votes: u64,
}

#[derive(Debug, Serialize)]
pub struct InfluenceRow {
    pub part: &'static str,
    pub nominal: String,
    pub spread: String,
    pub effective: String,
}

/// One category's results.
#[derive(Debug, Serialize)]
pub struct CategoryResults {
    pub term: TermView,
    pub url: String,
    pub cases: usize,
    pub shortlisted: usize,
    pub cut: u64,
    /// Shortlisted cases: by rank (final) or by votes (shortlist).
    pub ranked: Vec<Row>,
    /// Cases that were not shortlisted, by votes.
    pub others: Vec<Row>,
    /// Cases that left the selection (取消资格), with the reason.
    pub disqualified: Vec<Row>,
    pub winners: Vec<Row>,
    pub chart_height: usize,
    pub alternative_differs: bool,
}

/// One case in a results table and chart.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub short_title: String,
    pub applicant: String,
    pub recommender: String,
    pub url: String,
    /// The case's first photo, for the cards of the typical cases.
    pub thumb: Option<super::views::PictureView>,
    pub category_name: String,
    pub votes: u64,
    /// Votes cast but not counted (decisions on ballot stuffing).
    pub voided: u64,
    /// Why the case was disqualified, if it was.
    pub disqualified: Option<String>,
    pub vote_rank: usize,
    pub rank: Option<usize>,
    pub winner: bool,
    pub v: String,
    pub m: String,
    pub e: String,
    pub s: String,
    pub media_marks: String,
    pub expert_marks: String,
    /// How many members marked the case, and how many were recused (回避), per panel.
    pub media_count: usize,
    pub media_recused: usize,
    pub expert_count: usize,
    pub expert_recused: usize,
    pub alt_rank: Option<usize>,
    pub alt_winner: bool,
    pub bar: Option<Bar>,
}

/// One composite as three stacked segments, in SVG units, at row `y`.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub y: usize,
    pub votes: String,
    pub media_x: String,
    pub media: String,
    pub expert_x: String,
    pub expert: String,
    pub end_x: String,
}

#[derive(Debug, Serialize)]
pub struct OrganisationView {
    pub recommender: String,
    pub approved: usize,
    pub shortlisted: usize,
    pub winners: usize,
    pub mean_composite: String,
    pub place: usize,
    pub awarded: bool,
}

/// A case's outcome as its own page states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub votes: u64,
    /// Why the case was disqualified (取消资格), if it was.
    pub disqualified: Option<String>,
    pub shortlisted: bool,
    pub winner: bool,
    /// `第2名` in the category, once ranked.
    pub rank_text: Option<String>,
    pub composite: Option<String>,
    /// The case's category results page.
    pub url: String,
    /// Where the case comes in its category's results (typical cases, the rest of the shortlist by rank, the others
    /// by votes, the disqualified last): the order of the listings once results exist.
    pub order: usize,
}

impl Outcome {
    /// The badge on the case's card: 典型案例, 入围, or none.
    pub fn badge(&self) -> Option<&'static str> {
        if self.winner {
            Some("典型案例")
        } else if self.shortlisted && self.disqualified.is_none() {
            Some("入围")
        } else {
            None
        }
    }
}

/// The outcome of every case, by id.
pub fn outcomes(view: &ResultsView) -> BTreeMap<String, Outcome> {
    let mut map = BTreeMap::new();
    for c in &view.categories {
        let shortlisted = c.ranked.iter().map(|r| (r, true));
        let others = c.others.iter().chain(&c.disqualified).map(|r| (r, false));
        // The shortlist is in rank order (by votes before the panels mark), so the typical cases come first.
        for (order, (r, shortlisted)) in shortlisted.chain(others).enumerate() {
            map.insert(
                r.id.clone(),
                Outcome {
                    votes: r.votes,
                    disqualified: r.disqualified.clone(),
                    shortlisted,
                    winner: r.winner,
                    rank_text: r.rank.map(|n| format!("第{n}名")),
                    composite: (!r.s.is_empty()).then(|| r.s.clone()),
                    url: c.url.clone(),
                    order,
                },
            );
        }
    }
    map
}

fn two(x: f64) -> String {
    format!("{x:.2}")
}

fn marks_text(marks: Option<&[f64]>) -> String {
    marks.map(|m| m.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join("、")).unwrap_or_default()
}

/// Builds the view of the results from the standings and the case views.
pub fn view(site_view: &SiteView, results: &Results, cases: &[CaseView]) -> ResultsView {
    let root = &site_view.root;
    let settings = &results.settings;
    let w = settings.weights;
    let by_id: HashMap<&str, &CaseView> = cases.iter().map(|c| (c.card.id.as_str(), c)).collect();
    let alternatives = results.alternatives();
    let row = |s: &Standing, y: usize| {
        let case = by_id.get(s.id.as_str());
        let title = case.map_or_else(|| s.id.clone(), |c| c.card.title.clone());
        let alt = alternatives.get(s.id.as_str());
        let bar = match (s.vote_score, &s.media, &s.expert) {
            (Some(v), Some(m), Some(e)) => {
                let (a, b, c) =
                    (w.votes * v * CHART_SCALE, w.media * m.score * CHART_SCALE, w.expert * e.score * CHART_SCALE);
                Some(Bar {
                    y,
                    votes: format!("{a:.1}"),
                    media_x: format!("{a:.1}"),
                    media: format!("{b:.1}"),
                    expert_x: format!("{:.1}", a + b),
                    expert: format!("{c:.1}"),
                    end_x: format!("{:.1}", a + b + c),
                })
            }
            _ => None,
        };
        Row {
            id: s.id.clone(),
            short_title: shorten(&title, 26),
            title,
            applicant: case.map_or_else(String::new, |c| c.card.applicant.clone()),
            recommender: s.recommender.clone(),
            url: case.map_or_else(String::new, |c| c.card.url.clone()),
            thumb: case.and_then(|c| c.card.thumb.clone()),
            category_name: case.map_or_else(String::new, |c| c.card.category.name.clone()),
            votes: s.votes,
            voided: results.integrity.voided.get(&s.id).copied().unwrap_or(0),
            disqualified: results.integrity.disqualified.get(&s.id).map(|r| Redactor::default().redact(r)),
            vote_rank: s.vote_rank,
            rank: s.rank,
            winner: s.winner,
            v: s.vote_score.map(two).unwrap_or_default(),
            m: s.media.as_ref().map(|p| two(p.score)).unwrap_or_default(),
            e: s.expert.as_ref().map(|p| two(p.score)).unwrap_or_default(),
            s: s.composite.map(two).unwrap_or_default(),
            media_marks: marks_text(s.media.as_ref().map(|p| p.marks.as_slice())),
            expert_marks: marks_text(s.expert.as_ref().map(|p| p.marks.as_slice())),
            media_count: s.media.as_ref().map_or(0, |p| p.marks.len()),
            media_recused: results.recused.get(&s.id).map_or(0, |r| r[0]),
            expert_count: s.expert.as_ref().map_or(0, |p| p.marks.len()),
            expert_recused: results.recused.get(&s.id).map_or(0, |r| r[1]),
            alt_rank: alt.and_then(|a| a.rank),
            alt_winner: alt.is_some_and(|a| a.winner),
            bar,
        }
    };
    let categories: Vec<CategoryResults> = site_view
        .categories
        .iter()
        .filter_map(|term| {
            let members: Vec<&Standing> = results.standings.iter().filter(|s| s.category == term.id).collect();
            if members.is_empty() {
                return None;
            }
            let ranked: Vec<Row> =
                members.iter().filter(|s| s.shortlisted).enumerate().map(|(i, s)| row(s, i * CHART_ROW)).collect();
            let out = |s: &&&Standing| results.integrity.disqualified.contains_key(&s.id);
            let others: Vec<Row> = members.iter().filter(|s| !s.shortlisted && !out(s)).map(|s| row(s, 0)).collect();
            let disqualified: Vec<Row> = members.iter().filter(out).map(|s| row(s, 0)).collect();
            let winners: Vec<Row> = ranked.iter().filter(|r| r.winner).cloned().collect();
            let alternative_differs = ranked.iter().any(|r| r.winner != r.alt_winner);
            Some(CategoryResults {
                term: term.clone(),
                url: format!("{root}results/{}/", term.id),
                cases: members.len(),
                shortlisted: ranked.len(),
                cut: shortlist_cut(&results.standings, &term.id).unwrap_or(0),
                chart_height: ranked.len() * CHART_ROW + 4,
                ranked,
                others,
                disqualified,
                winners,
                alternative_differs: results.stage == Stage::Final && alternative_differs,
            })
        })
        .collect();
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    let influence = results.influence.map(|i: Influence| {
        ["网上投票 V", "媒体评测 M", "专家评审 E"]
            .into_iter()
            .enumerate()
            .map(|(k, part)| InfluenceRow {
                part,
                nominal: format!("{}%", percent(i.nominal[k])),
                spread: two(i.spread[k]),
                effective: i.effective.map_or_else(|| "—".to_owned(), |e| pct(e[k])),
            })
            .collect()
    });
    let inputs: Vec<InputView> = results
        .inputs
        .iter()
        .map(|i| InputView {
            name: i.name.clone(),
            sha256: i.sha256.clone(),
            url: format!("{root}{}", input_path(&i.name)),
        })
        .collect();
    ResultsView {
        integrity: integrity::view(root, results, cases, &inputs),
        is_final: results.stage == Stage::Final,
        url: format!("{root}results/"),
        formula: formula(w),
        vote_rule: settings.vote_normalisation.describe().to_owned(),
        other_vote_rule: settings.vote_normalisation.other().describe().to_owned(),
        trim_panel_from: settings.trim_panel_from,
        shortlist_per_category: settings.shortlist_per_category,
        winners_per_category: settings.winners_per_category,
        organisation_awards: settings.organisation_awards,
        weights: [w.votes, w.media, w.expert].map(|x| format!("{}%", percent(x))),
        total_votes: results.tally.total_votes,
        exported_at: results.tally.exported_at.clone(),
        sources: results
            .tally
            .sources
            .iter()
            .map(|(name, votes)| SourceView { name: name.clone(), votes: *votes })
            .collect(),
        inputs,
        influence,
        changed_under_alternative: categories
            .iter()
            .filter(|c| c.alternative_differs)
            .map(|c| c.term.name.clone())
            .collect(),
        categories,
        organisations: results
            .organisations
            .iter()
            .map(|o| OrganisationView {
                recommender: o.recommender.clone(),
                approved: o.approved,
                shortlisted: o.shortlisted,
                winners: o.winners,
                mean_composite: o.mean_composite.map(two).unwrap_or_else(|| "—".to_owned()),
                place: o.place,
                awarded: o.awarded,
            })
            .collect(),
        json_url: format!("{root}api/results.json"),
        csv_url: format!("{root}api/results.csv"),
        collection_url: format!("{root}collection/"),
    }
}

/// Where a copy of input `name` (e.g. `scores/media.yaml`) is published.
pub fn input_path(name: &str) -> String {
    format!("results/inputs/{name}")
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_owned() } else { text.chars().take(max - 1).collect::<String>() + "…" }
}

/// The results pages and the collection.
pub fn pages(site: &SiteView, view: &ResultsView, cases: &[CaseView]) -> Vec<Page> {
    let mut pages = Vec::new();
    let title = if view.is_final { "评选结果" } else { "入围名单" };
    pages.push(page(site, "results/", "results.html", title, Context::new()));
    for category in &view.categories {
        let mut context = Context::new();
        context.insert("category", category);
        let path = format!("results/{}/", category.term.id);
        pages.push(page(site, &path, "results-category.html", &format!("{}：{title}", category.term.name), context));
    }
    pages.push(page(site, "results/method/", "results-method.html", "评选方法与数据", Context::new()));
    pages.push(page(site, "results/integrity/", "results-integrity.html", "诚信声明", Context::new()));
    if view.integrity.verify_url.is_some() {
        pages.push(page(site, "verify/", "verify.html", "查验回执", Context::new()));
    }
    if view.is_final {
        pages.push(page(site, "results/organisations/", "results-organisations.html", "优秀组织奖", Context::new()));
        let winners: Vec<(&str, Vec<&CaseView>)> = view
            .categories
            .iter()
            .map(|c| {
                let cases = c.winners.iter().filter_map(|w| cases.iter().find(|v| v.card.id == w.id)).collect();
                (c.term.name.as_str(), cases)
            })
            .filter(|(_, cases): &(&str, Vec<&CaseView>)| !cases.is_empty())
            .collect();
        #[derive(Serialize)]
        struct Section<'a> {
            name: &'a str,
            cases: Vec<&'a CaseView>,
        }
        let sections: Vec<Section> = winners.into_iter().map(|(name, cases)| Section { name, cases }).collect();
        let mut context = Context::new();
        context.insert("sections", &sections);
        pages.push(page(site, "collection/", "collection.html", "典型案例集", context));
    }
    pages
}
