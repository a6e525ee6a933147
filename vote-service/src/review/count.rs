//! The last pass: each finding's votes, counted with its own selector, so that `votes` is exactly what a decision
//! naming the finding will void. The span is then tightened to the minutes of the votes covered (which covers the
//! same votes), and the ids are given.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;

use super::aggregate::second_instant;
use super::finding::{Finding, Rule, strength};
use super::rules::Candidate;
use super::{ReviewError, Source};

struct Tally {
    votes: u64,
    networks: BTreeSet<String>,
    first: i64,
    last: i64,
}

pub fn count(source: &dyn Source, candidates: Vec<Candidate>) -> Result<Vec<Finding>, ReviewError> {
    let mut by_case: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, candidate) in candidates.iter().enumerate() {
        by_case.entry(candidate.covers.case.clone()).or_default().push(i);
    }
    let mut tallies: Vec<Tally> = candidates
        .iter()
        .map(|_| Tally { votes: 0, networks: BTreeSet::new(), first: i64::MAX, last: i64::MIN })
        .collect();
    source.each(&mut |vote| {
        for &i in by_case.get(vote.record.case.as_ref()).map_or(&[][..], Vec::as_slice) {
            if candidates[i].covers.covers(vote) {
                let tally = &mut tallies[i];
                tally.votes += 1;
                if !tally.networks.contains(vote.record.network.as_ref()) {
                    tally.networks.insert(vote.record.network.to_string());
                }
                tally.first = tally.first.min(vote.second);
                tally.last = tally.last.max(vote.second);
            }
        }
        Ok(())
    })?;
    let mut findings: Vec<Finding> = candidates
        .into_iter()
        .zip(tallies)
        .filter(|(_, tally)| tally.votes > 0)
        .map(|(candidate, tally)| {
            let mut covers = candidate.covers;
            covers.from = covers.from.max(second_instant(tally.first.div_euclid(60) * 60));
            covers.to = covers.to.min(second_instant((tally.last.div_euclid(60) + 1) * 60));
            let (strength, level) = strength(candidate.ratio);
            Finding {
                id: String::new(),
                rule: candidate.rule,
                case: covers.case.clone(),
                from: covers.from,
                to: covers.to,
                votes: tally.votes,
                networks: tally.networks.into_iter().collect(),
                strength,
                level,
                evidence: candidate.evidence,
                covers,
            }
        })
        .collect();
    findings.sort_by(|a, b| (a.from, a.rule, &a.case, a.to).cmp(&(b.from, b.rule, &b.case, b.to)));
    let mut seen: HashMap<String, u32> = HashMap::new();
    for finding in &mut findings {
        // A User-Agent's concentration and the networks' concentration of one case may start in the same minute.
        let rule = if finding.rule == Rule::Concentration && finding.covers.ua.is_some() {
            "concentration-ua"
        } else {
            finding.rule.as_str()
        };
        let base = format!("{rule}-{}-{}", finding.case, minute_stamp(finding.from));
        let n = seen.entry(base.clone()).or_default();
        *n += 1;
        finding.id = if *n == 1 { base } else { format!("{base}-{n}") };
    }
    Ok(findings)
}

/// `202008250700Z`: the minute, UTC.
fn minute_stamp(at: Timestamp) -> String {
    at.strftime("%Y%m%d%H%MZ").to_string()
}
