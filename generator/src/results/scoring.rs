//! The arithmetic of the selection, on plain numbers: the shortlist by votes, the vote score V, the panel scores M and
//! E (a trimmed mean), the composite S and the ranking with its tie-breaks. No files, no formatting: everything here
//! is a pure function of the votes, the marks and the settings, so it can be checked by hand and by property tests.
//!
//! Scores are compared at six decimal places ([`key`]), so that two composites that are equal on paper but differ in
//! the last bit of a floating-point sum count as a tie and go to the tie-breaks.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::model::site::{Scoring, VoteNormalisation};

/// One approved case as the scoring sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entrant {
    pub id: String,
    pub category: String,
    pub recommender: String,
    pub votes: u64,
}

/// The marks of both panels, by case id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panels {
    pub media: BTreeMap<String, Vec<f64>>,
    pub expert: BTreeMap<String, Vec<f64>>,
}

/// A panel's score of one case: the mean of its marks, without the single highest and lowest when the panel is
/// large enough.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelScore {
    /// The marks as given.
    pub marks: Vec<f64>,
    /// The lowest and the highest mark, when they were dropped.
    pub dropped: Option<(f64, f64)>,
    pub score: f64,
}

/// Where one case stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub id: String,
    pub category: String,
    pub recommender: String,
    pub votes: u64,
    /// 1-based rank by votes in the category; equal votes share a rank (1, 2, 2, 4).
    pub vote_rank: usize,
    pub shortlisted: bool,
    /// V, for shortlisted cases.
    pub vote_score: Option<f64>,
    /// M and E, once the panels have marked.
    pub media: Option<PanelScore>,
    pub expert: Option<PanelScore>,
    /// S = w_v V + w_m M + w_e E, once the panels have marked.
    pub composite: Option<f64>,
    /// 1-based rank by S in the category among the shortlisted, after the tie-breaks (E, votes, id): no two share one.
    pub rank: Option<usize>,
    pub winner: bool,
}

/// A score as an integer of millionths: what rankings compare.
pub fn key(score: f64) -> i64 {
    (score * 1e6).round() as i64
}

/// The mean of `marks`, dropping the single highest and lowest when there are at least `trim_from` marks.
/// `trim_from` is at least 3 (checked in `site.yaml`); `marks` is not empty (checked in the score files).
pub fn panel_score(marks: &[f64], trim_from: usize) -> PanelScore {
    let mut sorted = marks.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (kept, dropped) = if marks.len() >= trim_from.max(3) {
        (&sorted[1..sorted.len() - 1], Some((sorted[0], sorted[sorted.len() - 1])))
    } else {
        (&sorted[..], None)
    };
    let score = if kept.is_empty() { 0.0 } else { kept.iter().sum::<f64>() / kept.len() as f64 };
    PanelScore { marks: marks.to_vec(), dropped, score }
}

/// The shortlist: in each category, the cases with the most votes, `settings.shortlist_per_category` of them, and
/// every case tied with the last one. Returns every entrant, sorted by category (in the order first met), then by
/// votes (most first), then id; V is set for the shortlisted.
pub fn shortlist(entrants: &[Entrant], settings: &Scoring) -> Vec<Standing> {
    let mut standings = Vec::with_capacity(entrants.len());
    for category in first_seen(entrants.iter().map(|e| &e.category)) {
        let mut members: Vec<&Entrant> = entrants.iter().filter(|e| e.category == category).collect();
        members.sort_by(|a, b| (Reverse(a.votes), &a.id).cmp(&(Reverse(b.votes), &b.id)));
        let cut = shortlist_threshold(&members.iter().map(|e| e.votes).collect::<Vec<_>>(), settings);
        let top = members.first().map_or(0, |e| e.votes);
        let shortlisted_count = members.iter().filter(|e| e.votes >= cut).count();
        for e in &members {
            let vote_rank = 1 + members.iter().filter(|o| o.votes > e.votes).count();
            let shortlisted = e.votes >= cut;
            let vote_score = shortlisted.then(|| match settings.vote_normalisation {
                VoteNormalisation::ShareOfTop => share_of_top(e.votes, top),
                VoteNormalisation::RankPoints => rank_points(vote_rank, shortlisted_count),
            });
            standings.push(Standing {
                id: e.id.clone(),
                category: e.category.clone(),
                recommender: e.recommender.clone(),
                votes: e.votes,
                vote_rank,
                shortlisted,
                vote_score,
                media: None,
                expert: None,
                composite: None,
                rank: None,
                winner: false,
            });
        }
    }
    standings
}

