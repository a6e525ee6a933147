//! `generator build`: check, derive photos, render every page, index for search, and swap the result into `output/`.
//!
//! Nothing is written to `output/` unless every step succeeded: the site is assembled in a staging folder
//! ([`crate::output::Staging`]). The same input gives byte-identical output: pages, photos and the index depend only
//! on the content, the theme and the settings, never on the clock or the order threads finish in.
//!
//! The preview keeps what a build knows ([`Memory`]) and [`rebuild`]s only what a change touches; the result is the
//! same site, byte for byte, as a full build of the same content.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::content::Content;
use crate::content::closing_hashes::PublishedHashes;
use crate::diagnostics::Report;
use crate::images::{self, DerivedPhoto, PhotoSettings, Stats, likeness};
use crate::model::case::PublicCase;
use crate::model::form::ApplicationForm;
use crate::model::site::Site;
use crate::output::{InPlace, Staging, guard};
use crate::render::pages::{self, PageKey, SiteData, TermKind};
use crate::render::results::ResultsView;
use crate::render::theme::Theme;
use crate::render::views::{CaseView, PictureView, SiteView, ViewBuilder};
use crate::render::{self, RenderError};
use crate::results::{CaseFacts, Results, Stage, publish};
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

/// What a build knows once it is done: the cases as read, their photos and views, the theme, and the pages it
/// wrote. The preview keeps it to rebuild only what a change touches ([`rebuild`]).
pub struct Memory {
    content: Content,
    site: Site,
    theme: Theme,
    /// In the hall's order (by id), the same index in all three.
    cases: Vec<PublicCase>,
    derived: Vec<Vec<DerivedPhoto>>,
    views: Vec<CaseView>,
    /// The folder of the search index in `output/`, e.g. `search/1a2b3c4d5e/`.
    search_dir: String,
    /// Whether the index lags behind the cases (after a rebuild, until [`refresh_search`]).
    search_stale: bool,
    /// Every page and data file written (not the assets, the photos or the search index), by path.
    files: BTreeSet<String>,
    /// The results the pages were made with, and what each case's page said of its outcome.
    results: Option<Results>,
    outcomes: std::collections::BTreeMap<String, render::results::Outcome>,
}

impl Memory {
    /// The rendering of the cases in memory with `results`, naming the search index at `search_dir`.
    fn rendering<'a>(&'a self, results: Option<&'a Results>, search_dir: &str, tera: &mut tera::Tera) -> Rendering<'a> {
        let shown = ShownCases { views: &self.views, derived: &self.derived };
        let published = self.content.published_hashes.as_ref();
        Rendering::new(&self.site, &self.cases, shown, &self.theme, results, published, search_dir, tera)
            .with_news(&self.content.news, tera)
    }
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
    let index = search::build_index(&pairs);
    steps.done("search index");
    let mut tera = theme.tera.clone();
    let shown = ShownCases { views: &case_views, derived: &derived };
    let published = content.published_hashes.as_ref();
    let rendering = Rendering::new(&site, &cases, shown, &theme, results.as_ref(), published, &index.dir, &mut tera)
        .with_news(&content.news, &mut tera);
    let data = rendering.data();
    let mut more_pages = rendering.more_pages();
    more_pages.extend(rendering.print_share_pages(None).0);
    let page_list = pages::all_pages(&data, more_pages);
    let outcomes = data.outcomes;
    let rendered = pages::render_all(&tera, &page_list)?;
    steps.done("render pages");

