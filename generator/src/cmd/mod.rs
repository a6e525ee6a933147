//! The subcommands of the `generator` binary, one file each: the command line and a short `execute`.

pub mod book;
pub mod build;
pub mod certificates;
pub mod check;
pub mod explain;
pub mod import;
pub mod new;
pub mod serve;
pub mod sheets;

use std::path::PathBuf;

/// The folders a build reads and writes, shared by `build` and `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct Folders {
    /// The content folder: site.yaml and cases/.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The theme folder: templates/ and static/.
    #[arg(long, default_value = "themes/default")]
    pub theme: PathBuf,
    /// Where the site is written; replaced only when the build succeeds.
    #[arg(long, default_value = "output")]
    pub output: PathBuf,
    /// Where derived photos are kept between builds.
    #[arg(long, default_value = ".cache")]
    pub cache: PathBuf,
}
