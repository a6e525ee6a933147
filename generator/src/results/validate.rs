//! The results' inputs checked against the hall: the tally is of this election, counts only cases that exist and adds
//! up; the panels marked exactly the shortlisted cases. Every problem names its file and line, and any error means
//! no results are published.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::scoring::{Standing, shortlist_cut};
use crate::content::result_files::{PanelFile, TallyFile};
use crate::diagnostics::Report;
use crate::model::site::Site;
use crate::text::did_you_mean;

/// Checks the tally against the election and the case ids; `cases` maps each id to its category.
pub fn tally(file: &TallyFile, site: &Site, cases: &BTreeMap<String, String>, report: &mut Report) {
    let t = &file.tally;
    let f = &file.file;
    if t.format != vote_service::tally::FORMAT {
        report.push(f.error(
            "format",
            format!("format {} is not known; this generator reads format {}", t.format, vote_service::tally::FORMAT),
        ));
    }
    if t.election != site.election.id {
        report.push(f.error(
            "election",
            format!(
                "this is the tally of election '{}', but site.yaml's election is '{}'",
                t.election, site.election.id
            ),
        ));
    }
    let known: Vec<&str> = cases.keys().map(String::as_str).collect();
    let unknown = |case: &str| {
        let hint = did_you_mean(case, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
        format!("no case has the id '{case}'{hint}")
    };
    for case in t.totals.keys() {
        if !cases.contains_key(case) {
            report.push(f.error(&format!("totals.{case}"), unknown(case)));
        }
    }
    let sum: u64 = t.totals.values().sum();
    if sum != t.total_votes {
        report.push(f.error(
            "total_votes",
            format!("says {} votes, but the totals add up to {sum}; the file was changed by hand", t.total_votes),
        ));
    }
    let e = &site.election;
    let mut per_case: BTreeMap<&str, u64> = BTreeMap::new();
    for (day, counts) in &t.daily {
        let key = format!("daily.{day}");
        match day.parse::<Date>() {
            Ok(date) if date < e.opens || date > e.closes => report.push(
                f.error(&key, format!("{day} is outside the voting window {} .. {} of site.yaml", e.opens, e.closes)),
            ),
            Ok(_) => {}
            Err(_) => report.push(f.error(&key, format!("'{day}' is not a date such as 2020-08-22"))),
        }
        for (case, n) in counts {
            if !cases.contains_key(case) && !t.totals.contains_key(case) {
                report.push(f.error(&format!("{key}.{case}"), unknown(case)));
            }
            *per_case.entry(case).or_default() += n;
        }
    }
    for (case, total) in &t.totals {
        let daily = per_case.get(case.as_str()).copied().unwrap_or(0);
        if daily != *total {
            report.push(f.error(
                &format!("totals.{case}"),
                format!("says {total} votes, but its daily counts add up to {daily}; the file was changed by hand"),
            ));
        }
    }
    decided(file, cases, &unknown, report);
}

/// Checks what the export says of decisions: votes before = counted + voided for every case, a disqualified case
/// has no counted vote, every case named exists, and each closing hash is a SHA-256.
fn decided(file: &TallyFile, cases: &BTreeMap<String, String>, unknown: &dyn Fn(&str) -> String, report: &mut Report) {
    let (t, f) = (&file.tally, &file.file);
    for (key, map) in [("before", &t.before), ("voided", &t.voided)] {
        for case in map.keys().filter(|c| !cases.contains_key(*c)) {
            report.push(f.error(&format!("{key}.{case}"), unknown(case)));
        }
    }
    for case in t.disqualified.keys() {
        if !cases.contains_key(case) {
            report.push(f.error(&format!("disqualified.{case}"), unknown(case)));
        } else if t.totals.get(case).is_some_and(|n| *n > 0) {
            report.push(f.error(
                &format!("totals.{case}"),
                format!("'{case}' is disqualified, but its votes are counted; the file was changed by hand"),
            ));
        }
    }
    if !t.before.is_empty() {
        for case in t.before.keys().chain(t.totals.keys()).collect::<std::collections::BTreeSet<_>>() {
            let (before, counted, voided) = (
                t.before.get(case).copied().unwrap_or(0),
                t.totals.get(case).copied().unwrap_or(0),
                t.voided.get(case).copied().unwrap_or(0),
            );
            if before != counted + voided {
                report.push(f.error(
                    &format!("before.{case}"),
                    format!(
                        "says {before} votes were cast, but {counted} are counted and {voided} voided; the file was \
                         changed by hand"
                    ),
                ));
            }
        }
    }
    for (i, source) in t.sources.iter().enumerate() {
        for (day, hash) in &source.closing_hashes {
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                report.push(f.error(
                    &format!("sources[{i}].closing_hashes.{day}"),
                    "is not a SHA-256 (64 hex digits); the file was changed by hand",
                ));
            }
        }
    }
}

/// Checks that `panel` marked every shortlisted case and nothing else.
pub fn panel(panel: &PanelFile, standings: &[Standing], titles: &BTreeMap<String, String>, report: &mut Report) {
    let f = &panel.file;
    let known: Vec<&str> = standings.iter().map(|s| s.id.as_str()).collect();
    for id in panel.marks.keys() {
        match standings.iter().find(|s| &s.id == id) {
            None => {
                let hint = did_you_mean(id, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                report.push(f.error(id, format!("no case has the id '{id}'{hint}")));
            }
            Some(s) if !s.shortlisted => {
                let cut = shortlist_cut(standings, &s.category).unwrap_or(0);
                report.push(f.error(
                    id,
                    format!(
                        "'{id}' is not shortlisted: it has {} votes and the shortlist of its category starts at {cut}; \
                         the panels mark shortlisted cases only",
                        s.votes
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    for s in standings.iter().filter(|s| s.shortlisted && !panel.marks.contains_key(&s.id)) {
        let title = titles.get(&s.id).map(|t| format!(" ({t})")).unwrap_or_default();
        report.push(f.error(
            &s.id,
            format!("the shortlisted case '{}'{title} has no marks from the {}", s.id, panel.panel.name()),
        ));
    }
    // A panel usually has the same members for every case; a different count is worth a look, not an error.
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    // A recused member (回避) is a member of the panel all the same.
    let members = |id: &str, marks: &[f64]| marks.len() + panel.recused.get(id).map_or(0, Vec::len);
    for (id, marks) in &panel.marks {
        *sizes.entry(members(id, marks)).or_default() += 1;
    }
    if let Some((&usual, _)) = sizes.iter().max_by_key(|(size, count)| (**count, **size)) {
        for (id, marks) in &panel.marks {
            if members(id, marks) != usual && !panel.flawed.contains(id) {
                let n = members(id, marks);
                let noun = if n == 1 { "mark" } else { "marks" };
                report.push(f.warning(id, format!("{n} {noun}, but most cases have {usual}")));
            }
        }
    }
}
