//! `generator book`: the case collection as a PDF book (typst), apart from `build` so that the hall builds without
//! fonts or typesetting.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::print::PrintError;
use generator::print::collection::make;

use super::check::print_report;
use super::{PrintSources, write_whole};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: PrintSources,
    /// The PDF file to write.
    #[arg(long, default_value = "collection.pdf")]
    pub out: PathBuf,
}

pub fn execute(args: &Args) -> ExitCode {
    match make(&args.sources.content, &args.sources.theme) {
        Ok(book) => {
            if let Err(e) = write_whole(&args.out, &book.pdf) {
                eprintln!("error: {}: {e}", args.out.display());
                return ExitCode::from(1);
            }
            println!(
                "wrote {}: {} typical cases, {} pages, set in {}",
                args.out.display(),
                book.cases,
                book.pages,
                book.font
            );
            ExitCode::SUCCESS
        }
        Err(PrintError::Content(report)) => {
            print_report(&report);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
