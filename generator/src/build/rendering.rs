//! What the pages of one build are made from ([`Rendering`]): the site's and the results' views, the cases' views and
//! photos, the announcements; and the lists of pages and data files made from it, for the full build and the
//! preview's rebuilds alike.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::content::closing_hashes::PublishedHashes;
use crate::images::{DerivedPhoto, likeness};
use crate::manifest;
use crate::model::case::PublicCase;
use crate::model::site::Site;
use crate::render::page::Page;
use crate::render::pages::{self, PageKey, SiteData};
use crate::render::results::ResultsView;
use crate::render::theme::Theme;
use crate::render::views::{CaseView, PictureView, SiteView, ViewBuilder};
use crate::render::{self, RenderError};
use crate::results::{CaseFacts, Results, Stage, publish};

/// The cases and categories whose embed pages and posters a rebuild renders again.
#[derive(Default)]
pub(super) struct ShareScope {
    pub(super) cases: BTreeSet<String>,
    pub(super) categories: BTreeSet<String>,
}

/// A page of the build, made only when it is rendered, so that a build holds no more than a few pages' contexts and
/// bytes at once.
pub(super) enum Planned {
    /// One of the hall's own pages.
    Hall(PageKey),
    /// The embed page of the case at this index of the views.
    Embed(usize),
    /// A page made already: the results', the certificates', the posters', the partners'.
    Made(Page),
}

/// The cases as the pages show them: their views and their derived photos, in the same order.
pub(super) struct ShownCases<'a> {
    pub(super) views: &'a [CaseView],
    pub(super) derived: &'a [Vec<DerivedPhoto>],
}

/// Everything the pages of one build are made from; making it sets the theme's globals (`site`, `results`).
pub(super) struct Rendering<'a> {
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
    pub(super) fn new(
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
    pub(super) fn with_news(mut self, news: &[crate::content::news::Announcement], tera: &mut tera::Tera) -> Self {
        self.news = render::news::views(news, &self.site_view.root, &self.site.election.time_zone);
        tera.global_context().insert("banners", &render::news::banners(&self.news));
        self
    }

    pub(super) fn data(&self) -> SiteData<'_> {
        let outcomes = self.results_view.as_ref().map(render::results::outcomes).unwrap_or_default();
        SiteData {
            members: pages::members_by_term(self.case_views, &outcomes),
            site: &self.site_view,
            cases: self.case_views,
            featured: featured_cards(&self.site.featured, self.case_views, self.derived),
            page_size: self.site.listing_page_size,
            search_index: self.search_index.clone(),
            outcomes,
            news: self.news.clone(),
        }
    }

    /// The pages made apart from the hall's own: the results, the collection and the publicity pages once the vote
    /// is counted, and the closing hashes published during the vote.
    pub(super) fn more_pages(&self) -> Vec<Page> {
        let mut more: Vec<Page> = self
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
    /// of them when it is `None`) and the paths of all of them. The embed pages, one a case, are made only when
    /// rendered ([`Planned::Embed`]).
    pub(super) fn print_share_pages(&self, scope: Option<&ShareScope>) -> (Vec<Planned>, Vec<String>) {
        let outcomes = self.results_view.as_ref().map(render::results::outcomes).unwrap_or_default();
        let site = &self.site_view;
        let made = render::certificates::pages(site, &self.certificates());
        // In the order of a full build's pages, which the sitemap follows.
        let mut paths: Vec<String> = made.iter().map(|p| p.path.clone()).collect();
        let mut pages: Vec<Planned> = made.into_iter().map(Planned::Made).collect();
        let wanted = |category: &str| scope.is_none_or(|s| s.categories.contains(category));
        let (posters, poster_paths) =
            render::posters::pages(site, self.case_views, self.site.posters.cases, &outcomes, &wanted);
        pages.extend(posters.into_iter().map(Planned::Made));
        paths.extend(poster_paths);
        for (i, case) in self.case_views.iter().enumerate() {
            let id = &case.card.id;
            paths.push(render::embeds::path_of(id));
            if scope.is_none_or(|s| s.cases.contains(id)) {
                pages.push(Planned::Embed(i));
            }
        }
        let partners = render::embeds::partners_page(site, &self.site.partners, self.case_views);
        paths.push(partners.path.clone());
        pages.push(Planned::Made(partners));
        (pages, paths)
    }

    /// The page `planned` stands for. `all` and `more_paths` name every page of the site, for the sitemap.
    pub(super) fn make(&self, planned: Planned, data: &SiteData<'_>, all: &[PageKey], more_paths: &[String]) -> Page {
        match planned {
            Planned::Hall(key) => pages::page_of(data, key, all, more_paths),
            Planned::Embed(i) => {
                let case = &self.case_views[i];
                render::embeds::page_of(&self.site_view, case, data.outcomes.get(&case.card.id))
            }
            Planned::Made(page) => page,
        }
    }

    fn certificates(&self) -> Vec<render::certificates::CertificateView> {
        let date = self.site.certificates.date;
        let view = self.results_view.as_ref();
        view.map(|v| render::certificates::certificates(&self.site_view, v, date)).unwrap_or_default()
    }

    /// The QR codes of the case pages and of the certificates.
    pub(super) fn print_share_files(&self) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
        let mut files = render::share::qr_files(&self.site_view, self.case_views)?;
        files.extend(render::certificates::qr_files(&self.certificates())?);
        Ok(files)
    }

    /// The data files: the manifest and, once the vote is counted, the results and their inputs.
    /// `facts` are the cases' facts the results files need ([`crate::case_facts`]).
    pub(super) fn data_files(&self, cases: &[PublicCase], facts: &[CaseFacts]) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![("api/cases.json".to_owned(), manifest::to_json(self.site, cases, &self.site_view.root))];
        if let Some(results) = self.results {
            files.push(("api/results.json".to_owned(), publish::to_json(self.site, results, facts)));
            files.push(("api/results.csv".to_owned(), publish::to_csv(results, facts)));
            for input in &results.inputs {
                files.push((render::results::input_path(&input.name), input.text.clone().into_bytes()));
            }
            files.extend(results.integrity.receipts.iter().flat_map(|r| r.files.iter().cloned()));
        }
        files
    }
}

/// The view of one case with its derived photos.
pub(super) fn case_view(views: &ViewBuilder<'_>, case: &PublicCase, photos: &[DerivedPhoto]) -> CaseView {
    let pictures: Vec<PictureView> = photos.iter().enumerate().map(|(i, d)| views.picture(case, i, d)).collect();
    views.case(case, pictures)
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
