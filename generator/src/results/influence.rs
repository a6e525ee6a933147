//! Effective weights: how much each part actually moved the ranking, next to the nominal 55/15/30.
//!
//! Panel marks bunch together (most cases get 80 to 90), so a part with a large nominal weight but little spread moves
//! the ranking less than its weight says. The effective weight of a part is its nominal weight times its spread,
//! as a share of the sum over the three parts: `w_i σ_i / Σ w_j σ_j`, where σ is the standard deviation of the part's
//! scores among the shortlisted cases, measured from each category's own mean (rankings are made per category).

use std::collections::BTreeMap;

use super::scoring::Standing;
use crate::model::site::Weights;

/// The nominal and effective weight of votes, media and expert, with each part's spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Influence {
    pub nominal: [f64; 3],
    /// Standard deviation of V, M and E around their category means.
    pub spread: [f64; 3],
    /// `None` when nothing varies at all (every part equal in every category).
    pub effective: Option<[f64; 3]>,
}

/// The influence of each part over the scored (shortlisted) cases of `standings`.
pub fn influence(standings: &[Standing], weights: Weights) -> Influence {
    let nominal = [weights.votes, weights.media, weights.expert];
    let mut by_category: BTreeMap<&str, Vec<[f64; 3]>> = BTreeMap::new();
    for s in standings {
        if let (Some(v), Some(m), Some(e)) = (s.vote_score, &s.media, &s.expert) {
            by_category.entry(&s.category).or_default().push([v, m.score, e.score]);
        }
    }
    let mut squares = [0.0; 3];
    let mut n = 0usize;
    for parts in by_category.values() {
        for i in 0..3 {
            let mean = parts.iter().map(|p| p[i]).sum::<f64>() / parts.len() as f64;
            squares[i] += parts.iter().map(|p| (p[i] - mean).powi(2)).sum::<f64>();
        }
        n += parts.len();
    }
    let spread = squares.map(|s| if n == 0 { 0.0 } else { (s / n as f64).sqrt() });
    let moved: [f64; 3] = std::array::from_fn(|i| nominal[i] * spread[i]);
    let total: f64 = moved.iter().sum();
    let effective = (total > 1e-12).then(|| moved.map(|m| m / total));
    Influence { nominal, spread, effective }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::scoring::PanelScore;

    fn scored(category: &str, v: f64, m: f64, e: f64) -> Standing {
        let panel = |score| Some(PanelScore { marks: vec![score], dropped: None, score });
        Standing {
            id: format!("{category}{v}{m}{e}"),
            category: category.to_owned(),
            recommender: String::new(),
            votes: 0,
            vote_rank: 1,
            shortlisted: true,
            vote_score: Some(v),
            media: panel(m),
            expert: panel(e),
            composite: None,
            rank: None,
            winner: false,
        }
    }

    #[test]
    fn a_part_that_does_not_vary_has_no_effect() {
        let s = [scored("x", 100.0, 80.0, 90.0), scored("x", 50.0, 80.0, 80.0)];
        let w = Weights { votes: 0.55, media: 0.15, expert: 0.30 };
        let i = influence(&s, w);
        assert_eq!(i.spread, [25.0, 0.0, 5.0]);
        let e = i.effective.expect("something varies");
        // 0.55 * 25 = 13.75, 0.30 * 5 = 1.5.
        assert!((e[0] - 13.75 / 15.25).abs() < 1e-12 && e[1] == 0.0 && (e[2] - 1.5 / 15.25).abs() < 1e-12);
    }

    #[test]
    fn spreads_are_measured_within_each_category() {
        // Across categories V differs by 50, but within each it is constant: no effect.
        let s = [scored("x", 100.0, 80.0, 90.0), scored("x", 100.0, 70.0, 90.0), scored("y", 50.0, 80.0, 90.0)];
        let i = influence(&s, Weights { votes: 0.55, media: 0.15, expert: 0.30 });
        assert_eq!(i.spread[0], 0.0);
        assert_eq!(i.effective.map(|e| e[1]), Some(1.0));
    }
}