/// The fewest votes that still make the shortlist of a category whose cases have `votes`, most first.
pub fn shortlist_threshold(votes: &[u64], settings: &Scoring) -> u64 {
    let places = settings.shortlist_per_category.max(1);
    if votes.len() <= places { 0 } else { votes[places - 1] }
}

/// The fewest votes among the shortlisted cases of `category` in `standings`: where its shortlist was cut.
pub fn shortlist_cut(standings: &[Standing], category: &str) -> Option<u64> {
    standings.iter().filter(|s| s.category == category && s.shortlisted).map(|s| s.votes).min()
}

/// V under `share_of_top`: 100 x votes / the most votes in the category (0 when nobody voted).
pub fn share_of_top(votes: u64, top: u64) -> f64 {
    if top == 0 { 0.0 } else { 100.0 * votes as f64 / top as f64 }
}

/// V under `rank_points`: 100 x (n - rank) / (n - 1) over the n shortlisted cases (100 when n is 1).
pub fn rank_points(vote_rank: usize, shortlisted: usize) -> f64 {
    if shortlisted <= 1 { 100.0 } else { 100.0 * (shortlisted - vote_rank) as f64 / (shortlisted - 1) as f64 }
}

/// Scores the shortlisted cases with the panels' marks, ranks each category and names the winners. Every
/// shortlisted case must have marks from both panels (checked when the score files are read).
pub fn score(standings: &mut [Standing], panels: &Panels, settings: &Scoring) {
    let w = settings.weights;
    for s in standings.iter_mut().filter(|s| s.shortlisted) {
        let media = panel_score(panels.media.get(&s.id).map_or(&[][..], Vec::as_slice), settings.trim_panel_from);
        let expert = panel_score(panels.expert.get(&s.id).map_or(&[][..], Vec::as_slice), settings.trim_panel_from);
        let v = s.vote_score.unwrap_or(0.0);
        s.composite = Some(w.votes * v + w.media * media.score + w.expert * expert.score);
        s.media = Some(media);
        s.expert = Some(expert);
    }
    rank(standings, settings);
}

/// Ranks the shortlisted cases of each category by S, then E, then votes (most first), then id; the first
/// `winners_per_category` win. Standings are reordered: per category, ranked cases first.
fn rank(standings: &mut [Standing], settings: &Scoring) {
    let order = first_seen(standings.iter().map(|s| &s.category));
    let category_index = |c: &str| order.iter().position(|o| o == c).unwrap_or(usize::MAX);
    standings.sort_by(|a, b| {
        let k = |s: &Standing| {
            (
                category_index(&s.category),
                !s.shortlisted,
                Reverse(s.composite.map_or(i64::MIN, key)),
                Reverse(s.expert.as_ref().map_or(i64::MIN, |e| key(e.score))),
                Reverse(s.votes),
            )
        };
        k(a).cmp(&k(b)).then_with(|| a.id.cmp(&b.id))
    });
    let mut place = 0;
    let mut current: Option<String> = None;
    for s in standings.iter_mut() {
        if current.as_deref() != Some(&s.category) {
            current = Some(s.category.clone());
            place = 0;
        }
        if s.shortlisted {
            place += 1;
            s.rank = Some(place);
            s.winner = place <= settings.winners_per_category;
        }
    }
}

