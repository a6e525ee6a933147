//! The integrity of the count (诚信声明): the decisions on ballot stuffing, the review report and the receipts checked
//! against the cases and the tally, and the facts the integrity statement publishes: every decision with the votes
//! it took out, the votes per case before and after, each day's votes and closing hash.
//!
//! The tally must have been exported with exactly the decisions of `votes/decisions.yaml` (`vote-service export
//! --decisions`), and every decision must have taken out at least one vote: a decision that covers nothing is a
//! mistake in its case, networks or span.

use std::collections::BTreeMap;

use vote_service::decisions::Action;
use vote_service::tally::Applied;

use super::receipts::ReceiptIndex;
use crate::content::integrity_files::DecisionsFile;
use crate::content::result_files::{ResultFiles, TallyFile};
use crate::diagnostics::{Problem, Report};
use crate::text::did_you_mean;

/// What the integrity statement shows.
#[derive(Debug, Clone, Default)]
pub struct Integrity {
    /// How many findings the review report holds; `None` when none was committed.
    pub findings: Option<usize>,
    /// The decisions as the tally applied them, in the order of the decisions file.
    pub decisions: Vec<Applied>,
    /// Votes cast per case, before the decisions (the counted votes when there were none).
    pub before: BTreeMap<String, u64>,
    /// Votes not counted per case.
    pub voided: BTreeMap<String, u64>,
    /// Cases that left the selection, with the reason.
    pub disqualified: BTreeMap<String, String>,
    /// Each day of the vote: counted votes and each source's closing hash.
    pub days: Vec<Day>,
    /// The hashed receipts for the receipt check, when `votes/receipts.jsonl` was committed.
    pub receipts: Option<ReceiptIndex>,
}

/// One day of the vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub day: String,
    /// Votes counted that day.
    pub votes: u64,
    /// (source, closing hash) for each source that published one for the day.
    pub hashes: Vec<(String, String)>,
}

/// The command that exports a tally with the decisions applied, for messages.
const EXPORT: &str = "vote-service export --db votes.redb --decisions content/votes/decisions.yaml \
                      --findings content/votes/review.jsonl --receipts content/votes/receipts.jsonl";

