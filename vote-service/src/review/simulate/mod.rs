//! A simulated election with known stuffing, replayed through the real vote database with an injected clock and
//! then reviewed: how the rules are measured (`vote-service simulate-election`, and the test below at a small
//! scale). [`traffic`] is the honest city, [`plant`] the stuffing, [`evaluate`] the precision and recall.

pub mod evaluate;
pub mod plant;
pub mod rng;
pub mod traffic;

use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use super::record::days_from_date;
use super::{Database, Finding, ReviewError, Rule, Settings, review};
use crate::client::ClientKey;
use crate::secret::Secret;
use crate::store::Store;
use crate::store::ballot::{Ballot, Signals, Via, Vote};
use crate::store::index::IndexLimits;
use crate::store::writer::{Outcome, record};
use evaluate::Evaluation;
use rng::Rng;
use traffic::Traffic;

/// The first local day of the simulated election (Asia/Shanghai, +08:00).
const FIRST_DAY: jiff::civil::Date = jiff::civil::date(2020, 8, 22);
const OFFSET_SECONDS: i64 = 8 * 3600;
/// Votes recorded per transaction, as the writer batches them under load.
const BATCH: usize = 1024;

/// A kind of planted stuffing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Burst,
    Thin,
    Night,
    Lockstep,
    NoVisit,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Burst, Kind::Thin, Kind::Night, Kind::Lockstep, Kind::NoVisit];

    /// The rules whose findings count as finding this kind (the first is the one meant for it).
    pub fn fitting(self) -> &'static [Rule] {
        match self {
            Kind::Burst => &[Rule::Burst, Rule::Concentration],
            Kind::Thin => &[Rule::Concentration],
            Kind::Night => &[Rule::Night, Rule::Burst],
            Kind::Lockstep => &[Rule::Lockstep, Rule::Concentration, Rule::Burst],
            Kind::NoVisit => &[Rule::NoVisit],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Burst => "burst: 2,000 votes in 20 min from 20 /24s",
            Kind::Thin => "thin: 3,000 votes over 500 /24s, one User-Agent",
            Kind::Night => "night: a script at 03:00, 250 votes a night",
            Kind::Lockstep => "lockstep: 30 /24s at 21:07-21:08 every day",
            Kind::NoVisit => "no visit: 2,500 form votes naming no site, one day",
        }
    }
}

/// Whose vote it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Honest,
    Planted(Kind),
}

/// The site a vote names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Hall,
    Partner,
    None,
}

/// Who sends a vote, and how.
#[derive(Debug, Clone, Copy)]
pub struct Voter {
    pub ip: IpAddr,
    /// The User-Agent by number (see [`traffic::user_agent`]); `None`: no header.
    pub ua: Option<u32>,
    pub site: Site,
    /// The no-JS form rather than the page's script.
    pub form: bool,
}

/// One vote to send: local day (0-based) and second of that day.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub day: u32,
    pub second: u32,
    pub case: u16,
    pub voter: Voter,
    pub label: Label,
}

/// The size of a simulated election.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub days: u32,
    /// Votes sent (honest and planted); a few honest ones are refused as second votes of a shared address.
    pub votes: u64,
    pub seed: u64,
}

/// The simulated election, recorded.
pub struct Replay {
    pub store: Store,
    /// The label of each counted vote, by sequence number.
    pub labels: Vec<Label>,
    pub recorded_in: Duration,
}

/// A replay, reviewed and measured.
pub struct Measured {
    pub findings: Vec<Finding>,
    pub evaluation: Evaluation,
    pub recorded_in: Duration,
    pub reviewed_in: Duration,
}

/// The case names of the simulated selection, by popularity rank.
pub fn case_name(rank: usize) -> String {
    format!("case-{:02}", rank + 1)
}

/// Sends the election of `plan` through the real database code in `dir` (a new `sim.redb`), in time order.
pub fn record_election(plan: &Plan, dir: &Path) -> Result<Replay, ReviewError> {
    let started = Instant::now();
    let path = dir.join("sim.redb");
    let secret = fixed_secret(dir, plan.seed)?;
    let store = Store::create_or_open(&path)?;
    let mut index = store.ballot_index(IndexLimits::default())?;
    let mut rng = Rng::new(plan.seed);
    let traffic = Traffic::new();
    let mut planted = Vec::new();
    plant::plant(&mut rng, &traffic, plan.days.max(1), &mut planted);
    let honest_per_day = plan.votes.saturating_sub(plant::planted(plan.days)) / u64::from(plan.days.max(1));
    let cases: Vec<String> = (0..traffic::CASES).map(case_name).collect();
    let mut labels = Vec::new();
    let failed = |e: redb::Error| ReviewError::Io { path: path.display().to_string(), message: e.to_string() };
    for day in 0..plan.days.max(1) {
        let mut events: Vec<Event> = planted.iter().filter(|e| e.day == day).copied().collect();
        traffic.day(&mut rng, day, honest_per_day, &mut events);
        if day == 1 {
            traffic.surge(&mut rng, day, 2, honest_per_day / 25, &mut events);
        }
        events.sort_by_key(|e| e.second);
        for chunk in events.chunks(BATCH) {
            let ballots: Vec<Ballot> = chunk.iter().map(|e| ballot(&secret, &cases, e)).collect();
            let refs: Vec<&Ballot> = ballots.iter().collect();
            for (event, outcome) in chunk.iter().zip(record(&store.db, &mut index, &refs).map_err(failed)?) {
                if let Outcome::Counted { repeat: false, .. } = outcome {
                    labels.push(event.label);
                }
            }
        }
    }
    Ok(Replay { store, labels, recorded_in: started.elapsed() })
}

