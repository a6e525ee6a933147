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
    check_partners(file, report);
    let ids: HashSet<&str> = forms.iter().map(|f| f.id.as_str()).collect();
    for (i, id) in site.featured.iter().enumerate() {
        if !ids.contains(id.as_str()) {
            report.push(file.error(&format!("featured[{i}]"), format!("no case has the id '{id}'")));
        }
    }
}

/// Each partner's origin is `scheme://host[:port]` and appears once: it is what browsers compare with the page
/// that frames an embed (`frame-ancestors`), so a path or a typo would silently block the partner.
fn check_partners(file: &SiteFile, report: &mut Report) {
    let mut seen = HashSet::new();
    for (i, partner) in file.site.partners.iter().enumerate() {
        if !is_origin(&partner.origin) {
            report.push(file.error(
                &format!("partners[{i}].origin"),
                format!(
                    "'{}' is not an origin; write scheme and host only, e.g. https://www.example.com",
                    partner.origin
                ),
            ));
        } else if !seen.insert(partner.origin.to_ascii_lowercase()) {
            report.push(file.error(&format!("partners[{i}].origin"), format!("'{}' appears twice", partner.origin)));
        }
        if partner.name.trim().is_empty() {
            report.push(file.error(&format!("partners[{i}].name"), "is empty; give the platform's name"));
        }
    }
}

/// `https://host[:port]` or `http://host[:port]`, nothing after the host, no space or quote.
pub(crate) fn is_origin(origin: &str) -> bool {
    let Some(host) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else {
        return false;
    };
    !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        && !host.starts_with([':', '.'])
}

#[cfg(test)]
mod partner_tests {
    use super::is_origin;

    #[test]
    fn a_partner_origin_is_scheme_and_host_only() {
        assert!(is_origin("https://www.example.com"));
        assert!(is_origin("http://127.0.0.1:8080"));
        for wrong in ["www.example.com", "https://www.example.com/", "https://a.example/x", "https://", "https://a b"] {
            assert!(!is_origin(wrong), "{wrong}");
        }
    }
}
