//! Concentration: a large share of a case's votes from networks that vote for nothing else, or from one
//! User-Agent whose share of the case is many times its share of the other cases. Every network is weighed against
//! its own votes for the other cases, so a carrier's network shared by thousands of honest voters (CGNAT), which
//! votes for every case in proportion, is never over-represented merely for being big.

use std::collections::BTreeMap;

use super::{Candidate, Refine, evidence};
use crate::review::aggregate::{Aggregates, second_instant};
use crate::review::finding::{Covers, Rule};
use crate::review::settings::Concentration;

pub fn detect(totals: &Aggregates, settings: &Concentration) -> Vec<Candidate> {
    let mut found = networks(totals, settings);
    found.extend(user_agents(totals, settings));
    found
}

/// The whole election, as a selector's span.
fn whole(totals: &Aggregates, case: u32) -> Covers {
    let name = totals.cases.name(case);
    Covers::span(name, second_instant(totals.first_second), second_instant(totals.last_second + 1))
}

fn networks(totals: &Aggregates, settings: &Concentration) -> Vec<Candidate> {
    // case -> (network, votes, expected)
    let mut suspects: BTreeMap<u32, Vec<(u32, u32, f64)>> = BTreeMap::new();
    for (&(case, network), &votes) in &totals.case_network {
        if votes < settings.min_network_votes {
            continue;
        }
        let share = totals.share(case).min(0.99);
        let others = totals.network_total[network as usize] - u64::from(votes);
        let expected = others as f64 * share / (1.0 - share);
        if f64::from(votes) >= settings.network_ratio * expected.max(1.0) {
            suspects.entry(case).or_default().push((network, votes, expected));
        }
    }
    let mut found = Vec::new();
    for (case, mut list) in suspects {
        let votes: u64 = list.iter().map(|&(_, v, _)| u64::from(v)).sum();
        if votes < u64::from(settings.min_votes) {
            continue;
        }
        list.sort_by(|a, b| totals.networks.name(a.0).cmp(totals.networks.name(b.0)));
        let expected: f64 = list.iter().map(|&(_, _, e)| e).sum();
        let mut covers = whole(totals, case);
        covers.networks = list.iter().map(|&(n, _, _)| totals.networks.name(n).to_owned()).collect();
        let ratio = votes as f64 / expected.max(1.0);
        found.push(Candidate {
            rule: Rule::Concentration,
            covers,
            evidence: evidence(&[
                ("network_count", list.len() as f64),
                ("observed", votes as f64),
                ("expected", expected),
                ("ratio", ratio),
                ("share_of_case", votes as f64 / totals.case_total[case as usize] as f64),
            ]),
            ratio,
            refine: Refine::Done,
        });
    }
    found
}

fn user_agents(totals: &Aggregates, settings: &Concentration) -> Vec<Candidate> {
    let mut found = Vec::new();
    let mut pairs: Vec<(&(u32, u32), &u32)> =
        totals.case_ua.iter().filter(|&(_, &votes)| votes >= settings.ua_min_votes).collect();
    pairs.sort();
    for (&(case, ua), &votes) in pairs {
        let known = totals.case_ua_known[case as usize];
        let in_case = f64::from(votes) / known as f64;
        let elsewhere =
            (totals.ua_total[ua as usize] - u64::from(votes) + 1) as f64 / (totals.ua_known - known + 1) as f64;
        let ratio = in_case / elsewhere;
        if ratio < settings.ua_ratio {
            continue;
        }
        let mut covers = whole(totals, case);
        covers.ua = Some(totals.uas.name(ua).to_owned());
        found.push(Candidate {
            rule: Rule::Concentration,
            covers,
            evidence: evidence(&[
                ("observed", f64::from(votes)),
                ("expected", elsewhere * known as f64),
                ("ua_share_of_case", in_case),
                ("ua_share_elsewhere", elsewhere),
                ("ratio", ratio),
            ]),
            ratio,
            refine: Refine::SpreadOver { min: settings.ua_min_networks },
        });
    }
    found
}
