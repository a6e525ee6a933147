//! `site.yaml` is coherent: windows in order, a real time zone, weights that sum to 1, taxonomy ids that are slugs
//! and unique, featured cases that exist.

use std::collections::HashSet;

use crate::content::site_file::SiteFile;
use crate::diagnostics::Report;
use crate::model::case_id::is_slug;
use crate::model::form::ApplicationForm;

pub fn check(file: &SiteFile, forms: &[ApplicationForm], report: &mut Report) {
    let site = &file.site;
    let election = &site.election;
    if !is_slug(&election.id) {
        report.push(file.error("election.id", format!("'{}' must be a slug such as 'qingdao-2020'", election.id)));
    }
    if election.opens > election.closes {
        report.push(file.error(
            "election.closes",
            format!("voting closes on {} before it opens on {}", election.closes, election.opens),
        ));
    }
    if jiff::tz::TimeZone::get(&election.time_zone).is_err() {
        report.push(file.error(
            "election.time_zone",
            format!("'{}' is not an IANA time zone such as Asia/Shanghai", election.time_zone),
        ));
    }
    if !(election.vote_endpoint.starts_with('/') || election.vote_endpoint.starts_with("https://")) {
        report.push(file.error("election.vote_endpoint", "must be a path such as /api/votes or an https:// URL"));
    }
    if !(site.base_url.starts_with("https://") || site.base_url.starts_with("http://")) {
        report.push(file.error("base_url", "must be an absolute URL such as https://hall.example.org/"));
    }
    let rules = &site.rules;
    if rules.submissions_open > rules.submissions_close {
        report.push(file.error("rules.submissions_close", "applications close before they open"));
    }
    if rules.photos_per_case == 0 || rules.max_cases_per_applicant_per_domain == 0 {
        report.push(file.error("rules", "photos_per_case and max_cases_per_applicant_per_domain must be at least 1"));
    }
    let w = site.scoring.weights;
    if [w.votes, w.media, w.expert].iter().any(|x| !(0.0..=1.0).contains(x))
        || ((w.votes + w.media + w.expert) - 1.0).abs() > 1e-9
    {
        report.push(file.error("scoring.weights", "weights must lie in 0..1 and sum to 1 (e.g. 0.55, 0.15, 0.30)"));
    }
    if let Some(publicity) = &site.publicity {
        for (key, message) in publicity.problems() {
            report.push(file.error(&format!("publicity.{key}"), message));
        }
    }
    let scoring = &site.scoring;
    if scoring.trim_panel_from < 3 {
        report.push(file.error("scoring.trim_panel_from", "must be at least 3: dropping two marks must leave one"));
    }
    if scoring.winners_per_category == 0 || scoring.shortlist_per_category < scoring.winners_per_category {
        report.push(file.error(
            "scoring.shortlist_per_category",
            format!(
                "must be at least winners_per_category ({}), which must be at least 1",
                scoring.winners_per_category
            ),
        ));
    }
    for (key, terms) in
        [("taxonomy.categories", &site.taxonomy.categories), ("taxonomy.domains", &site.taxonomy.domains)]
    {
        let mut seen_ids = HashSet::new();
        let mut seen_names = HashSet::new();
        for (i, term) in terms.iter().enumerate() {
            let field = format!("{key}[{i}]");
            if !is_slug(&term.id) {
                report.push(
                    file.error(&format!("{field}.id"), format!("'{}' must be a slug such as 'big-data'", term.id)),
                );
            }
            if !seen_ids.insert(&term.id) || !seen_names.insert(&term.name) {
                report.push(file.error(&field, format!("'{}' ({}) appears twice", term.id, term.name)));
            }
        }
        if terms.is_empty() {
            report.push(file.error(key, "must list at least one entry"));
        }
    }
    let ids: HashSet<&str> = forms.iter().map(|f| f.id.as_str()).collect();
    for (i, id) in site.featured.iter().enumerate() {
        if !ids.contains(id.as_str()) {
            report.push(file.error(&format!("featured[{i}]"), format!("no case has the id '{id}'")));
        }
    }
}
