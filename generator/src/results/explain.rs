//! `generator explain <case-id>`: one case's way through the selection, step by step, with the numbers, so that an
//! editor can answer "why is my case third?" without reading code.

use std::fmt::Write;

use super::scoring::{PanelScore, Standing, key, shortlist_cut};
use super::{CaseFacts, Results, Stage};
use crate::model::site::{Site, VoteNormalisation};

/// The story of case `id`, or `None` if the results do not hold it.
pub fn explain(site: &Site, results: &Results, cases: &[CaseFacts], id: &str) -> Option<String> {
    let s = results.standing(id)?;
    let facts = cases.iter().find(|c| c.id == id)?;
    let settings = &results.settings;
    let category_name = site.taxonomy.category(&s.category).map_or(s.category.as_str(), |t| t.name.as_str());
    let integrity = &results.integrity;
    let peers: Vec<&Standing> = results
        .standings
        .iter()
        .filter(|o| o.category == s.category && !integrity.disqualified.contains_key(&o.id))
        .collect();
    let title = |id: &str| cases.iter().find(|c| c.id == id).map_or("", |c| c.title.as_str());
    let mut out = String::new();
    let w = &mut out;
    // Writing to a String cannot fail.
    let _ = writeln!(w, "{} — {}", s.id, facts.title);
    let _ = writeln!(
        w,
        "类别 category: {category_name} ({}), {} cases; 推荐单位 recommender: {}",
        s.category,
        results.standings.iter().filter(|o| o.category == s.category).count(),
        s.recommender
    );
    let _ = writeln!(w);

    let _ = writeln!(w, "1. Votes (网上投票)");
    let voided = integrity.voided.get(id).copied().unwrap_or(0);
    if voided > 0 {
        let by: Vec<String> = integrity
            .decisions
            .iter()
            .filter(|d| d.case == id && d.voided > 0)
            .map(|d| format!("{} {} {}", d.id, super::integrity::action_name(d.action), d.voided))
            .collect();
        let _ = writeln!(
            w,
            "   {} votes cast, {voided} not counted by decisions on ballot stuffing ({}): {} counted",
            s.votes + voided,
            by.join(", "),
            s.votes
        );
    }
    if let Some(reason) = integrity.disqualified.get(id) {
        let _ = writeln!(w, "   → disqualified (取消资格): {reason}");
        let _ = writeln!(w, "   the case left the selection: it is not shortlisted and has no rank or composite");
        return Some(out);
    }
    let _ = writeln!(w, "   {} votes, rank {} of {} in the category by votes", s.votes, s.vote_rank, peers.len());
    let shortlisted: Vec<&&Standing> = peers.iter().filter(|o| o.shortlisted).collect();
    let cut = shortlist_cut(&results.standings, &s.category).unwrap_or(0);
    let places = settings.shortlist_per_category;
    if peers.len() <= places {
        let _ = writeln!(
            w,
            "   shortlist: the category has {} cases for {places} places, so all are shortlisted",
            peers.len()
        );
    } else {
        let _ = writeln!(
            w,
            "   shortlist: {places} places; the case in place {places} has {cut} votes, and every case with at least {cut} votes passes ({} shortlisted)",
            shortlisted.len()
        );
    }
    if !s.shortlisted {
        let _ = writeln!(
            w,
            "   → not shortlisted ({} votes < {cut}); the panels do not mark it, and it has no composite",
            s.votes
        );
        return Some(out);
    }
    let _ = writeln!(w, "   → shortlisted");
    let _ = writeln!(w);

    let v = s.vote_score.unwrap_or(0.0);
    let _ = writeln!(w, "2. Vote score V ({})", settings.vote_normalisation.describe());
    match settings.vote_normalisation {
        VoteNormalisation::ShareOfTop => {
            let top = peers.iter().map(|o| o.votes).max().unwrap_or(0);
            let _ = writeln!(w, "   V = 100 × {} / {top} = {v:.4}", s.votes);
        }
        VoteNormalisation::RankPoints => {
            let n = shortlisted.len();
            let _ = writeln!(w, "   V = 100 × ({n} − {}) / ({n} − 1) = {v:.4}", s.vote_rank);
        }
    }
    if results.stage == Stage::Shortlist {
        let _ = writeln!(w);
        let _ =
            writeln!(w, "The panels have not marked yet (no scores/media.yaml and scores/expert.yaml): no composite.");
        return Some(out);
    }
    let _ = writeln!(w);
    let (Some(m), Some(e), Some(composite)) = (&s.media, &s.expert, s.composite) else { return Some(out) };
    panel(w, "3. Media score M (媒体评测)", m, settings.trim_panel_from, "M");
    panel(w, "4. Expert score E (专家评审)", e, settings.trim_panel_from, "E");
    let wt = settings.weights;
    let _ = writeln!(w, "5. Composite S = {:.2} V + {:.2} M + {:.2} E", wt.votes, wt.media, wt.expert);
    let _ = writeln!(
        w,
        "   S = {:.2} × {v:.4} + {:.2} × {:.4} + {:.2} × {:.4} = {:.4} + {:.4} + {:.4} = {composite:.4}",
        wt.votes,
        wt.media,
        m.score,
        wt.expert,
        e.score,
        wt.votes * v,
        wt.media * m.score,
        wt.expert * e.score
    );
    let _ = writeln!(w);

    let rank = s.rank.unwrap_or(0);
    let _ = writeln!(w, "6. Rank in the category (by S, then E, then votes, then id; scores compared at 6 decimals)");
    for o in shortlisted.iter().filter(|o| o.rank.is_some()) {
        let marker = if o.id == s.id { "→" } else { " " };
        let _ = writeln!(
            w,
            "  {marker} {:>2}. {:<28} S {:>8.4}  E {:>8.4}  votes {:>6}{}  {}",
            o.rank.unwrap_or(0),
            o.id,
            o.composite.unwrap_or(0.0),
            o.expert.as_ref().map_or(0.0, |e| e.score),
            o.votes,
            if o.winner { "  典型案例" } else { "" },
            title(&o.id)
        );
    }
    for o in shortlisted.iter().filter(|o| o.id != s.id && o.rank.is_some_and(|r| r.abs_diff(rank) == 1)) {
        let _ = writeln!(w, "   against {}: {}", o.id, tie_break(s, o));
    }
    let winners = settings.winners_per_category;
    let _ = writeln!(
        w,
        "   → rank {rank} of {}: {}",
        shortlisted.len(),
        if s.winner {
            format!("a typical case (典型案例), the category names {winners}")
        } else {
            format!("not among the {winners} typical cases of the category")
        }
    );
    if let Some(alt) = results.alternative_of(id) {
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "Under the other vote score ({}): V {:.4}, S {:.4}, rank {}{}",
            settings.vote_normalisation.other().describe(),
            alt.vote_score.unwrap_or(0.0),
            alt.composite.unwrap_or(0.0),
            alt.rank.unwrap_or(0),
            if alt.winner { ", a typical case" } else { "" }
        );
    }
    Some(out)
}

