//! `generator build`: builds the hall into `output/`; on any error prints why and leaves `output/` as it was.

use std::process::ExitCode;

use generator::build::{BuildError, BuildOptions, build};
use generator::images::PhotoSettings;
use generator::results::Stage;

use super::Folders;
use super::check::print_report;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub folders: Folders,
    /// Skip photos: pages only, without pictures (for benchmarks and quick previews; not for publishing).
    #[arg(long)]
    pub no_photos: bool,
    /// Do not derive WebP renditions, only JPEG.
    #[arg(long)]
    pub no_webp: bool,
    /// Print how long each step took.
    #[arg(long)]
    pub timings: bool,
}

pub fn execute(args: &Args) -> ExitCode {
    let photos = (!args.no_photos).then(|| PhotoSettings {
        webp_quality: if args.no_webp { None } else { PhotoSettings::default().webp_quality },
        ..PhotoSettings::default()
    });
    let options = BuildOptions {
        content: args.folders.content.clone(),
        theme: args.folders.theme.clone(),
        output: args.folders.output.clone(),
        cache: args.folders.cache.clone(),
        photos,
        vote_endpoint: None,
    };
    match build(&options) {
        Ok((summary, report)) => {
            print_report(&report);
            if args.timings {
                for (step, took) in &summary.steps {
                    eprintln!("{:>8.3} s  {step}", took.as_secs_f64());
                }
            }
            let results = match summary.results {
                None => String::new(),
                Some((Stage::Shortlist, _)) => "; results: the shortlist (no panel marks yet)".to_owned(),
                Some((Stage::Final, winners)) => format!("; results: final, {winners} typical cases"),
            };
            println!(
                "built {} cases, {} pages, {} files into {} in {:.2} s; photos: {} decoded, {} from cache{results}{}",
                summary.cases,
                summary.pages,
                summary.files,
                args.folders.output.display(),
                summary.elapsed.as_secs_f64(),
                summary.photos.decoded,
                summary.photos.from_cache,
                match summary.warnings {
                    0 => String::new(),
                    n => format!(" ({n} warnings)"),
                }
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(report)) => {
            print_report(&report);
            eprintln!("nothing was written; {} is unchanged", args.folders.output.display());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was written; {} is unchanged", args.folders.output.display());
            ExitCode::from(1)
        }
    }
}
