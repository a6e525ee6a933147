//! Lockstep: the same networks voting for the same case day after day at the same minute of the day. A network
//! "repeats" a minute when it voted for the case then on at least `min_days` days. Honest networks repeat by chance
//! too, the busier the more: for a network with `v` votes for the case over `D` days, the chance of repeating
//! minute `m` is at most `C(D, k) * (v / D * r_m)^k`, where `r_m` is the city's share of votes in that minute. A
//! minute is flagged when more networks repeat it than that chance allows (Poisson, over all cases and minutes).

use std::collections::{BTreeMap, BTreeSet};

use super::{Candidate, Refine, evidence, poisson_tail, runs};
use crate::review::aggregate::{Aggregates, second_instant};
use crate::review::finding::{Covers, DailySpan, Rule};
use crate::review::settings::Lockstep;

/// A case's flagged minutes of the day, the networks repeating them, and the observed and expected counts of
/// repeating networks.
type Flagged = (Vec<i64>, BTreeSet<u32>, f64, f64);

pub fn detect(totals: &Aggregates, settings: &Lockstep) -> Vec<Candidate> {
    let days = totals.day_count();
    let k = settings.min_days;
    if days < k || totals.total == 0 {
        return Vec::new();
    }
    // Per case, the sum over its networks of (votes per day)^k: the chance part that depends on the case.
    let mut busy = vec![0.0f64; totals.cases.len()];
    for (&(case, _), &votes) in &totals.case_network {
        busy[case as usize] += (f64::from(votes) / f64::from(days)).powi(k as i32);
    }
    let mut repeats: BTreeMap<(u32, u16), Vec<u32>> = BTreeMap::new();
    for (&(case, network, minute), cell) in &totals.cells {
        if cell.days >= k {
            repeats.entry((case, minute)).or_default().push(network);
        }
    }
    let tests = (totals.cases.len() * 1440) as f64;
    let choose = binomial(days, k);
    // case -> flagged minutes, their networks, observed and expected counts of repeating networks
    let mut flagged: BTreeMap<u32, Flagged> = BTreeMap::new();
    for ((case, minute), networks) in repeats {
        if (networks.len() as u32) < settings.min_networks {
            continue;
        }
        let rate = totals.rhythm[usize::from(minute)] as f64 / totals.total as f64;
        let expected = choose * rate.powi(k as i32) * busy[case as usize];
        if poisson_tail(networks.len() as u32, expected) * tests < settings.max_chance {
            let entry = flagged.entry(case).or_default();
            entry.0.push(i64::from(minute));
            entry.1.extend(networks.iter().copied());
            entry.2 += networks.len() as f64;
            entry.3 += expected;
        }
    }
    flagged.into_iter().map(|(case, found)| candidate(totals, case, found, days, k)).collect()
}

/// The finding of `case`: its flagged minutes, the networks that repeat them, and how many repeats were expected.
fn candidate(totals: &Aggregates, case: u32, found: Flagged, days: u32, k: u32) -> Candidate {
    let (minutes, networks, observed, expected) = found;
    let name = totals.cases.name(case);
    let mut covers = Covers::span(name, second_instant(totals.first_second), second_instant(totals.last_second + 1));
    let mut names: Vec<String> = networks.iter().map(|&n| totals.networks.name(n).to_owned()).collect();
    names.sort();
    covers.networks = names;
    covers.daily_utc = runs(minutes.iter().copied())
        .into_iter()
        .map(|(s, e)| DailySpan { start: s as u16, end: (e % 1440) as u16 })
        .collect();
    Candidate {
        rule: Rule::Lockstep,
        covers,
        evidence: evidence(&[
            ("minutes", minutes.len() as f64),
            ("network_count", networks.len() as f64),
            ("repeating_networks", observed),
            ("expected_by_chance", expected),
            ("days", f64::from(days)),
            ("min_days", f64::from(k)),
        ]),
        ratio: observed / expected.max(1e-9),
        refine: Refine::Done,
    }
}

fn binomial(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1))
}
