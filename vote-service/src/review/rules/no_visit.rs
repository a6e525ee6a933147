//! No visit: a case's votes that name no site (neither the hall's script nor its no-JS form, which both send their
//! origin, so no page of the hall or a partner was visited) far above the share such votes have among the other
//! cases that day. Records that do not say (older databases) are left out of both counts.

use super::{Candidate, Refine, evidence, exceeds, runs, z};
use crate::review::aggregate::Aggregates;
use crate::review::finding::{Covers, Rule};
use crate::review::settings::NoVisit;

pub fn detect(totals: &Aggregates, settings: &NoVisit) -> Vec<Candidate> {
    let mut found = Vec::new();
    for case in 0..totals.cases.len() as u32 {
        let c = case as usize;
        let numbers = |day: i64| {
            let unvisited = f64::from(totals.case_unvisited[c].get(day));
            let known = f64::from(totals.case_known_site[c].get(day));
            let others_unvisited = f64::from(totals.unvisited.get(day)) - unvisited;
            let others_known = f64::from(totals.known_site.get(day)) - known;
            (unvisited, known, known * (others_unvisited + 1.0) / (others_known + 1.0))
        };
        let flagged = totals.days.range().filter(|&day| {
            let (observed, _, expected) = numbers(day);
            exceeds(observed, expected, settings.min_excess, settings.min_ratio, settings.min_z)
        });
        for (first, last) in runs(flagged) {
            let (observed, votes, expected) =
                (first..last).map(numbers).fold((0.0, 0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
            let mut covers =
                Covers::span(totals.cases.name(case), totals.local_instant(first, 0), totals.local_instant(last, 0));
            covers.site = Some(String::new());
            let ratio = observed / expected.max(0.5);
            found.push(Candidate {
                rule: Rule::NoVisit,
                covers,
                evidence: evidence(&[
                    ("observed", observed),
                    ("expected", expected),
                    ("ratio", ratio),
                    ("z", z(observed, expected)),
                    ("case_votes", votes),
                    ("days", (last - first) as f64),
                ]),
                ratio,
                refine: Refine::Done,
            });
        }
    }
    found
}
