//! Burst: a case's votes in a few minutes far above what its own share of the election predicts for those minutes.
//! The other cases' votes in the same minutes carry the city's rhythm and any election-wide surge, so the expected
//! count is `others' votes * share / (1 - share)`. The second pass keeps the networks that sent the case most of
//! their votes in the burst (a carrier's shared network votes for every case and is never one of them).

use super::{Candidate, Refine, evidence, exceeds, runs, z};
use crate::review::aggregate::{Aggregates, second_instant};
use crate::review::finding::{Covers, Rule};
use crate::review::settings::Burst;

pub fn detect(totals: &Aggregates, settings: &Burst) -> Vec<Candidate> {
    let range = totals.minutes.range();
    let all = prefix(totals.minutes.range(), |m| totals.minutes.get(m));
    let window = i64::from(settings.window_minutes);
    let mut found = Vec::new();
    for case in 0..totals.cases.len() as u32 {
        let share = totals.share(case);
        if share >= 0.9 {
            continue; // an election of one case has no other cases to compare with
        }
        let series = &totals.case_minutes[case as usize];
        let own = prefix(range.clone(), |m| series.get(m));
        let expect = |observed: f64, overall: f64| (overall - observed) * share / (1.0 - share);
        let count =
            |p: &[u64], from: i64, to: i64| (p[(to - range.start) as usize] - p[(from - range.start) as usize]) as f64;
        let flagged = (range.start..=(range.end - window)).filter(|&m| {
            let observed = count(&own, m, m + window);
            let expected = expect(observed, count(&all, m, m + window));
            exceeds(observed, expected, settings.min_excess, settings.min_ratio, settings.min_z)
        });
        // Each flagged start stands for its whole window.
        let spans = runs(flagged.flat_map(|m| m..m + window));
        for (from, to) in spans {
            let observed = count(&own, from, to);
            let expected = expect(observed, count(&all, from, to));
            let ratio = observed / expected.max(0.5);
            let name = totals.cases.name(case);
            found.push(Candidate {
                rule: Rule::Burst,
                covers: Covers::span(name, second_instant(from * 60), second_instant(to * 60)),
                evidence: evidence(&[
                    ("observed", observed),
                    ("expected", expected),
                    ("ratio", ratio),
                    ("z", z(observed, expected)),
                    ("minutes", (to - from) as f64),
                    ("case_share", share),
                ]),
                ratio,
                refine: Refine::BurstNetworks { excess: observed - expected },
            });
        }
    }
    found
}

/// Running sums over `range`: element `i` is the sum of the first `i` values.
fn prefix(range: std::ops::Range<i64>, value: impl Fn(i64) -> u32) -> Vec<u64> {
    let mut sums = Vec::with_capacity(range.clone().count() + 1);
    let mut sum = 0u64;
    sums.push(0);
    for m in range {
        sum += u64::from(value(m));
        sums.push(sum);
    }
    sums
}
