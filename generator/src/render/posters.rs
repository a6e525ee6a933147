//! Posters for the on-site exhibition (案例展): one A4 portrait poster per case (the main photo, title, applicant,
//! summary and a QR code of the case page), a page per category that prints all of its posters, one a sheet.
//!
//! | page | path |
//! | --- | --- |
//! | the categories with posters, and how to print them | `posters/index.html` |
//! | every poster of a category, one a printed page | `posters/<category>/index.html` |
//!
//! Which cases get one is `posters.cases` in `site.yaml`: `all`, or `typical` (only the typical cases once the
//! results are final; every case before). While there are no results, a poster shows the voting dates (the build
//! has no clock, so it shows the window, never "open now").

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use super::page::{Page, page};
use super::results::Outcome;
use super::views::{CaseView, SiteView, TermView};
use crate::model::site::PosterCases;

/// One category's posters.
#[derive(Debug, Serialize)]
struct PosterSet<'a> {
    term: &'a TermView,
    url: String,
    posters: Vec<Poster<'a>>,
}

/// One case's poster.
#[derive(Debug, Serialize)]
struct Poster<'a> {
    case: &'a CaseView,
    /// A typical case (典型案例), once the results are final.
    winner: bool,
}

/// Where the posters of category `id` are written.
fn path_of(id: &str) -> String {
    format!("posters/{id}/index.html")
}

/// The posters pages, one per category that has a poster, and their index: every page's path, and the pages of
/// the categories `wanted` says (all of them for a build; the preview's rebuild asks for those a change touches).
pub fn pages(
    site: &SiteView,
    cases: &[CaseView],
    which: PosterCases,
    outcomes: &BTreeMap<String, Outcome>,
    wanted: &dyn Fn(&str) -> bool,
) -> (Vec<Page>, Vec<String>) {
    let typical_only = which == PosterCases::Typical && site.results_final;
    let sets: Vec<PosterSet> = site
        .categories
        .iter()
        .map(|term| PosterSet {
            term,
            url: format!("{}posters/{}/", site.root, term.id),
            posters: cases
                .iter()
                .filter(|c| c.card.category.id == term.id)
                .map(|case| Poster { case, winner: outcomes.get(&case.card.id).is_some_and(|o| o.winner) })
                .filter(|p| !typical_only || p.winner)
                .collect(),
        })
        .filter(|set| !set.posters.is_empty())
        .collect();
    let mut paths: Vec<String> = sets.iter().map(|set| path_of(&set.term.id)).collect();
    paths.push("posters/index.html".to_owned());
    let mut pages = Vec::new();
    for set in sets.iter().filter(|set| wanted(&set.term.id)) {
        let mut context = Context::new();
        context.insert("set", set);
        let title = format!("{}：案例展海报", set.term.name);
        pages.push(page(site, &format!("posters/{}/", set.term.id), "posters.html", &title, context));
    }
    let mut index = Context::new();
    index.insert("sets", &sets);
    index.insert("typical_only", &typical_only);
    pages.push(page(site, "posters/", "posters-index.html", "案例展海报", index));
    (pages, paths)
}
