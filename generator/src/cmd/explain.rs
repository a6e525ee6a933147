//! `generator explain <case-id>`: prints how one case's composite and rank were computed, step by step.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::rules::photos::Inspection;

use super::check::print_report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case to explain (its folder name under content/cases/).
    pub case: String,
    /// The content folder: site.yaml, cases/, votes/tally.json and scores/.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
}

pub fn execute(args: &Args) -> ExitCode {
    let (content, results, report) = generator::check(&args.content, Inspection::Header);
    if report.has_errors() {
        print_report(&report);
        return ExitCode::from(1);
    }
    let (Some(site), Some(results)) = (&content.site, &results) else {
        eprintln!(
            "error: {} has no results yet: they need votes/tally.json (from `vote-service export`) and, for the \
             composite, scores/media.yaml and scores/expert.yaml",
            args.content.display()
        );
        return ExitCode::from(1);
    };
    let facts = generator::case_facts(&content.forms);
    match generator::results::explain::explain(&site.site, results, &facts, &args.case) {
        Some(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        None => {
            let known: Vec<&str> = facts.iter().map(|f| f.id.as_str()).collect();
            let hint = generator::text::did_you_mean(&args.case, &known)
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            eprintln!("error: no case has the id '{}'{hint}", args.case);
            ExitCode::from(1)
        }
    }
}
