//! What `generator import` tells the editor: what it read and did on stdout, every problem as
//! `SHEET:row:column: message` on stderr.

use std::path::Path;

use crate::diagnostics::Severity;
use crate::intake::{Fate, Outcome};

/// The lines for stdout: the sheet as read, each row's fate, the 审核 report.
pub fn done(outcome: &Outcome, sheet: &Path, dry_run: bool) -> Vec<String> {
    let mut lines = vec![format!(
        "read {}: {}, {} {}",
        sheet.display(),
        outcome.format,
        outcome.verdicts.len(),
        if outcome.verdicts.len() == 1 { "application" } else { "applications" }
    )];
    if !outcome.columns.ignored.is_empty() {
        lines.push(format!("columns not imported: {}", outcome.columns.ignored.join(", ")));
    }
    for (row, folder, fate) in &outcome.fates {
        let folder = folder.as_deref().map(|f| f.display().to_string()).unwrap_or_default();
        let what = match fate {
            Fate::Refused => "not written: it has problems (see above)".to_owned(),
            Fate::Written => format!("wrote {folder}"),
            Fate::WouldWrite => format!("would write {folder}"),
            Fate::Unchanged => format!("{folder} is unchanged"),
            Fate::Updated(fields) => format!("updated {folder}: {}", fields.join(", ")),
            Fate::WouldUpdate(fields) => format!("would update {folder}: {}", fields.join(", ")),
            Fate::Differs(fields) => format!(
                "{folder} exists and was left as it is; the row differs in {}: run with --update to write them",
                fields.join(", ")
            ),
        };
        lines.push(format!("row {row}: {what}"));
    }
    let passed = outcome.verdicts.iter().filter(|v| v.passed()).count();
    let failed = outcome.verdicts.len() - passed;
    lines.push(format!("审核 report: {} ({passed} 通过, {failed} 不通过)", outcome.report_path.display()));
    if dry_run {
        lines.push("dry run: only the 审核 report was written".to_owned());
    }
    lines
}

/// The lines for stderr: every row's problems, then errors in the content's own cases, then a summary.
pub fn problems(outcome: &Outcome, sheet: &Path) -> Vec<String> {
    let mut lines: Vec<String> = outcome
        .problems
        .iter()
        .map(|p| {
            let warning = if p.severity == Severity::Warning { "warning: " } else { "" };
            format!("{}:{}:{}: {warning}{}", sheet.display(), p.row, outcome.columns.shown(p.column), p.message)
        })
        .collect();
    if !outcome.content_errors.is_empty() {
        lines.push("note: the content's own cases have errors (generator check shows them too):".to_owned());
        lines.extend(outcome.content_errors.iter().map(ToString::to_string));
    }
    let failed = outcome.verdicts.iter().filter(|v| !v.passed()).count();
    if failed > 0 {
        lines.push(format!(
            "error: {failed} of {} applications have problems; their cases were not written",
            outcome.verdicts.len()
        ));
    }
    lines
}
