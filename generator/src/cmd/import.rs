//! `generator import`: the submission system's export becomes case folders, with the 审核 report.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::intake::{self, Options, summary};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export: XLSX, or CSV in UTF-8 or GBK; one row per application, Chinese headers.
    pub sheet: PathBuf,
    /// The folder of uploaded photos (and <案例ID>.md or .txt descriptions).
    #[arg(long)]
    pub photos: PathBuf,
    /// The content folder: site.yaml and cases/.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Write only the 审核 report; no case is written.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the changed fields of cases that exist already.
    #[arg(long)]
    pub update: bool,
    /// Where the 审核 report goes [default: beside the sheet, SHEET.审核.csv].
    #[arg(long)]
    pub report: Option<PathBuf>,
}

pub fn execute(args: &Args) -> ExitCode {
    let options = Options {
        sheet: args.sheet.clone(),
        photos: args.photos.clone(),
        content: args.content.clone(),
        dry_run: args.dry_run,
        update: args.update,
        report: args.report.clone(),
    };
    match intake::import(&options) {
        Ok(outcome) => {
            summary::problems(&outcome, &args.sheet).iter().for_each(|line| eprintln!("{line}"));
            summary::done(&outcome, &args.sheet, args.dry_run).iter().for_each(|line| println!("{line}"));
            if outcome.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
