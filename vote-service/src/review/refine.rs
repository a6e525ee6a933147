//! The second pass: what only the votes themselves can tell about a candidate. A burst keeps the networks that sent
//! the case most of their votes in its minutes (and is dropped when they do not carry its excess); a User-Agent's
//! concentration must come from many networks; a night finding is narrowed to one User-Agent when it dominates.

use std::collections::{HashMap, HashSet};

use super::rules::{Candidate, Refine};
use super::settings::Settings;
use super::{ReviewError, Source};

/// What the pass gathers for one candidate.
#[derive(Default)]
struct Gathered {
    /// network -> (votes for the case, all votes), within the candidate's span.
    networks: HashMap<String, (u32, u32)>,
    covered_networks: HashSet<String>,
    uas: HashMap<String, u32>,
    covered: u32,
}

pub fn refine(
    source: &dyn Source,
    candidates: Vec<Candidate>,
    settings: &Settings,
) -> Result<Vec<Candidate>, ReviewError> {
    if candidates.iter().all(|c| c.refine == Refine::Done) {
        return Ok(candidates);
    }
    let mut gathered: Vec<Gathered> = candidates.iter().map(|_| Gathered::default()).collect();
    source.each(&mut |vote| {
        for (candidate, found) in candidates.iter().zip(gathered.iter_mut()) {
            let covers = &candidate.covers;
            if candidate.refine == Refine::Done || vote.at < covers.from || vote.at >= covers.to {
                continue;
            }
            let network = vote.record.network.as_ref();
            if let Refine::BurstNetworks { .. } = candidate.refine {
                let own = u32::from(vote.record.case == covers.case);
                match found.networks.get_mut(network) {
                    Some(counts) => *counts = (counts.0 + own, counts.1 + 1),
                    None => drop(found.networks.insert(network.to_owned(), (own, 1))),
                }
            } else if covers.covers(vote) {
                found.covered += 1;
                if !found.covered_networks.contains(network) {
                    found.covered_networks.insert(network.to_owned());
                }
                if let Some(ua) = vote.record.ua.as_deref() {
                    match found.uas.get_mut(ua) {
                        Some(n) => *n += 1,
                        None => drop(found.uas.insert(ua.to_owned(), 1)),
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(candidates.into_iter().zip(gathered).filter_map(|(c, found)| decide(c, found, settings)).collect())
}

fn decide(mut candidate: Candidate, found: Gathered, settings: &Settings) -> Option<Candidate> {
    match candidate.refine {
        Refine::Done => {}
        Refine::BurstNetworks { excess } => {
            let burst = &settings.burst;
            let mut networks: Vec<(String, u32)> = found
                .networks
                .into_iter()
                .filter(|(_, (own, all))| {
                    *own >= burst.min_network_votes && f64::from(*own) >= burst.network_share * f64::from(*all)
                })
                .map(|(network, (own, _))| (network, own))
                .collect();
            let carried: u32 = networks.iter().map(|(_, own)| own).sum();
            if networks.is_empty() || f64::from(carried) < burst.min_excess_share * excess {
                return None;
            }
            networks.sort();
            candidate.evidence.insert("network_count".to_owned(), networks.len() as f64);
            candidate.evidence.insert("network_votes".to_owned(), f64::from(carried));
            candidate.covers.networks = networks.into_iter().map(|(n, _)| n).collect();
        }
        Refine::SpreadOver { min } => {
            if (found.covered_networks.len() as u32) < min {
                return None;
            }
            candidate.evidence.insert("network_count".to_owned(), found.covered_networks.len() as f64);
        }
        Refine::DominantUa { share } => {
            let top = found.uas.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
            if let Some((ua, n)) = top
                && f64::from(n) >= share * f64::from(found.covered)
            {
                let ua_share = f64::from(n) / f64::from(found.covered.max(1));
                candidate.evidence.insert("ua_share".to_owned(), (ua_share * 1000.0).round() / 1000.0);
                candidate.covers.ua = Some(ua);
            }
        }
    }
    candidate.refine = Refine::Done;
    Some(candidate)
}
