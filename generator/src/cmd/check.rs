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
    /// Check the content as it is staged in git (what `git commit` would commit), not as it is on disk; only the
    /// photos of the cases the commit changes are decoded. The pre-commit hook runs this.
    #[arg(long)]
    pub staged: bool,
}

pub fn execute(args: &Args) -> ExitCode {
    if args.staged {
        return execute_staged(args);
    }
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

/// `check --staged`: the index's content checked out apart, each problem named by its real path.
fn execute_staged(args: &Args) -> ExitCode {
    let staged = match generator::staged::checkout(&args.content) {
        Ok(staged) => staged,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let decode = |form: &generator::model::form::ApplicationForm| {
        let changed = staged.site_changed || staged.changed_cases.contains(form.id.as_str());
        if changed { Inspection::FullDecode } else { Inspection::Header }
    };
    let (content, _, report) = generator::check_photos_by_case(&staged.content, &decode);
    print_report(&staged.real_paths(&report, &args.content));
    if report.has_errors() {
        eprintln!("the commit is refused: fix and `git add` the files above, then commit again");
        return ExitCode::from(1);
    }
    let decoded = match content.forms.iter().filter(|f| decode(f) == Inspection::FullDecode).count() {
        0 => "no case changed: photos checked by their headers".to_owned(),
        n => format!("photos decoded for the {n} changed {}", plural(n, "case", "cases")),
    };
    println!(
        "checked {} cases staged in {} ({decoded}): no errors{}",
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
