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
//! - [`render`] fills the theme's templates and builds the search index; [`manifest`] writes the file the
//!   vote service loads; [`output`] swaps the finished site into place;
//! - [`results`] computes the shortlist, the scores, the typical cases and the organisation award from the tally
//!   and the panels' marks;
//! - [`preview`] serves the site to editors with live reload and the vote service embedded; [`scaffold`] starts a
//!   new case; [`intake`] imports the submission system's export (`generator import`) with the 审核 report.
//!
//! - [`print`] typesets the case collection as a PDF book (`generator book`) and the certificates as PDF files
//!   (`generator certificates`).
//!
//! [`check`] ties the first four together for `generator check` ([`staged`] gives it the content as a commit would
//! hold it, for `generator check --staged`); [`build::build`] runs the whole pipeline.

pub mod build;
pub mod content;
pub mod diagnostics;
pub mod images;
pub mod intake;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod output;
pub mod preview;
pub mod print;
pub mod render;
pub mod results;
pub mod rules;
pub mod scaffold;
pub mod staged;
pub mod text;

use std::path::Path;

use content::Content;
use diagnostics::Report;
use results::{CaseFacts, Results};

/// Reads `content_dir` and checks every rule, returning what was read, the results once the vote is over, and every
/// problem found. The results' inputs are checked only when the cases themselves have no error.
pub fn check(content_dir: &Path, photos: rules::photos::Inspection) -> (Content, Option<Results>, Report) {
    check_photos_by_case(content_dir, &|_| photos)
}

/// As [`check`], each case's photos examined as `inspection_of` says: `check --staged` decodes fully only the photos
/// of the cases a commit changes, and reads the headers of the others.
pub fn check_photos_by_case(
    content_dir: &Path,
    inspection_of: &dyn Fn(&model::form::ApplicationForm) -> rules::photos::Inspection,
) -> (Content, Option<Results>, Report) {
    let mut report = Report::default();
    let content = content::read(content_dir, &mut report);
    rules::check_all_but_photos(&content, &mut report);
    if let Some(site_file) = &content.site {
        for inspection in [rules::photos::Inspection::FullDecode, rules::photos::Inspection::Header] {
            let forms: Vec<_> = content.forms.iter().filter(|f| inspection_of(f) == inspection).cloned().collect();
            rules::photos::check(&forms, &site_file.site.rules, inspection, &mut report);
        }
    }
    let results = match &content.site {
        Some(site_file) if !report.has_errors() => {
            let files = content::result_files::read(content_dir, &mut report);
            if let (Some(published), Some(tally)) = (&content.published_hashes, &files.tally) {
                results::published_hashes::check(published, tally, &mut report);
            }
            let facts = case_facts(&content.forms);
            results::evaluate(&site_file.site, &facts, &files, &mut report)
        }
        _ => None,
    };
    (content, results, report)
}

/// The public facts the results need, from forms that passed every check.
pub fn case_facts(forms: &[model::form::ApplicationForm]) -> Vec<CaseFacts> {
    forms
        .iter()
        .filter_map(|f| {
            Some(CaseFacts {
                id: f.id.to_string(),
                title: f.title.clone()?,
                category: f.category.clone()?,
                recommender: f.recommender.clone()?,
            })
        })
        .collect()
}
