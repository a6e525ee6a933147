//! The generator turns the approved cases of a "typical informatization case" selection into the online exhibition
//! hall (网上展厅): a static site, the manifest the vote service loads, and after the vote the results.
//!
//! The major components follow the data:
//! - [`content`] reads `content/` from disk: `site.yaml`, case folders, front matter with the line of every key;
//! - [`model`] holds the typed data: [`model::form::ApplicationForm`] as written (public and private fields),
//!   [`model::case::PublicCase`] as the hall may show it, [`model::site::Site`] for the settings;
//! - [`rules`] checks the notice's rules, one module a rule;
//! - [`diagnostics`] collects every problem with its file, line and field;
//! - [`markdown`] turns descriptions into sanitised HTML; [`images`] derives and caches web photos;
//! - [`render`] fills the theme's templates; [`search`] builds the search index; [`manifest`] writes the file the
//!   vote service loads; [`output`] swaps the finished site into place;
//! - [`preview`] serves the site to editors with live reload and the vote service embedded; [`scaffold`] starts a
//!   new case.
//!
//! [`check`] ties the first four together for `generator check`; [`build::build`] runs the whole pipeline.

pub mod build;
pub mod content;
pub mod diagnostics;
pub mod images;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod output;
pub mod preview;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod search;

use std::path::Path;

use content::Content;
use diagnostics::Report;

/// Reads `content_dir` and checks every rule, returning what was read and every problem found.
pub fn check(content_dir: &Path, photos: rules::photos::Inspection) -> (Content, Report) {
    let mut report = Report::default();
    let content = content::read(content_dir, &mut report);
    rules::check(&content, photos, &mut report);
    (content, report)
}
