//! Printed matter, typeset by the typst crate (pure Rust, deterministic) with the theme's templates under `book/`:
//! the case collection as a book ([`collection`], `generator book`) and the certificates as PDF files
//! ([`certificates`], `generator certificates`). Apart from `generator build`, so that the hall builds without fonts
//! or typesetting.
//!
//! Each template gets its data as a JSON file ([`world`]), so no case text is ever parsed as typst markup, and sets
//! it in a CJK font from a Debian package ([`fonts`]). The same input gives the same PDF bytes: each PDF's identifier
//! is derived from what it is and no date is written.

pub mod certificates;
pub mod collection;
pub mod collection_data;
pub mod fonts;
pub mod world;

use std::path::{Path, PathBuf};

use crate::content::Content;
use crate::diagnostics::Report;
use crate::model::site::Site;
use crate::results::{Results, Stage};
use crate::rules::photos::Inspection;

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the content has errors")]
    Content(Report),
    /// The folder, and what the document holds that needs the final results.
    #[error(
        "{0} has no final results yet: {1}, known once votes/tally.json, scores/media.yaml and scores/expert.yaml are committed"
    )]
    NotFinal(String, &'static str),
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error(transparent)]
    Fonts(#[from] fonts::FontError),
    #[error("{template}: typst: {message}")]
    Typeset { template: String, message: String },
}

/// The content of `content_dir`, checked, with its site and its final results.
struct Final {
    content: Content,
    site: Site,
    results: Results,
}

/// `holds` says what the document needs them for, in the error's words.
fn final_results(content_dir: &Path, holds: &'static str) -> Result<Final, PrintError> {
    let (content, results, report) = crate::check(content_dir, Inspection::Header);
    if report.has_errors() {
        return Err(PrintError::Content(report));
    }
    let site = content.site.as_ref().map(|s| s.site.clone());
    match (site, results.filter(|r| r.stage == Stage::Final)) {
        (Some(site), Some(results)) => Ok(Final { content, site, results }),
        _ => Err(PrintError::NotFinal(content_dir.display().to_string(), holds)),
    }
}

/// The text of the theme's `book/<name>`.
fn template(theme_dir: &Path, name: &str) -> Result<(PathBuf, String), PrintError> {
    let path = theme_dir.join("book").join(name);
    let text =
        std::fs::read_to_string(&path).map_err(|e| PrintError::Read { path: path.clone(), message: e.to_string() })?;
    Ok((path, text))
}
