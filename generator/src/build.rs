//! `generator build`: check, derive photos, render every page, index for search, and swap the result into `output/`.
//!
//! Nothing is written to `output/` unless every step succeeded: the site is assembled in a staging folder
//! ([`crate::output::Staging`]). The same input gives byte-identical output: pages, photos and the index depend only
//! on the content, the theme and the settings, never on the clock or the order threads finish in.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::diagnostics::Report;
use crate::images::{self, DerivedPhoto, PhotoSettings, Stats};
use crate::model::case::PublicCase;
use crate::output::Staging;
use crate::render::pages::{self, SiteData};
use crate::render::theme::Theme;
use crate::render::views::{CaseView, PictureView, ViewBuilder};
use crate::render::{self, RenderError};
use crate::results::{CaseFacts, Stage, publish};
use crate::rules::photos::Inspection;
use crate::{manifest, search};

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
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Builds the site described by `options`. The report holds the content's warnings.
pub fn build(options: &BuildOptions) -> Result<(BuildSummary, Report), BuildError> {
    let started = Instant::now();
    let mut steps = Steps::new();
    // Photos are decoded when they are derived, and those that fail are reported then.
    let (content, results, report) = crate::check(&options.content, Inspection::FileOnly);
    if report.has_errors() {
        return Err(BuildError::Content(report));
    }
    let Some(site_file) = content.site else { return Err(BuildError::Content(report)) };
    let mut site = site_file.site;
    if let Some(endpoint) = &options.vote_endpoint {
        site.election.vote_endpoint.clone_from(endpoint);
    }
    let cases: Vec<PublicCase> = content.forms.into_iter().filter_map(|f| f.into_public()).collect();
    steps.done("read and check content");
    let theme = Theme::load(&options.theme)?;
    let staging = Staging::new(&options.output).map_err(|source| io_error(&options.output, source))?;
    let views = ViewBuilder::new(&site);

    let (derived, photo_stats) = match &options.photos {
        Some(settings) => derive_photos(&cases, settings, &options.cache)?,
        None => (vec![Vec::new(); cases.len()], Stats::default()),
    };
    steps.done("derive photos");
    let case_views: Vec<CaseView> = cases
        .par_iter()
        .zip(&derived)
        .map(|(case, photos)| {
            let pictures: Vec<PictureView> =
                photos.iter().enumerate().map(|(i, d)| views.picture(case, i, d)).collect();
            views.case(case, pictures)
        })
        .collect();
    steps.done("views and Markdown");

    let mut tera = theme.tera;
    let mut site_view = views.site(&cases, theme.asset_paths.clone());
    let results_view = results.as_ref().map(|r| {
        site_view.results_url = Some(format!("{}results/", views.root));
        site_view.results_final = r.stage == Stage::Final;
        render::results::view(&site_view, r, &case_views)
    });
    tera.global_context().insert("site", &site_view);
    if let Some(view) = &results_view {
        tera.global_context().insert("results", view);
    }
    let featured = featured_cards(&site.featured, &case_views);
    let pairs: Vec<(&PublicCase, &CaseView)> = cases.iter().zip(&case_views).collect();
    let index = search::build_index(&pairs);
    steps.done("search index");
    let data = SiteData {
        site: &site_view,
        cases: &case_views,
        featured,
        page_size: site.listing_page_size,
        search_index: format!("{}{}", views.root, index.dir),
        outcomes: results_view.as_ref().map(render::results::outcomes).unwrap_or_default(),
    };
    let results_pages =
        results_view.as_ref().map(|v| render::results::pages(&site_view, v, &case_views)).unwrap_or_default();
    let page_list = pages::all_pages(&data, results_pages);
    let rendered = pages::render_all(&tera, &page_list)?;
    steps.done("render pages");

    let mut files: Vec<(String, Vec<u8>)> = rendered;
    files.extend(theme.assets);
    files.extend(index.files);
    files.push(("api/cases.json".to_owned(), manifest::to_json(&site, &cases, &views.root)));
    if let Some(results) = &results {
        let facts = case_facts(&cases);
        files.push(("api/results.json".to_owned(), publish::to_json(&site, results, &facts)));
        files.push(("api/results.csv".to_owned(), publish::to_csv(results, &facts)));
        for input in &results.inputs {
            files.push((render::results::input_path(&input.name), input.text.clone().into_bytes()));
        }
    }
    let write = |(path, bytes): &(String, Vec<u8>)| {
        staging.write(path, bytes).map_err(|e| io_error(&staging.path().join(path), e))
    };
    files.par_iter().try_for_each(write)?;
    let links: Vec<(String, PathBuf)> = cases
        .iter()
        .zip(&derived)
        .flat_map(|(case, photos)| {
            photos.iter().enumerate().flat_map(move |(i, d)| {
                d.renditions.iter().map(move |r| (ViewBuilder::photo_path(case, i, d, r), d.file(r)))
            })
        })
        .collect();
    links.par_iter().try_for_each(|(path, from)| staging.link(path, from).map_err(|e| io_error(from, e)))?;
    steps.done("write files");

    let summary = BuildSummary {
        cases: cases.len(),
        pages: page_list.len(),
        files: files.len() + links.len(),
        photos: photo_stats,
        warnings: report.warning_count(),
        elapsed: Duration::ZERO,
        steps: Vec::new(),
    };
    staging.commit().map_err(|e| io_error(&options.output, e))?;
    steps.done("swap into place");
    Ok((BuildSummary { elapsed: started.elapsed(), steps: steps.0, ..summary }, report))
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

/// Derives every case's photos, with a progress bar on a terminal; returns them grouped by case.
fn derive_photos(
    cases: &[PublicCase],
    settings: &PhotoSettings,
    cache: &Path,
) -> Result<(Vec<Vec<DerivedPhoto>>, Stats), BuildError> {
    let sources: Vec<PathBuf> = cases.iter().flat_map(|c| c.photos.iter().map(|p| c.folder.join(&p.file))).collect();
    let bar = ProgressBar::new(sources.len() as u64).with_style(
        ProgressStyle::with_template("photos {bar:30} {pos}/{len} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut flat, stats) =
        images::derive_all(&sources, settings, cache, &|| bar.inc(1)).map_err(BuildError::Photos)?;
    bar.finish_and_clear();
    let mut grouped = Vec::with_capacity(cases.len());
    for case in cases.iter().rev() {
        grouped.push(flat.split_off(flat.len() - case.photos.len()));
    }
    grouped.reverse();
    Ok((grouped, stats))
}

/// The cards of the featured cases, in the order of `site.yaml`; the first few cases if none are named.
fn featured_cards(featured: &[String], cases: &[CaseView]) -> Vec<render::views::CaseCard> {
    if featured.is_empty() {
        return cases.iter().take(6).map(|c| c.card.clone()).collect();
    }
    featured.iter().filter_map(|id| cases.iter().find(|c| &c.card.id == id)).map(|c| c.card.clone()).collect()
}

/// The facts the results files need, from the public cases.
fn case_facts(cases: &[PublicCase]) -> Vec<CaseFacts> {
    cases
        .iter()
        .map(|c| CaseFacts {
            id: c.id.to_string(),
            title: c.title.clone(),
            category: c.category.clone(),
            recommender: c.recommender.clone(),
        })
        .collect()
}

fn io_error(path: &Path, source: std::io::Error) -> BuildError {
    BuildError::Io { path: path.to_path_buf(), source }
}
