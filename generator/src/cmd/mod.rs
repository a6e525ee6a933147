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

use std::path::{Path, PathBuf};

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

/// The folders printed matter is made from, shared by `book` and `certificates`.
#[derive(Debug, Clone, clap::Args)]
pub struct PrintSources {
    /// The content folder: site.yaml, cases/, the results' inputs (and collection/preface.md for the book).
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The theme folder: its typst layouts are under book/.
    #[arg(long, default_value = "themes/default")]
    pub theme: PathBuf,
}

/// Writes `bytes` to `path` through a file beside it, renamed into place, so that a reader never sees half a file.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}
