//! The photos of a build: derived (through the cache) with a progress bar, their failures reported on the lines that
//! list them, and where each derived photo is published.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::BuildError;
use crate::diagnostics::Report;
use crate::images::{self, DerivedPhoto, PhotoSettings, Stats};
use crate::model::case::PublicCase;
use crate::model::form::ApplicationForm;
use crate::render::views::ViewBuilder;

/// Derives every case's photos, with a progress bar on a terminal when `progress`; returns them grouped by case.
pub(super) fn derive_photos(
    cases: &[PublicCase],
    settings: &PhotoSettings,
    max_pixels: u64,
    cache: &Path,
    progress: bool,
) -> Result<(Vec<Vec<DerivedPhoto>>, Stats), BuildError> {
    let sources: Vec<PathBuf> = cases.iter().flat_map(|c| c.photos.iter().map(|p| c.folder.join(&p.file))).collect();
    let bar = if progress { ProgressBar::new(sources.len() as u64) } else { ProgressBar::hidden() };
    let bar = bar.with_style(
        ProgressStyle::with_template("photos {bar:30} {pos}/{len} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut flat, stats) =
        images::derive_all(&sources, settings, max_pixels, cache, &|| bar.inc(1)).map_err(BuildError::Photos)?;
    bar.finish_and_clear();
    let mut grouped = Vec::with_capacity(cases.len());
    for case in cases.iter().rev() {
        grouped.push(flat.split_off(flat.len() - case.photos.len()));
    }
    grouped.reverse();
    Ok((grouped, stats))
}

/// Photos that could not be derived, as problems on the lines that list them (as `check` reports them), added to the
/// content's `report`; a failure of another kind as it is.
pub(super) fn photo_failure(error: BuildError, forms: &[ApplicationForm], mut report: Report) -> BuildError {
    let BuildError::Photos(errors) = error else { return error };
    let mut others = Vec::new();
    for error in errors {
        let problem = match &error {
            images::PhotoError::Source { path, message } => crate::rules::photos::derive_problem(forms, path, message),
            images::PhotoError::Cache { .. } => None,
        };
        match problem {
            Some(problem) => report.push(problem),
            None => others.push(error),
        }
    }
    if others.is_empty() { BuildError::Content(report) } else { BuildError::Photos(others) }
}

/// Where each derived photo is published, and the cached file it is.
pub(super) fn photo_links(cases: &[PublicCase], derived: &[Vec<DerivedPhoto>]) -> Vec<(String, PathBuf)> {
    cases
        .iter()
        .zip(derived)
        .flat_map(|(case, photos)| {
            photos.iter().enumerate().flat_map(move |(i, d)| {
                d.renditions.iter().map(move |r| (ViewBuilder::photo_path(case, i, d, r), d.file(r)))
            })
        })
        .collect()
}
