//! `generator certificates`: every certificate of the final results as a PDF file (typst), apart from `build` so that
//! the hall builds without fonts or typesetting.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::print::PrintError;
use generator::print::certificates::make;

use super::check::print_report;
use super::{PrintSources, write_whole};

/// The file that holds every certificate, one a page, beside the certificates' own files.
const ALL: &str = "all.pdf";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: PrintSources,
    /// The folder to write `<number>.pdf` for each certificate, and `all.pdf` with every one of them.
    #[arg(long, default_value = "certificates")]
    pub out: PathBuf,
}

pub fn execute(args: &Args) -> ExitCode {
    let made = match make(&args.sources.content, &args.sources.theme) {
        Ok(made) => made,
        Err(PrintError::Content(report)) => {
            print_report(&report);
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut names: Vec<String> = made.each.iter().map(|(number, _)| format!("{number}.pdf")).collect();
    names.push(ALL.to_owned());
    let files = made.each.iter().map(|(_, pdf)| pdf).chain([&made.all]);
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: {}: {e}", args.out.display());
        return ExitCode::from(1);
    }
    for (name, pdf) in names.iter().zip(files) {
        if let Err(e) = write_whole(&args.out.join(name), pdf) {
            eprintln!("error: {}: {e}", args.out.join(name).display());
            return ExitCode::from(1);
        }
    }
    // A PDF left from earlier results is not deleted (it is the user's file) but must not be printed by mistake.
    for stale in stale_pdfs(&args.out, &names) {
        eprintln!("warning: {}: not a certificate of the current results (left as it was)", stale.display());
    }
    println!(
        "wrote {} certificates to {} (<number>.pdf each, and all of them in {ALL}), set in {}",
        made.each.len(),
        args.out.display(),
        made.font
    );
    ExitCode::SUCCESS
}

/// The PDF files in `folder` that are not among `written`.
fn stale_pdfs(folder: &Path, written: &[String]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_none_or(|n| !written.iter().any(|w| w == n)))
        .collect();
    stale.sort();
    stale
}
