//! `generator serve`: the editors' preview on 127.0.0.1, rebuilt on every change, with a working vote button.

use std::process::ExitCode;

use generator::build::BuildOptions;
use generator::images::PhotoSettings;
use generator::preview::{PreviewOptions, run};

use super::Folders;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub folders: Folders,
}

pub fn execute(args: &Args) -> ExitCode {
    let options = PreviewOptions {
        build: BuildOptions {
            content: args.folders.content.clone(),
            theme: args.folders.theme.clone(),
            output: args.folders.output.clone(),
            cache: args.folders.cache.clone(),
            photos: Some(PhotoSettings::default()),
            vote_endpoint: Some("/api/votes".to_owned()),
        },
        port: args.port,
    };
    let open = args.open;
    let result = run(options, |address| {
        let url = format!("http://{address}/");
        println!("serving {url} (Ctrl-C stops); editing content/ or the theme rebuilds and reloads the page");
        if open {
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
