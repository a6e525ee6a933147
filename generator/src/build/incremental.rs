//! The preview's rebuilds: what a full build knows ([`Memory`]), and rebuilding only the pages, photos and files that
//! a change to some case folders touches ([`rebuild`]), the search index later ([`refresh_search`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::photos::{derive_photos, photo_failure, photo_links};
use super::rendering::{Rendering, ShareScope, ShownCases, case_view};
use super::{BuildError, BuildOptions, BuildSummary, build_keeping, io_error};
use crate::content::Content;
use crate::diagnostics::Report;
use crate::images::{DerivedPhoto, Stats};
use crate::model::case::PublicCase;
use crate::model::site::Site;
use crate::output::InPlace;
use crate::render::pages::{self, PageKey, TermKind};
use crate::render::search_index;
use crate::render::theme::Theme;
use crate::render::views::{CaseView, ViewBuilder};
use crate::render::{self};
use crate::results::Results;
use crate::rules::photos::Inspection;

/// What a build knows once it is done: the cases as read, their photos and views, the theme, and the pages it
/// wrote. The preview keeps it to rebuild only what a change touches ([`rebuild`]).
pub struct Memory {
    pub(super) content: Content,
    pub(super) site: Site,
    pub(super) theme: Theme,
    /// In the hall's order (by id), the same index in all three.
    pub(super) cases: Vec<PublicCase>,
    pub(super) derived: Vec<Vec<DerivedPhoto>>,
    pub(super) views: Vec<CaseView>,
    /// The folder of the search index in `output/`, e.g. `search/1a2b3c4d5e/`.
    pub(super) search_dir: String,
    /// Whether the index lags behind the cases (after a rebuild, until [`refresh_search`]).
    pub(super) search_stale: bool,
    /// Every page and data file written (not the assets, the photos or the search index), by path.
    pub(super) files: BTreeSet<String>,
    /// The results the pages were made with, and what each case's page said of its outcome.
    pub(super) results: Option<Results>,
    pub(super) outcomes: std::collections::BTreeMap<String, render::results::Outcome>,
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
    let more_pages = rendering.more_pages();
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
    more_paths.extend(share_paths);
    let mut page_list: Vec<render::page::Page> =
        keys.iter().map(|key| pages::page_of(data, *key, &all, &more_paths)).collect();
    page_list.extend(more_pages);
    page_list.extend(share_pages.into_iter().map(|planned| rendering.make(planned, data, &all, &more_paths)));
    let rendered = render::page::render_all(&tera, &page_list)?;
    let mut data_files = rendering.data_files(&memory.cases, &crate::case_facts(&memory.content.forms));
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
    let index = search_index::build_index(&pairs);
    let mut out = InPlace::new(&options.output);
    if index.dir != memory.search_dir {
        index.files.par_iter().try_for_each(|(path, bytes)| {
            InPlace::new(&options.output).write(path, bytes).map_err(|e| io_error(&options.output.join(path), e))
        })?;
        let mut tera = memory.theme.tera.clone();
        let rendering = memory.rendering(memory.results.as_ref(), &index.dir, &mut tera);
        let page = pages::page_of(&rendering.data(), PageKey::Search, &[], &[]);
        for (path, bytes) in render::page::render_all(&tera, &[page])? {
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