    let mut data_files = rendering.data_files(&cases);
    data_files.extend(rendering.print_share_files()?);
    let written: BTreeSet<String> = rendered.iter().chain(&data_files).map(|(path, _)| path.clone()).collect();
    let mut files: Vec<(String, Vec<u8>)> = rendered;
    files.extend(data_files);
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
        pages: page_list.len(),
        files: files.len() + links.len(),
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

/// Rebuilds after the files `changed` changed, touching only what they touch: when every change is inside case
/// folders, the changed cases are read again, every rule runs again on the cases in memory
/// (the photo rule on the changed cases only), only their photos are derived and their views made, and only the pages
/// that show them are rendered: their own, their neighbours', their categories' and domains' listings, the home page,
/// the feeds and the results. Files are written in place, only when their bytes changed. The search index is left
/// as it was (see [`refresh_search`]). Any other change (`site.yaml`, the theme, the results' inputs), or results that
/// appear, go or change stage, is a full build.
///
/// On an error nothing is written, and the next call must be given these changes again.
pub fn rebuild(
    options: &BuildOptions,
    memory: &mut Memory,
    changed: &BTreeSet<PathBuf>,
) -> Result<(BuildSummary, Report), BuildError> {
    let touched = match touched_cases(&options.content, changed) {
        Ok(touched) => touched,
        Err(elsewhere) => {
            eprintln!("{} changed: rebuilding everything", elsewhere.display());
            return rebuild_all(options, memory);
        }
    };
    let started = Instant::now();
    let cases_dir = options.content.join("cases");
    let mut report = Report::default();
    for id in &touched {
        memory.content.forms.retain(|f| f.id.as_str() != id);
        let folder = cases_dir.join(id);
        if folder.is_dir() {
            let (form, problems) = crate::content::case_folder::read_one(&folder);
            report.extend(problems);
            if let Some(form) = form {
                let at = memory.content.forms.partition_point(|f| f.id.as_str() < id.as_str());
                memory.content.forms.insert(at, form);
            }
        }
    }
    crate::rules::check_all_but_photos(&memory.content, &mut report);
    let changed_forms: Vec<_> =
        memory.content.forms.iter().filter(|f| touched.contains(f.id.as_str())).cloned().collect();
    crate::rules::photos::check(&changed_forms, &memory.site.rules, Inspection::Header, &mut report);
    let results = if report.has_errors() {
        None
    } else {
        let files = crate::content::result_files::read(&options.content, &mut report);
        crate::results::evaluate(&memory.site, &crate::case_facts(&memory.content.forms), &files, &mut report)
    };
    if report.has_errors() {
        return Err(BuildError::Content(report));
    }
    if results.as_ref().map(|r| r.stage) != memory.results.as_ref().map(|r| r.stage) {
        // The results appear, go or change stage: every page's navigation changes.
        return rebuild_all(options, memory);
    }
    let fresh: Vec<PublicCase> = changed_forms.into_iter().filter_map(|f| f.into_public()).collect();
    let (fresh_derived, photo_stats) = match &options.photos {
        Some(settings) => {
            match derive_photos(&fresh, settings, memory.site.rules.max_photo_pixels, &options.cache, false) {
                Ok(derived) => derived,
                Err(e) => return Err(photo_failure(e, &memory.content.forms, report)),
            }
        }
        None => (vec![Vec::new(); fresh.len()], Stats::default()),
    };

    // What the pages showed before: the changed cases' terms and neighbours.
    let before: Vec<Placement> = touched.iter().filter_map(|id| Placement::of(&memory.views, id)).collect();
    let old_links: BTreeSet<(String, PathBuf)> = touched_links(&memory.cases, &memory.derived, &touched);
    // Swap the changed cases into the lists kept in memory.
    let views = ViewBuilder::new(&memory.site);
    for id in &touched {
        if let Ok(at) = memory.cases.binary_search_by(|c| c.id.as_str().cmp(id)) {
            memory.cases.remove(at);
            memory.derived.remove(at);
            memory.views.remove(at);
        }
    }
    for (case, derived) in fresh.into_iter().zip(fresh_derived) {
        let at = memory.cases.partition_point(|c| c.id.as_str() < case.id.as_str());
        memory.views.insert(at, case_view(&views, &case, &derived));
        memory.cases.insert(at, case);
        memory.derived.insert(at, derived);
    }
    let after: Vec<Placement> = touched.iter().filter_map(|id| Placement::of(&memory.views, id)).collect();

    let mut tera = memory.theme.tera.clone();
    let rendering = memory.rendering(results.as_ref(), &memory.search_dir, &mut tera);
    let data = &rendering.data();
    let all = pages::plan(data);
    let mut keys: BTreeSet<PageKey> = [PageKey::Home, PageKey::Sitemap, PageKey::Atom].into_iter().collect();
    // The search and not-found pages show the categories and domains with their counts, the search page the most
    // used tags: they change when a case comes, goes, moves or changes its tags.
    let terms = |places: &[Placement]| -> BTreeSet<(String, String, String, Vec<String>)> {
        places.iter().map(|p| (p.id.clone(), p.category.clone(), p.domain.clone(), p.tags.clone())).collect()
    };
    if terms(&before) != terms(&after) {
        keys.extend([PageKey::Search, PageKey::NotFound]);
    }
    for place in before.iter().chain(&after) {
        let ids = [Some(&place.id), place.prev.as_ref(), place.next.as_ref()];
        keys.extend(ids.into_iter().flatten().filter_map(|id| Placement::index(&memory.views, id)).map(PageKey::Case));
        keys.extend(pages::listing_keys(data, TermKind::Category, &place.category));
        keys.extend(pages::listing_keys(data, TermKind::Domain, &place.domain));
    }
    // A change of votes' shortlist or ranks shows on other cases' pages too.
    for (id, outcome) in &data.outcomes {
        if memory.outcomes.get(id) != Some(outcome) {
            let index = Placement::index(&memory.views, id);
            keys.extend(index.map(PageKey::Case));
            // Listings show the case's badge and follow the results' order.
            if let Some(card) = index.map(|i| &memory.views[i].card) {
                keys.extend(pages::listing_keys(data, TermKind::Category, &card.category.id));
                keys.extend(pages::listing_keys(data, TermKind::Domain, &card.domain.id));
            }
        }
    }
    let mut more_pages = rendering.more_pages();
    let mut more_paths: Vec<String> = more_pages.iter().map(|p| p.path.clone()).collect();
    // The embed pages and posters of the cases and categories the change touches.
    let mut scope = ShareScope::default();
    for place in before.iter().chain(&after) {
        scope.cases.insert(place.id.clone());
        scope.categories.insert(place.category.clone());
    }
    for (id, outcome) in &data.outcomes {
        if memory.outcomes.get(id) != Some(outcome) {
            scope.cases.insert(id.clone());
            scope.categories.extend(Placement::of(&memory.views, id).map(|p| p.category));
        }
    }
    let (share_pages, share_paths) = rendering.print_share_pages(Some(&scope));
    more_pages.extend(share_pages);
    more_paths.extend(share_paths);
    let mut page_list: Vec<pages::Page> =
        keys.iter().map(|key| pages::page_of(data, *key, &all, &more_paths)).collect();
    page_list.extend(more_pages);
    let rendered = pages::render_all(&tera, &page_list)?;
    let mut data_files = rendering.data_files(&memory.cases);
    data_files.extend(rendering.print_share_files()?);

    let mut out = InPlace::new(&options.output);
    let now: BTreeSet<String> = all
        .iter()
        .map(|key| pages::path_of(data, *key))
        .chain(more_paths)
        .chain(data_files.iter().map(|(path, _)| path.clone()))
        .collect();
    for (path, bytes) in rendered.iter().chain(&data_files) {
        out.write(path, bytes).map_err(|e| io_error(&options.output.join(path), e))?;
    }
    let new_links = touched_links(&memory.cases, &memory.derived, &touched);
    for (path, from) in &new_links {
        out.link(path, from).map_err(|e| io_error(from, e))?;
    }
    for (path, _) in old_links.difference(&new_links) {
        out.remove(path).map_err(|e| io_error(&options.output.join(path), e))?;
    }
    for path in memory.files.difference(&now) {
        out.remove(path).map_err(|e| io_error(&options.output.join(path), e))?;
    }
    for id in touched.iter().filter(|id| Placement::index(&memory.views, id).is_none()) {
        out.remove(&format!("cases/{id}")).map_err(|e| io_error(&options.output.join("cases").join(id), e))?;
    }
    let outcomes = data.outcomes.clone();
    drop(rendering);
    memory.files = now;
    memory.search_stale = true;
    memory.outcomes = outcomes;
    memory.results = results;
    let summary = BuildSummary {
        cases: memory.cases.len(),
        pages: page_list.len(),
        files: out.changed,
        photos: photo_stats,
        warnings: report.warning_count(),
        results: memory.results.as_ref().map(|r| (r.stage, r.winner_count())),
        elapsed: started.elapsed(),
        steps: Vec::new(),
    };
    Ok((summary, report))
}

/// Refuses an output folder that a build must not replace ([`crate::output::guard`]).
pub fn check_output_folder(options: &BuildOptions) -> Result<(), BuildError> {
    let inputs = guard::Inputs { content: &options.content, theme: &options.theme, cache: &options.cache };
    Ok(guard::check(&options.output, &inputs)?)
}

/// A full build that replaces what `memory` knows.
fn rebuild_all(options: &BuildOptions, memory: &mut Memory) -> Result<(BuildSummary, Report), BuildError> {
    let (summary, report, fresh) = build_keeping(options)?;
    *memory = fresh;
    Ok((summary, report))
}

/// Brings the search index up to date after [`rebuild`]: a new index folder and a search page that names it; the
/// old folder goes. Returns whether anything was done.
pub fn refresh_search(options: &BuildOptions, memory: &mut Memory) -> Result<bool, BuildError> {
    if !memory.search_stale {
        return Ok(false);
    }
    let pairs: Vec<(&PublicCase, &CaseView)> = memory.cases.iter().zip(&memory.views).collect();
    let index = search::build_index(&pairs);
    let mut out = InPlace::new(&options.output);
    if index.dir != memory.search_dir {
        index.files.par_iter().try_for_each(|(path, bytes)| {
            InPlace::new(&options.output).write(path, bytes).map_err(|e| io_error(&options.output.join(path), e))
        })?;
        let mut tera = memory.theme.tera.clone();
        let rendering = memory.rendering(memory.results.as_ref(), &index.dir, &mut tera);
        let page = pages::page_of(&rendering.data(), PageKey::Search, &[], &[]);
        for (path, bytes) in pages::render_all(&tera, &[page])? {
            out.write(&path, &bytes).map_err(|e| io_error(&options.output.join(&path), e))?;
        }
        out.remove(&memory.search_dir).map_err(|e| io_error(&options.output.join(&memory.search_dir), e))?;
        memory.search_dir = index.dir;
    }
    memory.search_stale = false;
    Ok(true)
}

/// The ids of the case folders that `changed` lies in, or the first change that lies elsewhere (then only a full
/// build will do: `site.yaml`, the theme, and the results' inputs, which may change every case's page).
fn touched_cases(content: &Path, changed: &BTreeSet<PathBuf>) -> Result<BTreeSet<String>, PathBuf> {
    // The watcher reports absolute paths.
    let cases = std::path::absolute(content).unwrap_or_else(|_| content.to_path_buf()).join("cases");
    let mut ids = BTreeSet::new();
    for path in changed {
        let elsewhere = || path.clone();
        let relative = path.strip_prefix(&cases).map_err(|_| elsewhere())?;
        let id = relative.components().next().and_then(|c| c.as_os_str().to_str()).ok_or_else(elsewhere)?;
        if relative.components().count() == 1 && path.is_file() {
            // A file directly in cases/: not a case; the full build warns about it.
            return Err(elsewhere());
        }
        if !id.starts_with('.') {
            ids.insert(id.to_owned());
        }
    }
    Ok(ids)
}

/// The cases and categories whose embed pages and posters a rebuild renders again.
#[derive(Default)]
struct ShareScope {
    cases: BTreeSet<String>,
    categories: BTreeSet<String>,
}

/// Where a case sat among the others: what its pages and its neighbours' pages show of it.
struct Placement {
    id: String,
    category: String,
    domain: String,
    prev: Option<String>,
    next: Option<String>,
    tags: Vec<String>,
}

impl Placement {
    fn index(views: &[CaseView], id: &str) -> Option<usize> {
        views.binary_search_by(|v| v.card.id.as_str().cmp(id)).ok()
    }

