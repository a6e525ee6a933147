//! `generator check`: reports every problem in the content, exits 1 if any is an error. Writes nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::diagnostics::Report;
use generator::rules::photos::Inspection;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The content folder: site.yaml and cases/.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
}

pub fn execute(args: &Args) -> ExitCode {
    let (content, results, report) = generator::check(&args.content, Inspection::FullDecode);
    print_report(&report);
    if report.has_errors() {
        return ExitCode::from(1);
    }
    let stage = match results.map(|r| r.stage) {
        None => "",
        Some(generator::results::Stage::Shortlist) => "; the tally gives the shortlist",
        Some(generator::results::Stage::Final) => "; the tally and the marks give the final results",
    };
    println!(
        "checked {} cases in {}: no errors{}{stage}",
        content.forms.len(),
        args.content.display(),
        warnings(&report)
    );
    ExitCode::SUCCESS
}

/// Prints every problem to stderr, sorted, then a one-line summary of the errors.
pub fn print_report(report: &Report) {
    for problem in report.sorted() {
        eprintln!("{problem}");
    }
    if report.has_errors() {
        let errors = report.error_count();
        let files = report.files_with_errors();
        eprintln!(
            "error: {errors} {} in {files} {}{}",
            plural(errors, "problem", "problems"),
            plural(files, "file", "files"),
            warnings(report)
        );
    }
}

fn warnings(report: &Report) -> String {
    match report.warning_count() {
        0 => String::new(),
        n => format!(" ({n} {})", plural(n, "warning", "warnings")),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
