//! Night: a case's votes in the night's hours (local) far above what its daytime votes predict through the city's
//! rhythm that day: `case's day votes * others' night votes / others' day votes`. Consecutive nights are one
//! finding; when one User-Agent sent most of the night's votes, the second pass narrows the finding to it.

use super::{Candidate, Refine, evidence, exceeds, runs, z};
use crate::review::aggregate::Aggregates;
use crate::review::finding::{Covers, DailySpan, Rule};
use crate::review::settings::Night;

pub fn detect(totals: &Aggregates, settings: &Night) -> Vec<Candidate> {
    let (start, end) = (i64::from(settings.from_hour) * 60, i64::from(settings.to_hour) * 60);
    let utc = |minute: i64| (minute - totals.offset_seconds / 60).rem_euclid(1440) as u16;
    let mut found = Vec::new();
    for case in 0..totals.cases.len() as u32 {
        let c = case as usize;
        let numbers = |day: i64| {
            let night = f64::from(totals.case_nights[c].get(day));
            let day_votes = f64::from(totals.case_days[c].get(day)) - night;
            let others_night = f64::from(totals.nights.get(day)) - night;
            let others_day = f64::from(totals.days.get(day)) - f64::from(totals.nights.get(day)) - day_votes;
            (night, day_votes * others_night / others_day.max(1.0))
        };
        let flagged = totals.days.range().filter(|&day| {
            let (observed, expected) = numbers(day);
            exceeds(observed, expected, settings.min_excess, settings.min_ratio, settings.min_z)
        });
        for (first, last) in runs(flagged) {
            let (observed, expected) = (first..last).map(numbers).fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
            let mut covers = Covers::span(
                totals.cases.name(case),
                totals.local_instant(first, start),
                totals.local_instant(last - 1, end),
            );
            covers.daily_utc = vec![DailySpan { start: utc(start), end: utc(end) }];
            let ratio = observed / expected.max(0.5);
            found.push(Candidate {
                rule: Rule::Night,
                covers,
                evidence: evidence(&[
                    ("observed", observed),
                    ("expected", expected),
                    ("ratio", ratio),
                    ("z", z(observed, expected)),
                    ("nights", (last - first) as f64),
                ]),
                ratio,
                refine: Refine::DominantUa { share: settings.dominant_ua_share },
            });
        }
    }
    found
}