    fn of(views: &[CaseView], id: &str) -> Option<Placement> {
        let i = Self::index(views, id)?;
        let card = &views[i].card;
        let same = |j: &usize| views[*j].card.category.id == card.category.id;
        Some(Placement {
            id: id.to_owned(),
            category: card.category.id.clone(),
            domain: card.domain.id.clone(),
            prev: (0..i).rev().find(same).map(|j| views[j].card.id.clone()),
            next: (i + 1..views.len()).find(same).map(|j| views[j].card.id.clone()),
            tags: views[i].tags.clone(),
        })
    }
}

/// The cases as the pages show them: their views and their derived photos, in the same order.
struct ShownCases<'a> {
    views: &'a [CaseView],
    derived: &'a [Vec<DerivedPhoto>],
}

/// Everything the pages of one build are made from; making it sets the theme's globals (`site`, `results`).
struct Rendering<'a> {
    site: &'a Site,
    site_view: SiteView,
    results: Option<&'a Results>,
    results_view: Option<ResultsView>,
    case_views: &'a [CaseView],
    /// Each case's derived photos, as `case_views`.
    derived: &'a [Vec<DerivedPhoto>],
    search_index: String,
    /// The announcements, newest first ([`Rendering::with_news`]).
    news: Vec<render::news::NewsView>,
}

