//! The integrity statement (诚信声明, `results/integrity/`) and the receipt check (查验回执, `verify/`): what their
//! templates receive. The statement names no voter and no network: decisions are shown by case, action, votes,
//! reason, who decided and when; reasons pass through [`Redactor`] in case an editor wrote an address into one.
//!
//! | page | path | when |
//! | --- | --- | --- |
//! | the integrity statement | `results/integrity/index.html` | once the vote is counted |
//! | the receipt check | `verify/index.html`, with `receipts/*.json` | once `votes/receipts.jsonl` is committed |

use std::collections::HashMap;

use serde::Serialize;

use super::views::CaseView;
use super::zh_date;
use crate::results::Results;
use crate::results::integrity::action_text;
use crate::results::redact::Redactor;

/// Given to templates as `results.integrity`.
/// One input file of the results, as published: its name, its SHA-256 and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    pub name: String,
    pub sha256: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct IntegrityView {
    pub url: String,
    /// The receipt check, when the receipts were committed.
    pub verify_url: Option<String>,
    /// How many findings the review report holds; `None` when none was committed.
    pub findings: Option<usize>,
    pub decisions: Vec<DecisionView>,
    pub cases: Vec<CaseVotes>,
    pub total_before: u64,
    pub total_voided: u64,
    pub total_counted: u64,
    pub days: Vec<DayView>,
    /// True when the tally comes from several shards: each day then has one hash per shard.
    pub several_sources: bool,
    /// The decisions file and the review report as published.
    pub inputs: Vec<InputView>,
    /// How many receipts the check knows.
    pub receipts: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct DecisionView {
    pub id: String,
    pub case_title: String,
    pub case_url: String,
    /// 作废, 暂停计票 or 取消资格.
    pub action: &'static str,
    pub voided: u64,
    pub reason: String,
    pub decided_by: String,
    /// `2020年9月2日`
    pub decided_on: String,
}

/// One case's votes before and after the decisions.
#[derive(Debug, Serialize)]
pub struct CaseVotes {
    pub title: String,
    pub url: String,
    pub before: u64,
    pub voided: u64,
    pub counted: u64,
    pub disqualified: bool,
}

#[derive(Debug, Serialize)]
pub struct DayView {
    /// `8月22日`
    pub day: String,
    /// `2020-08-22`
    pub date: String,
    pub votes: u64,
    pub hashes: Vec<HashView>,
}

#[derive(Debug, Serialize)]
pub struct HashView {
    pub source: String,
    pub hash: String,
    /// True when the organisers published this hash during the vote (`votes/closing-hashes.yaml`).
    pub published: bool,
}

/// The view of the integrity statement; `inputs` are the results' published inputs.
pub fn view(root: &str, results: &Results, cases: &[CaseView], inputs: &[InputView]) -> IntegrityView {
    let integrity = &results.integrity;
    let by_id: HashMap<&str, &CaseView> = cases.iter().map(|c| (c.card.id.as_str(), c)).collect();
    let title = |id: &str| by_id.get(id).map_or_else(|| id.to_owned(), |c| c.card.title.clone());
    let url = |id: &str| by_id.get(id).map_or_else(String::new, |c| c.card.url.clone());
    let mut redactor = Redactor::default();
    let decisions = integrity
        .decisions
        .iter()
        .map(|d| DecisionView {
            id: d.id.clone(),
            case_title: title(&d.case),
            case_url: url(&d.case),
            action: action_text(d.action),
            voided: d.voided,
            reason: redactor.redact(&d.reason),
            decided_by: redactor.redact(&d.decided_by),
            decided_on: d.decided_on.parse().map_or_else(|_| d.decided_on.clone(), zh_date),
        })
        .collect();
    let case_votes: Vec<CaseVotes> = results
        .standings
        .iter()
        .map(|s| {
            let voided = integrity.voided.get(&s.id).copied().unwrap_or(0);
            CaseVotes {
                title: title(&s.id),
                url: url(&s.id),
                before: integrity.before.get(&s.id).copied().unwrap_or(s.votes + voided),
                voided,
                counted: s.votes,
                disqualified: integrity.disqualified.contains_key(&s.id),
            }
        })
        .collect();
    let days = integrity
        .days
        .iter()
        .map(|d| DayView {
            day: d.day.parse().map_or_else(|_| d.day.clone(), super::zh_month_day),
            date: d.day.clone(),
            votes: d.votes,
            hashes: d
                .hashes
                .iter()
                .map(|(source, hash)| HashView { source: source.clone(), hash: hash.clone(), published: false })
                .collect(),
        })
        .collect();
    IntegrityView {
        url: format!("{root}results/integrity/"),
        verify_url: integrity.receipts.as_ref().map(|_| format!("{root}verify/")),
        findings: integrity.findings,
        decisions,
        total_before: case_votes.iter().map(|c| c.before).sum(),
        total_voided: case_votes.iter().map(|c| c.voided).sum(),
        total_counted: case_votes.iter().map(|c| c.counted).sum(),
        cases: case_votes,
        days,
        several_sources: results.tally.sources.len() > 1,
        inputs: inputs
            .iter()
            .filter(|i| i.name != "votes/tally.json" && i.name.starts_with("votes/"))
            .cloned()
            .collect(),
        receipts: integrity.receipts.as_ref().map(|r| r.counted + r.voided),
    }
}