/// Runs both stages: the shortlist, then the scores when there are panels.
pub fn standings(entrants: &[Entrant], panels: Option<&Panels>, settings: &Scoring) -> Vec<Standing> {
    let mut standings = shortlist(entrants, settings);
    if let Some(panels) = panels {
        score(&mut standings, panels, settings);
    }
    standings
}

/// Each distinct category once, in the order first met.
fn first_seen<'a>(categories: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    for category in categories {
        if !order.contains(category) {
            order.push(category.clone());
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::site::Weights;

    fn entrant(id: &str, category: &str, votes: u64) -> Entrant {
        Entrant { id: id.to_owned(), category: category.to_owned(), recommender: format!("r-{id}"), votes }
    }

    fn settings(shortlist: usize, winners: usize) -> Scoring {
        Scoring {
            weights: Weights { votes: 0.55, media: 0.15, expert: 0.30 },
            vote_normalisation: VoteNormalisation::ShareOfTop,
            trim_panel_from: 5,
            shortlist_per_category: shortlist,
            winners_per_category: winners,
            organisation_awards: 3,
            panels: None,
        }
    }

    #[test]
    fn a_panel_of_five_or_more_drops_its_highest_and_lowest_mark() {
        let seven = panel_score(&[80.0, 95.0, 70.0, 85.0, 90.0, 88.0, 60.0], 5);
        assert_eq!(seven.dropped, Some((60.0, 95.0)));
        assert!((seven.score - 82.6).abs() < 1e-12, "{}", seven.score);
        let four = panel_score(&[80.0, 95.0, 70.0, 85.0], 5);
        assert_eq!((four.dropped, four.score), (None, 82.5));
    }

    #[test]
    fn ties_at_the_shortlist_cut_all_pass() {
        let e = [entrant("a", "x", 10), entrant("b", "x", 7), entrant("c", "x", 7), entrant("d", "x", 3)];
        let s = shortlist(&e, &settings(2, 1));
        let passed: Vec<&str> = s.iter().filter(|s| s.shortlisted).map(|s| s.id.as_str()).collect();
        assert_eq!(passed, ["a", "b", "c"]);
        assert_eq!(s.iter().map(|s| s.vote_rank).collect::<Vec<_>>(), [1, 2, 2, 4]);
        assert_eq!(s[1].vote_score, Some(70.0));
        assert_eq!(s[3].vote_score, None);
    }

    #[test]
    fn rank_points_run_from_100_to_0_over_the_shortlist() {
        assert_eq!(rank_points(1, 3), 100.0);
        assert_eq!(rank_points(2, 3), 50.0);
        assert_eq!(rank_points(3, 3), 0.0);
        assert_eq!(rank_points(1, 1), 100.0);
        assert_eq!(share_of_top(0, 0), 0.0);
    }

    #[test]
    fn equal_composites_go_to_expert_then_votes_then_id() {
        let e = [entrant("a", "x", 100), entrant("b", "x", 100), entrant("c", "x", 100)];
        let mut panels = Panels::default();
        // Same V (100); a and b have the same S (0.15 M + 0.30 E = 0.15*80 + 0.30*90 = 0.15*98 + 0.30*81) but b's E
        // is lower; c equals a in every part, so the id decides.
        for (id, m, x) in [("a", 80.0, 90.0), ("b", 98.0, 81.0), ("c", 80.0, 90.0)] {
            panels.media.insert(id.to_owned(), vec![m]);
            panels.expert.insert(id.to_owned(), vec![x]);
        }
        let s = standings(&e, Some(&panels), &settings(3, 2));
        let order: Vec<(&str, Option<usize>, bool)> = s.iter().map(|s| (s.id.as_str(), s.rank, s.winner)).collect();
        assert_eq!(order, [("a", Some(1), true), ("c", Some(2), true), ("b", Some(3), false)]);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Up to 12 cases in up to 3 categories, each with votes (few, so that ties are common) and 1 to 8 marks from
        /// each panel.
        fn selection() -> impl Strategy<Value = (Vec<Entrant>, Panels)> {
            let marks = || prop::collection::vec(0.0..=100.0f64, 1..8);
            prop::collection::vec((0..3usize, 0..20u64, marks(), marks()), 1..12).prop_map(|cases| {
                let mut entrants = Vec::new();
                let mut panels = Panels::default();
                for (i, (category, votes, media, expert)) in cases.into_iter().enumerate() {
                    let id = format!("case-{i:02}");
                    entrants.push(Entrant {
                        id: id.clone(),
                        category: format!("c{category}"),
                        recommender: format!("r{}", i % 4),
                        votes,
                    });
                    panels.media.insert(id.clone(), media);
                    panels.expert.insert(id, expert);
                }
                (entrants, panels)
            })
        }

        fn normalisation() -> impl Strategy<Value = VoteNormalisation> {
            prop_oneof![Just(VoteNormalisation::ShareOfTop), Just(VoteNormalisation::RankPoints)]
        }

        /// A rank to compare: not shortlisted is worse than any place.
        fn place(s: &[Standing], id: &str) -> usize {
            s.iter().find(|s| s.id == id).and_then(|s| s.rank).unwrap_or(usize::MAX)
        }

        proptest! {
            #[test]
            fn the_composite_lies_between_its_smallest_and_largest_part(
                (entrants, panels) in selection(),
                shortlist in 1..6usize,
                normalisation in normalisation(),
            ) {
                let settings = Scoring { vote_normalisation: normalisation, ..settings(shortlist, 1) };
                for s in standings(&entrants, Some(&panels), &settings) {
                    let Some(composite) = s.composite else { continue };
                    let parts = [s.vote_score.unwrap_or(0.0), s.media.expect("scored").score, s.expert.expect("scored").score];
                    let (low, high) = (parts.iter().copied().fold(f64::MAX, f64::min), parts.iter().copied().fold(f64::MIN, f64::max));
                    prop_assert!(low - 1e-9 <= composite && composite <= high + 1e-9, "{parts:?} -> {composite}");
                    prop_assert!((0.0..=100.0 + 1e-9).contains(&composite));
                }
            }

            #[test]
            fn adding_votes_to_a_case_never_lowers_its_rank(
                (entrants, panels) in selection(),
                shortlist in 1..6usize,
                pick in any::<prop::sample::Index>(),
                more in 1..30u64,
                normalisation in normalisation(),
            ) {
                let settings = Scoring { vote_normalisation: normalisation, ..settings(shortlist, 1) };
                let target = pick.get(&entrants).id.clone();
                let before = place(&standings(&entrants, Some(&panels), &settings), &target);
                let mut boosted = entrants.clone();
                boosted.iter_mut().filter(|e| e.id == target).for_each(|e| e.votes += more);
                let after = place(&standings(&boosted, Some(&panels), &settings), &target);
                prop_assert!(after <= before, "{target}: rank {before} -> {after}");
            }

            #[test]
            fn every_category_names_its_winners_from_its_shortlist(
                (entrants, panels) in selection(),
                shortlist in 1..6usize,
                winners in 1..4usize,
            ) {
                let settings = settings(shortlist.max(winners), winners);
                let s = standings(&entrants, Some(&panels), &settings);
                for category in ["c0", "c1", "c2"] {
                    let members: Vec<&Standing> = s.iter().filter(|s| s.category == category).collect();
                    let listed = members.iter().filter(|s| s.shortlisted).count();
                    prop_assert!(listed >= members.len().min(settings.shortlist_per_category));
                    let won = members.iter().filter(|s| s.winner).count();
                    prop_assert_eq!(won, listed.min(winners));
                    prop_assert!(members.iter().all(|s| !s.winner || s.shortlisted));
                    let mut ranks: Vec<usize> = members.iter().filter_map(|s| s.rank).collect();
                    ranks.sort_unstable();
                    prop_assert_eq!(ranks, (1..=listed).collect::<Vec<_>>());
                }
            }
        }
    }
}
