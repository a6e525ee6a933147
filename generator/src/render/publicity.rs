//! After the panels: the publicity period (公示) as the results pages state it, the account of the objections
//! (公示情况说明, `results/objections/`) and the printable results notice (通报, `results/notice/`).
//!
//! The build has no clock, as for the rule-change banner ([`super::news`]): the results pages are rendered as
//! 拟评选结果公示 with the period, whose last day the page carries (`data-until`); `dates.js` shows 评选结果 and the
//! link to the outcome once the visitor's date is past it. Without JavaScript the page keeps the 公示 text, which
//! names its period.

use serde::Serialize;
use tera::Context;

use super::page::{Page, page};
use super::results::ResultsView;
use super::views::SiteView;
use super::zh_date;
use crate::model::publicity::Publicity;
use crate::results::Results;

/// The publicity period for templates (the global `publicity`, null without one or before the final results).
#[derive(Debug, Clone, Serialize)]
pub struct PublicityView {
    pub starts: String,
    pub starts_text: String,
    /// The last day, `2020-10-10`, and in words.
    pub ends: String,
    pub ends_text: String,
    pub working_days: u32,
    pub objections_to: String,
    pub objections_url: String,
    pub notice_url: String,
}

/// One objection as 公示情况说明 lists it.
#[derive(Debug, Clone, Serialize)]
struct ObjectionRow {
    number: u64,
    received_text: String,
    case_title: String,
    case_url: String,
    summary: String,
    handling: String,
    outcome: String,
    outcome_date_text: String,
}

/// A line of the notice's first annex: a typical case.
#[derive(Debug, Clone, Serialize)]
struct TypicalRow {
    category: String,
    title: String,
    applicant: String,
    recommender: String,
}

/// The view of the period, when `publicity` is set and its end can be computed.
pub fn view(publicity: Option<&Publicity>, site: &SiteView) -> Option<PublicityView> {
    let p = publicity?;
    let ends = p.ends()?;
    Some(PublicityView {
        starts: p.starts.to_string(),
        starts_text: zh_date(p.starts),
        ends: ends.to_string(),
        ends_text: zh_date(ends),
        working_days: p.working_days,
        objections_to: p.objections_to.clone(),
        objections_url: format!("{}results/objections/", site.root),
        notice_url: format!("{}results/notice/", site.root),
    })
}

/// 公示情况说明 and the 通报, for final results with a publicity period.
pub fn pages(site: &SiteView, publicity: &Publicity, results: &Results, view: &ResultsView) -> Vec<Page> {
    let title_of = |id: &str| {
        view.categories
            .iter()
            .flat_map(|c| c.ranked.iter().chain(&c.others).chain(&c.disqualified))
            .find(|r| r.id == id)
            .map_or_else(|| (id.to_owned(), String::new()), |r| (r.title.clone(), r.url.clone()))
    };
    let rows: Vec<ObjectionRow> = results
        .objections
        .iter()
        .map(|o| {
            let (case_title, case_url) = title_of(&o.case);
            ObjectionRow {
                number: o.number,
                received_text: zh_date(o.received),
                case_title,
                case_url,
                summary: o.summary.clone(),
                handling: o.handling.clone(),
                outcome: o.outcome.text().to_owned(),
                outcome_date_text: zh_date(o.outcome_date),
            }
        })
        .collect();
    let mut objections = Context::new();
    objections.insert("objections", &rows);
    let typical: Vec<TypicalRow> = view
        .categories
        .iter()
        .flat_map(|c| {
            c.winners.iter().map(|r| TypicalRow {
                category: c.term.name.clone(),
                title: r.title.clone(),
                applicant: r.applicant.clone(),
                recommender: r.recommender.clone(),
            })
        })
        .collect();
    let awarded: Vec<&str> = view.organisations.iter().filter(|o| o.awarded).map(|o| o.recommender.as_str()).collect();
    let mut notice = Context::new();
    notice.insert("typical", &typical);
    notice.insert("awarded", &awarded);
    notice.insert("notice_date_text", &publicity.notice_date.map(zh_date));
    let year = site.election.opens.get(..4).unwrap_or_default().to_owned();
    notice.insert("year", &year);
    vec![
        page(site, "results/objections/", "results-objections.html", "公示情况说明", objections),
        page(site, "results/notice/", "results-notice.html", "评选结果通报", notice),
    ]
}