impl<'a> Rendering<'a> {
    #[allow(clippy::too_many_arguments)] // each is one input of the pages; a struct would only rename them
    fn new(
        site: &'a Site,
        cases: &[PublicCase],
        shown: ShownCases<'a>,
        theme: &Theme,
        results: Option<&'a Results>,
        published: Option<&PublishedHashes>,
        search_dir: &str,
        tera: &mut tera::Tera,
    ) -> Self {
        let views = ViewBuilder::new(site);
        let mut site_view = views.site(cases, theme.asset_paths.clone());
        site_view.published_hashes = render::closing_hashes::view(&views.root, published);
        let results_view = results.map(|r| {
            site_view.results_url = Some(format!("{}results/", views.root));
            site_view.results_final = r.stage == Stage::Final;
            let mut view = render::results::view(&site_view, r, shown.views);
            render::closing_hashes::mark_published(&mut view.integrity, published);
            view
        });
        tera.global_context().insert("site", &site_view);
        if let Some(view) = &results_view {
            tera.global_context().insert("results", view);
        }
        let final_results = results.is_some_and(|r| r.stage == Stage::Final);
        let publicity = final_results.then(|| render::publicity::view(site.publicity.as_ref(), &site_view)).flatten();
        tera.global_context().insert("publicity", &publicity);
        let search_index = format!("{}{search_dir}", views.root);
        Rendering {
            site,
            site_view,
            results,
            results_view,
            case_views: shown.views,
            derived: shown.derived,
            search_index,
            news: Vec::new(),
        }
    }

