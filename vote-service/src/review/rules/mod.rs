//! The rules, one a file. Each reads the first pass's [`Aggregates`] and proposes candidates: a selector, the
//! evidence, and what the second pass must still find out (the burst's networks, a dominant User-Agent).

pub mod burst;
pub mod concentration;
pub mod lockstep;
pub mod night;
pub mod no_visit;

use std::collections::BTreeMap;

use super::aggregate::Aggregates;
use super::finding::{Covers, Rule};
use super::settings::Settings;

/// A finding before its votes are counted.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub rule: Rule,
    pub covers: Covers,
    pub evidence: BTreeMap<String, f64>,
    /// Observed against expected: the finding's strength.
    pub ratio: f64,
    pub refine: Refine,
}

/// What the second pass decides about a candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refine {
    /// Nothing: the selector is final.
    Done,
    /// Keep the networks that sent the case most of their votes in the span; drop the candidate unless they carry
    /// enough of `excess`.
    BurstNetworks { excess: f64 },
    /// Drop the candidate unless its votes come from at least `min` networks.
    SpreadOver { min: u32 },
    /// Narrow the selector to one User-Agent if it sent at least `share` of the votes.
    DominantUa { share: f64 },
}

/// Every rule's candidates.
pub fn detect(totals: &Aggregates, settings: &Settings) -> Vec<Candidate> {
    let mut all = burst::detect(totals, &settings.burst);
    all.extend(concentration::detect(totals, &settings.concentration));
    all.extend(lockstep::detect(totals, &settings.lockstep));
    all.extend(night::detect(totals, &settings.night));
    all.extend(no_visit::detect(totals, &settings.no_visit));
    all
}

/// Observed far enough above expected: by `min_excess` votes, `min_ratio` times, and `min_z` Poisson deviations.
pub fn exceeds(observed: f64, expected: f64, min_excess: f64, min_ratio: f64, min_z: f64) -> bool {
    observed - expected >= min_excess && observed >= min_ratio * expected && z(observed, expected) >= min_z
}

/// Deviations of `observed` above `expected` for a Poisson count (one added so that an expectation of 0 works).
pub fn z(observed: f64, expected: f64) -> f64 {
    (observed - expected) / (expected + 1.0).sqrt()
}

/// The evidence map from pairs.
pub fn evidence(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (v * 1000.0).round() / 1000.0)).collect()
}

/// Consecutive indexes merged into `start..end` runs.
pub fn runs(indexes: impl IntoIterator<Item = i64>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for i in indexes {
        match out.last_mut() {
            Some((_, end)) if *end >= i => *end = (*end).max(i + 1),
            _ => out.push((i, i + 1)),
        }
    }
    out
}

/// P(X >= k) for X ~ Poisson(mean).
pub fn poisson_tail(k: u32, mean: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if mean <= 0.0 {
        return 0.0;
    }
    let ln_mean = mean.ln();
    let mut log_term = -mean + f64::from(k) * ln_mean - (1..=k).map(|i| f64::from(i).ln()).sum::<f64>();
    let mut sum = 0.0;
    let mut i = k;
    loop {
        let term = log_term.exp();
        sum += term;
        i += 1;
        log_term += ln_mean - f64::from(i).ln();
        if (term < sum * 1e-12 && f64::from(i) > mean) || i > k + 100_000 {
            break;
        }
    }
    sum.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statistics_agree_with_the_book() {
        assert!((poisson_tail(1, 1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert!((poisson_tail(3, 2.0) - 0.323_323_583_8).abs() < 1e-9);
        assert!(poisson_tail(30, 1.0) < 1e-30);
        assert_eq!(runs([1, 2, 3, 7, 9, 10]), vec![(1, 4), (7, 8), (9, 11)]);
        assert!(exceeds(200.0, 10.0, 100.0, 4.0, 8.0));
        assert!(!exceeds(200.0, 60.0, 100.0, 4.0, 8.0), "not 4 times");
    }
}
