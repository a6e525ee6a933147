//! `generator sheets`: writes each panel's blank mark sheet (评分表) for the shortlisted cases.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::content::result_files::Panel;
use generator::rules::photos::Inspection;

use super::check::print_report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The content folder: site.yaml (with scoring.panels), cases/ and votes/tally.json.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Where the sheets are written, as media.csv and expert.csv; an existing sheet is never overwritten.
    #[arg(long, default_value = "sheets")]
    pub out: PathBuf,
}

pub fn execute(args: &Args) -> ExitCode {
    let (content, results, report) = generator::check(&args.content, Inspection::Header);
    if report.has_errors() {
        print_report(&report);
        return ExitCode::from(1);
    }
    let (Some(site), Some(results)) = (&content.site, &results) else {
        eprintln!(
            "error: {} has no shortlist yet: the sheets list the shortlisted cases, which votes/tally.json (from \
             `vote-service export`) decides",
            args.content.display()
        );
        return ExitCode::from(1);
    };
    let site = &site.site;
    let Some(sizes) = site.scoring.panels else {
        eprintln!(
            "error: {}: scoring.panels: is missing; say how many members each panel has, e.g.\n  panels: {{media: 5, \
             expert: 7}}",
            args.content.join("site.yaml").display()
        );
        return ExitCode::from(1);
    };
    let facts = generator::case_facts(&content.forms);
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: {}: {e}", args.out.display());
        return ExitCode::from(1);
    }
    for (panel, members) in [(Panel::Media, sizes.media), (Panel::Expert, sizes.expert)] {
        let path = args.out.join(panel.sheet_name());
        if path.exists() {
            eprintln!(
                "error: {} already exists and may hold marks; move it away or name another folder with --out",
                path.display()
            );
            return ExitCode::from(1);
        }
        let bytes = generator::results::sheets::blank_sheet(site, results, &facts, panel, members);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        let shortlisted = results.standings.iter().filter(|s| s.shortlisted).count();
        println!("wrote {}: {} {shortlisted} cases, {members} members", path.display(), panel.name());
    }
    ExitCode::SUCCESS
}