fn panel(w: &mut String, heading: &str, p: &PanelScore, trim_from: usize, letter: &str) {
    let marks = p.marks.iter().map(|m| format!("{m}")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(w, "{heading}");
    let _ = writeln!(w, "   {} marks: {marks}", p.marks.len());
    match p.dropped {
        Some((low, high)) => {
            let _ = writeln!(
                w,
                "   a panel of {trim_from} or more drops its highest ({high}) and lowest ({low}) mark; {letter} = mean of the other {} = {:.4}",
                p.marks.len() - 2,
                p.score
            );
        }
        None => {
            let _ = writeln!(w, "   fewer than {trim_from} marks, none dropped; {letter} = mean = {:.4}", p.score);
        }
    }
    let _ = writeln!(w);
}

/// Why `a` is ranked where it is against its neighbour `b`: which key decided.
fn tie_break(a: &Standing, b: &Standing) -> String {
    let (sa, sb) = (a.composite.map_or(0, key), b.composite.map_or(0, key));
    if sa != sb {
        return format!("decided by S ({:.4} vs {:.4})", a.composite.unwrap_or(0.0), b.composite.unwrap_or(0.0));
    }
    let e = |s: &Standing| s.expert.as_ref().map_or(0, |e| key(e.score));
    if e(a) != e(b) {
        return "equal S; decided by E, the first tie-break".to_owned();
    }
    if a.votes != b.votes {
        return "equal S and E; decided by votes, the second tie-break".to_owned();
    }
    "equal S, E and votes; decided by id, the last tie-break".to_owned()
}
