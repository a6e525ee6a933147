//! Precision and recall of a review of a simulated election: a planted vote is found when a finding of a fitting
//! rule ([`Kind::fitting`]) covers it; honest votes covered by any finding are false positives, and a finding that
//! covers honest votes only is a false finding.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Kind, Label};
use crate::review::{Finding, ReviewError, Rule, Source};

/// How one kind of stuffing was found.
#[derive(Debug, Clone, Default)]
pub struct KindScore {
    pub planted: u64,
    /// Planted votes of this kind covered by a finding of a fitting rule.
    pub found: u64,
    /// Votes covered by the fitting findings that caught this kind, and how many of them were of this kind.
    pub caught_by_covered: u64,
    pub caught_by_planted: u64,
    /// The rules whose findings covered votes of this kind, with how many of them each rule covered.
    pub rules: BTreeMap<Rule, u64>,
}

impl KindScore {
    pub fn recall(&self) -> f64 {
        if self.planted == 0 { 1.0 } else { self.found as f64 / self.planted as f64 }
    }

    pub fn precision(&self) -> f64 {
        if self.caught_by_covered == 0 { 0.0 } else { self.caught_by_planted as f64 / self.caught_by_covered as f64 }
    }
}

/// The measure of one review.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub kinds: BTreeMap<Kind, KindScore>,
    pub honest_votes: u64,
    /// Honest votes covered by any finding.
    pub honest_covered: u64,
    pub findings: usize,
    /// Findings that cover honest votes only.
    pub false_findings: Vec<String>,
    /// Findings per rule, and the votes they cover (honest ones apart).
    pub rules: BTreeMap<Rule, (u64, u64, u64)>,
}

/// Measures `findings` against the labels of the votes of `source`; an error if a finding's `votes` is not the
/// number of votes its selector covers.
pub fn evaluate(source: &dyn Source, labels: &[Label], findings: &[Finding]) -> Result<Evaluation, ReviewError> {
    let mut by_label: Vec<BTreeMap<Option<Kind>, u64>> = vec![BTreeMap::new(); findings.len()];
    walk(source, labels, findings, &mut |label, covering| {
        for &f in covering {
            *by_label[f].entry(kind(label)).or_default() += 1;
        }
    })?;
    for (finding, counts) in findings.iter().zip(&by_label) {
        let covered: u64 = counts.values().sum();
        if covered != finding.votes {
            return Err(ReviewError::Record {
                at: finding.id.clone(),
                message: format!("says {} votes but covers {covered}", finding.votes),
            });
        }
    }
    let mut evaluation = Evaluation { findings: findings.len(), ..Evaluation::default() };
    for (finding, counts) in findings.iter().zip(&by_label) {
        let honest = counts.get(&None).copied().unwrap_or(0);
        let entry = evaluation.rules.entry(finding.rule).or_default();
        *entry = (entry.0 + 1, entry.1 + finding.votes, entry.2 + honest);
        if honest == finding.votes {
            evaluation.false_findings.push(finding.id.clone());
        }
    }
    // The findings that caught each kind: a fitting rule, and at least one vote of the kind.
    let caught = |k: Kind, f: usize| k.fitting().contains(&findings[f].rule) && by_label[f].contains_key(&Some(k));
    walk(source, labels, findings, &mut |label, covering| {
        if label == Label::Honest {
            evaluation.honest_votes += 1;
            evaluation.honest_covered += u64::from(!covering.is_empty());
        }
        for k in Kind::ALL {
            let score = evaluation.kinds.entry(k).or_default();
            let mine = label == Label::Planted(k);
            score.planted += u64::from(mine);
            if covering.iter().any(|&f| caught(k, f)) {
                score.caught_by_covered += 1;
                score.caught_by_planted += u64::from(mine);
            }
            if mine && covering.iter().any(|&f| k.fitting().contains(&findings[f].rule)) {
                score.found += 1;
                let rules: BTreeSet<Rule> = covering.iter().map(|&f| findings[f].rule).collect();
                for rule in rules {
                    *score.rules.entry(rule).or_default() += 1;
                }
            }
        }
    })?;
    Ok(evaluation)
}

fn kind(label: Label) -> Option<Kind> {
    match label {
        Label::Honest => None,
        Label::Planted(k) => Some(k),
    }
}

/// Calls `each` with every vote's label and the findings that cover it.
fn walk(
    source: &dyn Source,
    labels: &[Label],
    findings: &[Finding],
    each: &mut dyn FnMut(Label, &[usize]),
) -> Result<(), ReviewError> {
    let mut seq = 0usize;
    let mut covering = Vec::new();
    source.each(&mut |vote| {
        let label = labels.get(seq).copied().ok_or_else(|| format!("no label for vote {seq}"))?;
        seq += 1;
        covering.clear();
        covering.extend(findings.iter().enumerate().filter(|(_, f)| f.covers(vote)).map(|(i, _)| i));
        each(label, &covering);
        Ok(())
    })
}

impl Evaluation {
    /// The figures as Markdown tables.
    pub fn markdown(&self) -> String {
        let mut out = String::from("| planted stuffing | votes | found | recall | precision | found by |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for (kind, score) in &self.kinds {
            let rules: Vec<String> = score.rules.iter().map(|(r, n)| format!("{} {n}", r.as_str())).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.3} | {:.3} | {} |",
                kind.describe(),
                score.planted,
                score.found,
                score.recall(),
                score.precision(),
                rules.join(", ")
            );
        }
        out.push_str("\n| rule | findings | votes covered | of them honest |\n| --- | --- | --- | --- |\n");
        for (rule, (findings, votes, honest)) in &self.rules {
            let _ = writeln!(out, "| {} | {findings} | {votes} | {honest} |", rule.as_str());
        }
        let _ = writeln!(
            out,
            "\n{} findings; {} cover honest votes only{}; {} of {} honest votes covered ({:.4}%).",
            self.findings,
            self.false_findings.len(),
            if self.false_findings.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.false_findings.join(", "))
            },
            self.honest_covered,
            self.honest_votes,
            100.0 * self.honest_covered as f64 / self.honest_votes.max(1) as f64
        );
        out
    }
}