/// Records, reviews with `settings` and measures the election of `plan`.
pub fn run(plan: &Plan, dir: &Path, settings: &Settings) -> Result<Measured, ReviewError> {
    let replay = record_election(plan, dir)?;
    let started = Instant::now();
    let findings = review(&Database(&replay.store), settings)?;
    let reviewed_in = started.elapsed();
    let evaluation = evaluate::evaluate(&Database(&replay.store), &replay.labels, &findings)?;
    Ok(Measured { findings, evaluation, recorded_in: replay.recorded_in, reviewed_in })
}

/// A secret made from the seed, so that the same plan hashes alike (written where the database expects it).
fn fixed_secret(dir: &Path, seed: u64) -> Result<Secret, ReviewError> {
    let path = crate::secret::path_for(&dir.join("sim.redb"));
    let mut rng = Rng::new(seed ^ 0x005E_C2E7);
    let key: Vec<u8> = (0..4).flat_map(|_| rng.next_u64().to_le_bytes()).collect();
    let io = |e: std::io::Error| ReviewError::Io { path: path.display().to_string(), message: e.to_string() };
    std::fs::write(&path, key).map_err(io)?;
    Secret::load(&path).map_err(io)?.ok_or_else(|| io(std::io::ErrorKind::NotFound.into()))
}

fn ballot(secret: &Secret, cases: &[String], event: &Event) -> Ballot {
    let first = days_from_date(&FIRST_DAY.to_string()).unwrap_or(0);
    let second = (first + i64::from(event.day)) * 86_400 + i64::from(event.second) - OFFSET_SECONDS;
    let at = super::aggregate::second_instant(second);
    let day = FIRST_DAY.checked_add(jiff::ToSpan::days(i64::from(event.day))).unwrap_or(FIRST_DAY);
    let user_agent = event.voter.ua.map(traffic::user_agent);
    let site = match event.voter.site {
        Site::Hall => "hall.example.org",
        Site::Partner => "news.partner.example",
        Site::None => "",
    };
    let via = if event.voter.form { Via::Form } else { Via::Js };
    let signals = Signals { user_agent: user_agent.as_deref(), site, via, language: "zh-CN" };
    let vote = Vote {
        case: &cases[usize::from(event.case)],
        scope: "",
        client: ClientKey::from_ip(event.voter.ip),
        at,
        day,
        signals,
    };
    Ballot::new(secret, "sim-election", &vote)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three days, 100,000 votes: every planted kind is found in full, and honest traffic raises no finding of its
    /// own and has at most 0.1% of its votes covered (the no-visit finding's day holds a few honest votes that
    /// name no site). bench/README.md has the 10-day, million-vote run.
    #[test]
    fn a_planted_election_is_found_and_honest_traffic_is_left_alone() {
        let dir = tempfile::tempdir().expect("temp");
        let plan = Plan { days: 3, votes: 100_000, seed: 1 };
        let measured = run(&plan, dir.path(), &Settings::default()).expect("replayed");
        let evaluation = &measured.evaluation;
        let report = evaluation.markdown();
        for kind in Kind::ALL {
            let score = &evaluation.kinds[&kind];
            assert!(score.planted > 0, "{kind:?} planted\n{report}");
            assert_eq!(score.recall(), 1.0, "{kind:?} found\n{report}");
            assert!(score.rules.contains_key(&kind.fitting()[0]), "{kind:?} found by its own rule\n{report}");
        }
        assert!(evaluation.false_findings.is_empty(), "{report}");
        assert!(evaluation.honest_covered * 1000 <= evaluation.honest_votes, "{report}");
        let other = dir.path().join("again");
        std::fs::create_dir(&other).expect("folder");
        let replay = record_election(&plan, &other).expect("replayed again");
        let again = review(&Database(&replay.store), &Settings::default()).expect("reviewed");
        assert_eq!(again, measured.findings, "the same election, the same findings and ids");
    }
}
