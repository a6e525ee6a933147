//! `generator new <id>`: scaffolds a case folder with a commented front matter.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case's permanent id: lowercase ASCII letters and digits joined by hyphens, e.g. port-automation.
    pub id: String,
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
}

pub fn execute(args: &Args) -> ExitCode {
    match generator::scaffold::new_case(&args.content, &args.id) {
        Ok(index) => {
            println!("created {}: fill it in, add 4 photos beside it, then run `generator check`", index.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