    /// Adds the announcements: their pages, and the banners of rule changes on every page (the theme's global
    /// `banners`, set even when there is none).
    fn with_news(mut self, news: &[crate::content::news::Announcement], tera: &mut tera::Tera) -> Self {
        self.news = render::news::views(news, &self.site_view.root, &self.site.election.time_zone);
        tera.global_context().insert("banners", &render::news::banners(&self.news));
        self
    }

    fn data(&self) -> SiteData<'_> {
        SiteData {
            site: &self.site_view,
            cases: self.case_views,
            featured: featured_cards(&self.site.featured, self.case_views, self.derived),
            page_size: self.site.listing_page_size,
            search_index: self.search_index.clone(),
            outcomes: self.results_view.as_ref().map(render::results::outcomes).unwrap_or_default(),
            news: self.news.clone(),
        }
    }

    /// The pages made apart from the hall's own: the results, the collection and the publicity pages once the vote
    /// is counted, and the closing hashes published during the vote.
    fn more_pages(&self) -> Vec<pages::Page> {
        let mut more: Vec<pages::Page> = self
            .results_view
            .as_ref()
            .map(|v| render::results::pages(&self.site_view, v, self.case_views))
            .unwrap_or_default();
        if let (Some(view), Some(results), Some(publicity)) = (&self.results_view, self.results, &self.site.publicity)
            && results.stage == Stage::Final
        {
            more.extend(render::publicity::pages(&self.site_view, publicity, results, view));
        }
        more.extend(render::closing_hashes::pages(&self.site_view));
        more
    }

    /// Certificates (final results), posters, the embed pages and the partners page: the pages `scope` names (all
    /// of them when it is `None`) and the paths of all of them.
    fn print_share_pages(&self, scope: Option<&ShareScope>) -> (Vec<pages::Page>, Vec<String>) {
        let outcomes = self.results_view.as_ref().map(render::results::outcomes).unwrap_or_default();
        let site = &self.site_view;
        let mut pages = render::certificates::pages(site, &self.certificates());
        // In the order of a full build's pages, which the sitemap follows.
        let mut paths: Vec<String> = pages.iter().map(|p| p.path.clone()).collect();
        let wanted = |category: &str| scope.is_none_or(|s| s.categories.contains(category));
        let (posters, poster_paths) =
            render::posters::pages(site, self.case_views, self.site.posters.cases, &outcomes, &wanted);
        pages.extend(posters);
        paths.extend(poster_paths);
        for case in self.case_views {
            let id = &case.card.id;
            paths.push(render::embeds::path_of(id));
            if scope.is_none_or(|s| s.cases.contains(id)) {
                pages.push(render::embeds::page_of(site, case, outcomes.get(id)));
            }
        }
        let partners = render::embeds::partners_page(site, &self.site.partners, self.case_views);
        paths.push(partners.path.clone());
        pages.push(partners);
        (pages, paths)
    }

    fn certificates(&self) -> Vec<render::certificates::CertificateView> {
        let date = self.site.certificates.date;
        let view = self.results_view.as_ref();
        view.map(|v| render::certificates::certificates(&self.site_view, v, date)).unwrap_or_default()
    }

    /// The QR codes of the case pages and of the certificates.
    fn print_share_files(&self) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
        let mut files = render::share::qr_files(&self.site_view, self.case_views)?;
        files.extend(render::certificates::qr_files(&self.certificates())?);
        Ok(files)
    }

    /// The data files: the manifest and, once the vote is counted, the results and their inputs.
    fn data_files(&self, cases: &[PublicCase]) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![("api/cases.json".to_owned(), manifest::to_json(self.site, cases, &self.site_view.root))];
        if let Some(results) = self.results {
            let facts = case_facts(cases);
            files.push(("api/results.json".to_owned(), publish::to_json(self.site, results, &facts)));
            files.push(("api/results.csv".to_owned(), publish::to_csv(results, &facts)));
            for input in &results.inputs {
                files.push((render::results::input_path(&input.name), input.text.clone().into_bytes()));
            }
            files.extend(results.integrity.receipts.iter().flat_map(|r| r.files.iter().cloned()));
        }
        files
    }
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

