//! The objections of the publicity period (公示) against the cases, the period and the decisions: a case that an
//! upheld objection removes leaves the results only through a `disqualify` decision in `votes/decisions.yaml`, so
//! that the results follow from the same published inputs.

use std::collections::BTreeMap;

use crate::content::objections_file::{ObjectionsFile, Outcome};
use crate::diagnostics::{Problem, Report};
use crate::model::publicity::Publicity;
use crate::results::{CaseFacts, Stage};
use crate::text::did_you_mean;

/// Checks `objections` against the cases, the publicity period and the disqualified cases (id -> reason).
pub fn check(
    objections: &ObjectionsFile,
    publicity: Option<&Publicity>,
    stage: Stage,
    cases: &[CaseFacts],
    disqualified: &BTreeMap<String, String>,
    report: &mut Report,
) {
    let f = &objections.file;
    if stage != Stage::Final {
        let message = "not published yet: objections answer the publicity of the final results, which need both \
                       panels' marks";
        report.push(Problem::warning(&f.path, None, "objections", message));
    }
    let Some(publicity) = publicity else {
        let message = "there is no publicity period: add `publicity:` to site.yaml (see README.md)";
        report.push(Problem::error(&f.path, None, "objections", message));
        return;
    };
    let ends = publicity.ends();
    let known: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let mut numbers: BTreeMap<u64, usize> = BTreeMap::new();
    for o in &objections.objections {
        if let Some(first) = numbers.insert(o.number, o.index) {
            let message = format!("number {} is also objection [{first}]'s; number each objection once", o.number);
            report.push(objections.error(o.index, "number", message));
        }
        if !known.contains(&o.case.as_str()) {
            let hint = did_you_mean(&o.case, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            report.push(objections.error(o.index, "case", format!("no case has the id '{}'{hint}", o.case)));
        } else if o.outcome == Outcome::Removed && !disqualified.contains_key(&o.case) {
            let message = format!(
                "removes '{}', but no `disqualify` decision in votes/decisions.yaml covers it: a case leaves the \
                 results only through a decision; add one (action: disqualify, case: {}) and export the tally \
                 again with it",
                o.case, o.case
            );
            report.push(objections.error(o.index, "outcome", message));
        }
        if o.received < publicity.starts || ends.is_some_and(|end| o.received > end) {
            let end = ends.map_or_else(String::new, |e| format!(" to {e}"));
            let message = format!(
                "{} is outside the publicity period ({}{end}); say in `handling` how it was treated",
                o.received, publicity.starts
            );
            report.push(Problem::warning(
                &f.path,
                f.lines.line(&format!("[{}].received", o.index)),
                &format!("[{}].received", o.index),
                message,
            ));
        }
    }
}
