//! `generator build`: check, derive photos, render every page, index for search, and swap the result into `output/`.
//!
//! Nothing is written to `output/` unless every step succeeded: the site is assembled in a staging folder
//! ([`crate::output::Staging`]). The same input gives byte-identical output: pages, photos and the index depend only
//! on the content, the theme and the settings, never on the clock or the order threads finish in.
//!
//! The full build is here; what the pages are made from is [`rendering`], the photos [`photos`]. The preview keeps
//! what a build knows ([`Memory`]) and [`rebuild`]s only what a change touches ([`incremental`]); the result is the
//! same site, byte for byte, as a full build of the same content.

pub mod incremental;
mod photos;
mod rendering;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::Report;
use crate::images::{self, PhotoSettings, Stats};
use crate::model::case::PublicCase;
use crate::output::{Staging, guard};
use crate::render::pages;
use crate::render::search_index;
use crate::render::theme::Theme;
use crate::render::views::{CaseView, ViewBuilder};
use crate::render::{self, RenderError};
use crate::results::Stage;
use crate::rules::photos::Inspection;

pub use incremental::{Memory, rebuild, refresh_search};
use photos::{derive_photos, photo_failure, photo_links};
use rendering::{Planned, Rendering, ShownCases, case_view};

/// Where to read and write, and what to derive.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub theme: PathBuf,
    pub output: PathBuf,
    /// Derived photos are kept here between builds, outside `output/`.
    pub cache: PathBuf,
    /// `None` skips photos altogether (pages only; for benchmarks and quick previews).
    pub photos: Option<PhotoSettings>,
    /// Where the vote button posts, instead of `election.vote_endpoint` (the preview uses its own `/api/votes`).
    pub vote_endpoint: Option<String>,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub cases: usize,
    pub pages: usize,
    pub files: usize,
    pub photos: Stats,
    pub warnings: usize,
    /// How far the results have got, and how many typical cases they name.
    pub results: Option<(Stage, usize)>,
    pub elapsed: Duration,
    /// How long each step took, in order.
    pub steps: Vec<(&'static str, Duration)>,
}