/// Derives every case's photos, with a progress bar on a terminal when `progress`; returns them grouped by case.
fn derive_photos(
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
fn photo_failure(error: BuildError, forms: &[ApplicationForm], mut report: Report) -> BuildError {
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

/// The view of one case with its derived photos.
fn case_view(views: &ViewBuilder<'_>, case: &PublicCase, photos: &[DerivedPhoto]) -> CaseView {
    let pictures: Vec<PictureView> = photos.iter().enumerate().map(|(i, d)| views.picture(case, i, d)).collect();
    views.case(case, pictures)
}

/// Where each derived photo is published, and the cached file it is.
fn photo_links(cases: &[PublicCase], derived: &[Vec<DerivedPhoto>]) -> Vec<(String, PathBuf)> {
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

/// The published photos of the cases named in `ids`.
fn touched_links(
    cases: &[PublicCase],
    derived: &[Vec<DerivedPhoto>],
    ids: &BTreeSet<String>,
) -> BTreeSet<(String, PathBuf)> {
    let (cases, derived): (Vec<PublicCase>, Vec<Vec<DerivedPhoto>>) = cases
        .iter()
        .zip(derived)
        .filter(|(c, _)| ids.contains(c.id.as_str()))
        .map(|(c, d)| (c.clone(), d.clone()))
        .unzip();
    photo_links(&cases, &derived).into_iter().collect()
}

/// The cards of the featured cases, in the order of `site.yaml` (the first few cases if none are named), each
/// showing the one of its photos least like those of the cards before it ([`likeness`]).
fn featured_cards(
    featured: &[String],
    cases: &[CaseView],
    derived: &[Vec<DerivedPhoto>],
) -> Vec<render::views::CaseCard> {
    let chosen: Vec<usize> = if featured.is_empty() {
        (0..cases.len().min(6)).collect()
    } else {
        featured.iter().filter_map(|id| cases.iter().position(|c| &c.card.id == id)).collect()
    };
    let signatures: Vec<Vec<Option<likeness::Signature>>> = chosen
        .par_iter()
        .map(|&i| derived.get(i).map_or_else(Vec::new, |photos| photos.iter().map(likeness::Signature::of).collect()))
        .collect();
    let picks = likeness::pick_distinct(&signatures);
    chosen
        .iter()
        .zip(picks)
        .map(|(&i, k)| {
            let mut card = cases[i].card.clone();
            if let Some(photo) = cases[i].photos.get(k) {
                card.thumb = Some(photo.clone());
            }
            card
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_inside_case_folders_are_rebuilt_alone() {
        let dir = tempfile::tempdir().expect("temp");
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("cases/a")).expect("mkdir");
        std::fs::write(content.join("cases/stray.txt"), "x").expect("write");
        let changed = |paths: &[&str]| -> BTreeSet<PathBuf> { paths.iter().map(|p| content.join(p)).collect() };
        let ids =
            touched_cases(&content, &changed(&["cases/a/index.md", "cases/b/photo-1.jpg", "cases/.swp/x", "cases/a"]));
        assert_eq!(ids, Ok(["a".to_owned(), "b".to_owned()].into()));
        for elsewhere in
            ["site.yaml", "votes/tally.json", "scores/media.yaml", "cases/stray.txt", "news/2020-08-24-a.md"]
        {
            assert_eq!(touched_cases(&content, &changed(&[elsewhere])), Err(content.join(elsewhere)));
        }
    }
}