/// Checks the decisions, the review report and the receipts against `cases` (id to category) and the tally, and
/// gathers what the integrity statement shows.
pub fn check(
    files: &ResultFiles,
    tally_file: &TallyFile,
    cases: &BTreeMap<String, String>,
    report: &mut Report,
) -> Integrity {
    let tally = &tally_file.tally;
    if let Some(decisions) = &files.decisions {
        check_decisions(decisions, files, tally_file, cases, report);
    } else if !tally.decisions.is_empty()
        && !files.present.contains(&ResultFiles::votes_path(&files.root, "decisions.yaml"))
    {
        report.push(tally_file.file.error(
            "decisions",
            "the tally applied decisions, but there is no votes/decisions.yaml: commit the decisions file the export \
             was given, so that the decisions are published with the results",
        ));
    }
    if let Some(review) = &files.review {
        let known: Vec<&str> = cases.keys().map(String::as_str).collect();
        for finding in review.findings.iter().filter(|f| !cases.contains_key(&f.case)) {
            let hint =
                did_you_mean(&finding.case, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            report.push(Problem::error(
                &review.file.path,
                Some(finding.line),
                "case",
                format!(
                    "finding '{}' ({}) names no case of the hall: '{}'{hint}",
                    finding.id, finding.rule, finding.case
                ),
            ));
        }
    }
    let reasons: BTreeMap<String, String> = tally.decisions.iter().map(|d| (d.id.clone(), d.reason.clone())).collect();
    let receipts = files.receipts.as_ref().map(|receipts| {
        let voided_total: u64 = tally.voided.values().sum();
        let (counted, voided) = (receipts.counted.len() as u64, receipts.voided.len() as u64);
        if counted != tally.total_votes || voided != voided_total {
            report.push(Problem::error(
                &receipts.path,
                None,
                "receipts.jsonl",
                format!(
                    "holds {counted} counted and {voided} voided receipts, but the tally counts {} votes and voided \
                     {voided_total}: export the tally and the receipts in one run ({EXPORT})",
                    tally.total_votes
                ),
            ));
        }
        for (decision, line) in receipts.decision_lines.iter().filter(|(d, _)| !reasons.contains_key(*d)) {
            report.push(Problem::error(
                &receipts.path,
                Some(*line),
                "voided_by",
                format!("the decision '{decision}' is not in the tally; export the tally and the receipts in one run"),
            ));
        }
        ReceiptIndex::new(receipts, &tally.decisions)
    });
    Integrity {
        findings: files.review.as_ref().map(|r| r.findings.len()),
        decisions: tally.decisions.clone(),
        before: if tally.before.is_empty() { tally.totals.clone() } else { tally.before.clone() },
        voided: tally.voided.clone(),
        disqualified: tally.disqualified.clone(),
        days: days(tally),
        receipts,
    }
}

fn check_decisions(
    file: &DecisionsFile,
    files: &ResultFiles,
    tally_file: &TallyFile,
    cases: &BTreeMap<String, String>,
    report: &mut Report,
) {
    let known: Vec<&str> = cases.keys().map(String::as_str).collect();
    let findings: Vec<&str> = files.review.iter().flat_map(|r| &r.findings).map(|f| f.id.as_str()).collect();
    for d in &file.decisions {
        if let Some(case) = d.case.as_deref().filter(|c| !cases.contains_key(*c)) {
            let hint = did_you_mean(case, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            report.push(file.error(d.index, "case", format!("no case has the id '{case}'{hint}")));
        }
        match (&d.finding, &files.review) {
            (Some(finding), None) => report.push(file.error(
                d.index,
                "finding",
                format!(
                    "names the finding '{finding}', but there is no votes/review.jsonl: commit the review report \
                     (`vote-service review --format json`) the decision refers to"
                ),
            )),
            (Some(finding), Some(_)) if !findings.contains(&finding.as_str()) => {
                let hint =
                    did_you_mean(finding, &findings).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                report.push(file.error(
                    d.index,
                    "finding",
                    format!("votes/review.jsonl has no finding '{finding}'{hint}"),
                ));
            }
            _ => {}
        }
    }
    let tally = &tally_file.tally;
    if tally.decisions.is_empty() {
        if !file.decisions.is_empty() {
            report.push(Problem::error(
                &tally_file.file.path,
                Some(1),
                "decisions",
                format!(
                    "the tally was exported without decisions, but votes/decisions.yaml holds {}; export it again \
                     with them: {EXPORT}",
                    file.decisions.len()
                ),
            ));
        }
        return;
    }
    for d in &file.decisions {
        let Some(applied) = tally.decisions.iter().find(|a| a.id == d.id) else {
            report.push(file.error(
                d.index,
                "id",
                format!(
                    "'{}' is not in votes/tally.json: the tally was exported with other decisions; export it again: \
                     {EXPORT}",
                    d.id
                ),
            ));
            continue;
        };
        let unknown_case = d.case.as_ref().is_some_and(|c| !cases.contains_key(c));
        let unknown_finding = d.finding.as_ref().is_some_and(|f| !findings.contains(&f.as_str()));
        let differs = if applied.action != d.action {
            Some(("action", format!("the tally applied {} as {}", d.id, action_name(applied.action))))
        } else if d.case.as_ref().is_some_and(|c| *c != applied.case) {
            Some(("case", format!("the tally applied {} to '{}'", d.id, applied.case)))
        } else if applied.finding != d.finding {
            let finding =
                applied.finding.as_deref().map_or_else(|| "no finding".to_owned(), |f| format!("finding '{f}'"));
            Some(("finding", format!("the tally applied {} with {finding}", d.id)))
        } else {
            None
        };
        if unknown_case || unknown_finding {
            // Already reported; the export could not have applied it either.
        } else if let Some((key, what)) = differs {
            report.push(file.error(d.index, key, format!("{what}, not as this file says: export it again: {EXPORT}")));
        } else if applied.voided == 0 {
            let message = "covers no vote: the tally says it took out none; check its case, finding, networks and \
                           span (an earlier decision may already have taken those votes out), or remove it";
            match d.action {
                Action::Disqualify => report.push(Problem::warning(
                    &file.file.path,
                    file.file.lines.line(&format!("[{}]", d.index)),
                    &format!("decisions[{}]", d.index),
                    "took out no vote (the case has none left to take out); the case leaves the selection all the same",
                )),
                _ => report.push(file.error(d.index, "", message)),
            }
        }
    }
    for (i, applied) in tally.decisions.iter().enumerate() {
        if !file.decisions.iter().any(|d| d.id == applied.id) {
            report.push(tally_file.file.error(
                &format!("decisions[{i}].id"),
                format!(
                    "the decision '{}' was applied, but votes/decisions.yaml does not hold it; export the tally again \
                     with the decisions file as committed: {EXPORT}",
                    applied.id
                ),
            ));
        }
    }
}

/// The action's name as the decisions file writes it.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Void => "void",
        Action::Suspend => "suspend",
        Action::Disqualify => "disqualify",
    }
}

/// The action in Chinese, as the integrity statement names it.
pub fn action_text(action: Action) -> &'static str {
    match action {
        Action::Void => "作废",
        Action::Suspend => "暂停计票",
        Action::Disqualify => "取消资格",
    }
}

/// Each day of the tally (counted votes or a closing hash) with its counted votes and closing hashes, in order.
fn days(tally: &vote_service::tally::Tally) -> Vec<Day> {
    let mut days: BTreeMap<&str, Day> = BTreeMap::new();
    fn day<'a, 'b>(days: &'b mut BTreeMap<&'a str, Day>, d: &'a str) -> &'b mut Day {
        days.entry(d).or_insert_with(|| Day { day: d.to_owned(), votes: 0, hashes: Vec::new() })
    }
    for (d, counts) in &tally.daily {
        day(&mut days, d).votes = counts.values().sum();
    }
    for source in &tally.sources {
        for (d, hash) in &source.closing_hashes {
            day(&mut days, d).hashes.push((source.name.clone(), hash.clone()));
        }
    }
    days.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_carry_each_sources_closing_hash() {
        let tally: vote_service::tally::Tally = serde_json::from_str(
            r#"{"format":1,"election":"e","exported_at":"t","total_votes":3,"totals":{"a":3},
                "daily":{"2020-08-22":{"a":2},"2020-08-23":{"a":1}},
                "sources":[{"name":"a.redb","votes":2,"closing_hashes":{"2020-08-22":"aa"}},
                           {"name":"b.redb","votes":1,"closing_hashes":{"2020-08-22":"bb","2020-08-23":"cc"}}]}"#,
        )
        .expect("tally");
        let days = days(&tally);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].votes, 2);
        assert_eq!(days[0].hashes, [("a.redb".to_owned(), "aa".to_owned()), ("b.redb".to_owned(), "bb".to_owned())]);
        assert_eq!(days[1].hashes, [("b.redb".to_owned(), "cc".to_owned())]);
    }
}