/// Why a build failed; `output/` is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the content has errors")]
    Content(Report),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Photos(Vec<images::PhotoError>),
    #[error(transparent)]
    Output(#[from] guard::OutputRefused),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Builds the site described by `options`. The report holds the content's warnings.
pub fn build(options: &BuildOptions) -> Result<(BuildSummary, Report), BuildError> {
    build_keeping(options).map(|(summary, report, _)| (summary, report))
}

/// A full build that also returns what it knows, for [`rebuild`].
pub fn build_keeping(options: &BuildOptions) -> Result<(BuildSummary, Report, Memory), BuildError> {
    let started = Instant::now();
    let mut steps = Steps::new();
    check_output_folder(options)?;
    // Every photo rule but the full decode, which deriving does (and reports) anyway.
    let (content, results, report) = crate::check(&options.content, Inspection::Header);
    if report.has_errors() {
        return Err(BuildError::Content(report));
    }
    let Some(site_file) = &content.site else { return Err(BuildError::Content(report)) };
    let mut site = site_file.site.clone();
    if let Some(endpoint) = &options.vote_endpoint {
        site.election.vote_endpoint.clone_from(endpoint);
    }
    let cases: Vec<PublicCase> = content.forms.iter().filter_map(|f| f.clone().into_public()).collect();
    steps.done("read and check content");
    let theme = Theme::load(&options.theme)?;
    let staging = Staging::new(&options.output).map_err(|source| io_error(&options.output, source))?;
    let views = ViewBuilder::new(&site);

    let (derived, photo_stats) = match &options.photos {
        Some(settings) => match derive_photos(&cases, settings, site.rules.max_photo_pixels, &options.cache, true) {
            Ok(derived) => derived,
            Err(e) => return Err(photo_failure(e, &content.forms, report)),
        },
        None => (vec![Vec::new(); cases.len()], Stats::default()),
    };
    steps.done("derive photos");
    let case_views: Vec<CaseView> =
        cases.par_iter().zip(&derived).map(|(case, photos)| case_view(&views, case, photos)).collect();
    steps.done("views and Markdown");

    let pairs: Vec<(&PublicCase, &CaseView)> = cases.iter().zip(&case_views).collect();
    let index = search_index::build_index(&pairs);
    steps.done("search index");
    let mut tera = theme.tera.clone();
    let shown = ShownCases { views: &case_views, derived: &derived };
    let published = content.published_hashes.as_ref();
    let rendering = Rendering::new(&site, &cases, shown, &theme, results.as_ref(), published, &index.dir, &mut tera)
        .with_news(&content.news, &mut tera);
    let data = rendering.data();
    // Every page, planned; each is made, rendered and written in one go, so that no page is held longer.
    let keys = pages::plan(&data);
    let made = rendering.more_pages();
    let (share, share_paths) = rendering.print_share_pages(None);
    let mut more_paths: Vec<String> = made.iter().map(|p| p.path.clone()).collect();
    more_paths.extend(share_paths);
    let planned: Vec<Planned> =
        keys.iter().map(|key| Planned::Hall(*key)).chain(made.into_iter().map(Planned::Made)).chain(share).collect();
    let page_count = planned.len();
    planned.into_par_iter().try_for_each(|planned| {
        let page = rendering.make(planned, &data, &keys, &more_paths);
        let bytes = render::page::render(&tera, &page)?;
        staging.write(&page.path, &bytes).map_err(|e| io_error(&staging.path().join(&page.path), e))
    })?;
    let outcomes = data.outcomes.clone();
    steps.done("render and write pages");

    let mut files = rendering.data_files(&cases, &crate::case_facts(&content.forms));
    files.extend(rendering.print_share_files()?);
    steps.done("data files and QR codes");
    let written: BTreeSet<String> = keys
        .iter()
        .map(|key| pages::path_of(&data, *key))
        .chain(more_paths)
        .chain(files.iter().map(|(path, _)| path.clone()))
        .collect();
    files.extend(theme.assets.iter().cloned());
    files.extend(index.files);
    let write = |(path, bytes): &(String, Vec<u8>)| {
        staging.write(path, bytes).map_err(|e| io_error(&staging.path().join(path), e))
    };
    files.par_iter().try_for_each(write)?;
    let links = photo_links(&cases, &derived);
    links.par_iter().try_for_each(|(path, from)| staging.link(path, from).map_err(|e| io_error(from, e)))?;
    steps.done("write files");

    let summary = BuildSummary {
        cases: cases.len(),
        pages: page_count,
        files: page_count + files.len() + links.len(),
        photos: photo_stats,
        warnings: report.warning_count(),
        results: results.as_ref().map(|r| (r.stage, r.winner_count())),
        elapsed: Duration::ZERO,
        steps: Vec::new(),
    };
    staging.commit().map_err(|e| io_error(&options.output, e))?;
    steps.done("swap into place");
    let memory = Memory {
        content,
        site,
        theme,
        cases,
        derived,
        views: case_views,
        search_dir: index.dir,
        search_stale: false,
        files: written,
        results,
        outcomes,
    };
    Ok((BuildSummary { elapsed: started.elapsed(), steps: steps.0, ..summary }, report, memory))
}

/// Refuses an output folder that a build must not replace ([`crate::output::guard`]).
pub fn check_output_folder(options: &BuildOptions) -> Result<(), BuildError> {
    let inputs = guard::Inputs { content: &options.content, theme: &options.theme, cache: &options.cache };
    Ok(guard::check(&options.output, &inputs)?)
}

/// The duration of each step of a build, for `--timings`.
struct Steps(Vec<(&'static str, Duration)>, Instant);

impl Steps {
    fn new() -> Self {
        Steps(Vec::new(), Instant::now())
    }

    fn done(&mut self, step: &'static str) {
        self.0.push((step, self.1.elapsed()));
        self.1 = Instant::now();
    }
}

fn io_error(path: &Path, source: std::io::Error) -> BuildError {
    BuildError::Io { path: path.to_path_buf(), source }
}
