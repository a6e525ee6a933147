//! Every page of the hall, each a [`Page`]: a template name, an output path and a context.
//!
//! | page | path |
//! | --- | --- |
//! | home (the hall) | `index.html` |
//! | a case | `cases/<id>/index.html` |
//! | a category / domain, paginated | `categories/<id>/index.html`, `categories/<id>/page/<n>/index.html` (same for `domains/`) |
//! | search | `search/index.html` |
//! | announcements (公告), paginated, and one page each | `news/index.html`, `news/page/<n>/index.html`, `news/<date>-<slug>/index.html` |
//! | not found | `404.html` |
//! | results and the collection, once the vote is counted | see [`super::results`] |
//! | feeds for machines | `sitemap.xml`, `atom.xml`, `robots.txt` |

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tera::Context;

use super::news::{self, NewsView};
use super::page::{Page, context_for, page};
use super::results::Outcome;
use super::views::{CaseCard, CaseView, SiteView, TermView};

/// How many photos the home page's entrance shows.
const HERO_PHOTOS: usize = 3;
/// How many tags the empty search page suggests.
const POPULAR_TAGS: usize = 16;

/// Links between the pages of a paginated list.
#[derive(Debug, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// The first and last pages and those near the current one, with a gap (no number) where pages are left out.
    pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
struct PageLink {
    /// `None` for a gap.
    number: Option<usize>,
    url: String,
}

/// How many pages on each side of the current one the page list names.
const NEAR_PAGES: usize = 2;

impl Pagination {
    /// Page `current` of `total`, page `n` being at `url_of(n)`. Every page is named when there are few; else the
    /// first, the last and those near the current one, so that the list stays short on a phone and its size does not
    /// grow with the number of pages.
    fn new(current: usize, total: usize, url_of: impl Fn(usize) -> String) -> Self {
        let shown = |n: usize| n == 1 || n == total || n.abs_diff(current) <= NEAR_PAGES || total <= 2 * NEAR_PAGES + 5;
        let mut pages: Vec<PageLink> = Vec::new();
        for n in 1..=total {
            if shown(n) {
                pages.push(PageLink { number: Some(n), url: url_of(n) });
            } else if pages.last().is_some_and(|p| p.number.is_some()) {
                pages.push(PageLink { number: None, url: String::new() });
            }
        }
        Pagination {
            current,
            total,
            prev_url: (current > 1).then(|| url_of(current - 1)),
            next_url: (current < total).then(|| url_of(current + 1)),
            pages,
        }
    }
}

/// A link to a neighbouring case.
#[derive(Debug, Serialize)]
struct Neighbour {
    url: String,
    title: String,
}

/// The data every page is made from.
pub struct SiteData<'a> {
    pub site: &'a SiteView,
    /// Every case, in the hall's order.
    pub cases: &'a [CaseView],
    pub featured: Vec<CaseCard>,
    pub page_size: usize,
    /// URL of the folder of the search index.
    pub search_index: String,
    /// Each case's outcome once the vote is counted, shown on its page in place of the vote button.
    pub outcomes: BTreeMap<String, Outcome>,
    /// The announcements, newest first.
    pub news: Vec<NewsView>,
    /// The cases of each category and domain, in listing order ([`members_by_term`]).
    pub members: HashMap<(TermKind, String), Vec<usize>>,
}

/// Categories or domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    Category,
    Domain,
}

impl TermKind {
    /// The folder of its pages, e.g. `categories`.
    pub fn folder(self) -> &'static str {
        match self {
            TermKind::Category => "categories",
            TermKind::Domain => "domains",
        }
    }

    fn name(self) -> &'static str {
        match self {
            TermKind::Category => "类别",
            TermKind::Domain => "领域",
        }
    }

    fn of(self, card: &CaseCard) -> &str {
        match self {
            TermKind::Category => &card.category.id,
            TermKind::Domain => &card.domain.id,
        }
    }
}

/// One page of the hall, named without its content: what [`page_of`] makes a page from. A rebuild names only the
/// pages a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKey {
    Home,
    /// The case at this index of [`SiteData::cases`].
    Case(usize),
    /// Page `number` (from 1) of the listing of the term at this index of the site's categories or domains.
    Listing {
        kind: TermKind,
        term: usize,
        number: usize,
    },
    Search,
    /// Page `number` (from 1) of the list of announcements.
    NewsList {
        number: usize,
    },
    /// The announcement at this index of [`SiteData::news`].
    News(usize),
    NotFound,
    Sitemap,
    Atom,
    Robots,
}

/// Every page of the site, in order.
pub fn plan(data: &SiteData<'_>) -> Vec<PageKey> {
    let mut keys = vec![PageKey::Home];
    keys.extend((0..data.cases.len()).map(PageKey::Case));
    for kind in [TermKind::Category, TermKind::Domain] {
        for (term, view) in terms(data, kind).iter().enumerate() {
            let pages = members(data, kind, &view.id).len().div_ceil(data.page_size.max(1)).max(1);
            keys.extend((1..=pages).map(|number| PageKey::Listing { kind, term, number }));
        }
    }
    keys.extend((1..=news_pages(data)).map(|number| PageKey::NewsList { number }));
    keys.extend((0..data.news.len()).map(PageKey::News));
    keys.extend([PageKey::Search, PageKey::NotFound, PageKey::Sitemap, PageKey::Atom, PageKey::Robots]);
    keys
}

/// Every listing page of `kind`'s term `term_id`.
pub fn listing_keys(data: &SiteData<'_>, kind: TermKind, term_id: &str) -> Vec<PageKey> {
    let Some(term) = terms(data, kind).iter().position(|t| t.id == term_id) else { return Vec::new() };
    let pages = members(data, kind, term_id).len().div_ceil(data.page_size.max(1)).max(1);
    (1..=pages).map(|number| PageKey::Listing { kind, term, number }).collect()
}

/// Where `key` is written, below the site root.
pub fn path_of(data: &SiteData<'_>, key: PageKey) -> String {
    match key {
        PageKey::Home => "index.html".to_owned(),
        PageKey::Case(i) => format!("cases/{}/index.html", data.cases[i].card.id),
        PageKey::Listing { kind, term, number } => format!("{}index.html", listing_path(data, kind, term, number)),
        PageKey::Search => "search/index.html".to_owned(),
        PageKey::NewsList { number } => format!("{}index.html", news_list_path(number)),
        PageKey::News(i) => format!("news/{}/index.html", data.news[i].id),
        PageKey::NotFound => "404.html".to_owned(),
        PageKey::Sitemap => "sitemap.xml".to_owned(),
        PageKey::Atom => "atom.xml".to_owned(),
        PageKey::Robots => "robots.txt".to_owned(),
    }
}

/// Makes the page `key`; `all` and `more_paths` name every page of the site, for the sitemap.
pub fn page_of(data: &SiteData<'_>, key: PageKey, all: &[PageKey], more_paths: &[String]) -> Page {
    let site = data.site;
    match key {
        PageKey::Home => {
            let mut home = Context::new();
            home.insert("featured", &data.featured);
            home.insert("badges", &badges(data));
            home.insert("hero_photos", &hero_photos(data));
            home.insert("news", &news::latest(&data.news));
            page(site, "", "index.html", &site.title, home)
        }
        PageKey::Case(i) => {
            let case = &data.cases[i];
            let same_category = |j: &usize| data.cases[*j].card.category.id == case.card.category.id;
            let prev = (0..i).rev().find(same_category).map(|j| neighbour(&data.cases[j]));
            let next = (i + 1..data.cases.len()).find(same_category).map(|j| neighbour(&data.cases[j]));
            let mut context = Context::new();
            context.insert("case", case);
            context.insert("outcome", &data.outcomes.get(&case.card.id));
            context.insert("prev", &prev);
            context.insert("next", &next);
            let path = format!("cases/{}/", case.card.id);
            page(site, &path, "case.html", &case.card.title, context)
        }
        PageKey::Listing { kind, term, number } => listing_page(data, kind, term, number),
        PageKey::Search => {
            let mut search = Context::new();
            search.insert("search_index", &data.search_index);
            let tags = data.cases.iter().map(|c| c.tags.as_slice());
            search.insert("popular_tags", &super::tags::popular(&site.root, tags, POPULAR_TAGS));
            page(site, "search/", "search.html", "搜索案例", search)
        }
        PageKey::NewsList { number } => news_list_page(data, number),
        PageKey::News(i) => {
            let item = &data.news[i];
            let mut context = Context::new();
            context.insert("item", item);
            page(site, &format!("news/{}/", item.id), "news-item.html", &item.title, context)
        }
        PageKey::NotFound => Page {
            path: "404.html".to_owned(),
            template: "404.html",
            context: context_for(site, "404.html", "页面不存在"),
        },
        PageKey::Sitemap => {
            let mut paths: Vec<String> = all.iter().map(|k| path_of(data, *k)).collect();
            paths.extend(more_paths.iter().cloned());
            let mut sitemap = Context::new();
            sitemap.insert("paths", &sitemap_paths(&paths));
            Page { path: "sitemap.xml".to_owned(), template: "sitemap.xml", context: sitemap }
        }
        PageKey::Atom => {
            let mut feed = Context::new();
            feed.insert("cases", &data.cases.iter().map(|c| &c.card).collect::<Vec<_>>());
            feed.insert("news", &data.news);
            // The newest date of the feed: the hall's opening or a later announcement (dates in one zone compare as text).
            let newest = data.news.iter().map(|n| &n.updated).max().filter(|u| **u > site.published);
            feed.insert("updated", newest.unwrap_or(&site.published));
            Page { path: "atom.xml".to_owned(), template: "atom.xml", context: feed }
        }
        PageKey::Robots => Page { path: "robots.txt".to_owned(), template: "robots.txt", context: Context::new() },
    }
}

fn terms<'a>(data: &SiteData<'a>, kind: TermKind) -> &'a [TermView] {
    match kind {
        TermKind::Category => &data.site.categories,
        TermKind::Domain => &data.site.domains,
    }
}

/// The cards of the term's cases, in listing order ([`members_by_term`]).
fn members<'a>(data: &SiteData<'a>, kind: TermKind, term_id: &str) -> Vec<&'a CaseCard> {
    let cases = data.cases;
    data.members.get(&(kind, term_id.to_owned())).map_or_else(Vec::new, |m| m.iter().map(|i| &cases[*i].card).collect())
}

/// The cases of every category and domain, as indices into `cases`: in the hall's order, and once results exist in
/// their order (typical cases, the rest of the shortlist, the others; in a domain the first of each category, then
/// the second, and so on). Made once for all the listing pages.
pub fn members_by_term(
    cases: &[CaseView],
    outcomes: &BTreeMap<String, Outcome>,
) -> HashMap<(TermKind, String), Vec<usize>> {
    let mut members: HashMap<(TermKind, String), Vec<usize>> = HashMap::new();
    for (i, case) in cases.iter().enumerate() {
        for kind in [TermKind::Category, TermKind::Domain] {
            members.entry((kind, kind.of(&case.card).to_owned())).or_default().push(i);
        }
    }
    if !outcomes.is_empty() {
        for list in members.values_mut() {
            // A stable sort: equal places keep the hall's order.
            list.sort_by_key(|i| outcomes.get(&cases[*i].card.id).map_or(usize::MAX, |o| o.order));
        }
    }
    members
}

/// The photos of the home page's entrance: of each featured case a photo other than its card's, so that the mosaic
/// does not repeat the cards' pictures below it (the card's when the case has one only).
fn hero_photos<'a>(data: &'a SiteData<'_>) -> Vec<&'a super::views::PictureView> {
    data.featured
        .iter()
        .filter_map(|card| {
            let case = data.cases.iter().find(|c| c.card.id == card.id)?;
            let shown = card.thumb.as_ref().map(|t| t.src.as_str());
            case.photos.iter().find(|p| Some(p.src.as_str()) != shown).or(case.photos.first())
        })
        .take(HERO_PHOTOS)
        .collect()
}

/// The badge (典型案例, 入围) of every case that has one, by id, for the cards.
fn badges<'a>(data: &'a SiteData<'_>) -> BTreeMap<&'a str, &'static str> {
    data.outcomes.iter().filter_map(|(id, o)| o.badge().map(|b| (id.as_str(), b))).collect()
}

/// The folder of page `number` of a listing, e.g. `categories/x/page/2/`.
fn listing_path(data: &SiteData<'_>, kind: TermKind, term: usize, number: usize) -> String {
    let base = format!("{}/{}/", kind.folder(), terms(data, kind)[term].id);
    if number == 1 { base } else { format!("{base}page/{number}/") }
}

fn listing_page(data: &SiteData<'_>, kind: TermKind, term: usize, n: usize) -> Page {
    let view = &terms(data, kind)[term];
    let cases = members(data, kind, &view.id);
    let page_size = data.page_size.max(1);
    let total = cases.len().div_ceil(page_size).max(1);
    let url_of = |n: usize| format!("{}{}", data.site.root, listing_path(data, kind, term, n));
    let chunk: Vec<&CaseCard> = cases.iter().skip((n - 1) * page_size).take(page_size).copied().collect();
    let pagination = Pagination::new(n, total, url_of);
    let mut context = Context::new();
    context.insert("term", view);
    context.insert("kind", kind.folder());
    context.insert("kind_name", kind.name());
    context.insert("cases", &chunk);
    let badges: BTreeMap<&str, &str> =
        chunk.iter().filter_map(|c| data.outcomes.get(&c.id)?.badge().map(|b| (c.id.as_str(), b))).collect();
    context.insert("badges", &badges);
    context.insert("pagination", &pagination);
    let title = if n == 1 { view.name.clone() } else { format!("{}（第{n}页）", view.name) };
    page(data.site, &listing_path(data, kind, term, n), "listing.html", &title, context)
}

/// How many pages the list of announcements has (at least one, which says there is none yet).
fn news_pages(data: &SiteData<'_>) -> usize {
    data.news.len().div_ceil(data.page_size.max(1)).max(1)
}

/// The folder of page `number` of the announcements, e.g. `news/page/2/`.
fn news_list_path(number: usize) -> String {
    if number == 1 { "news/".to_owned() } else { format!("news/page/{number}/") }
}

fn news_list_page(data: &SiteData<'_>, n: usize) -> Page {
    let page_size = data.page_size.max(1);
    let total = news_pages(data);
    let url_of = |n: usize| format!("{}{}", data.site.root, news_list_path(n));
    let chunk: Vec<&NewsView> = data.news.iter().skip((n - 1) * page_size).take(page_size).collect();
    let pagination = Pagination::new(n, total, url_of);
    let mut context = Context::new();
    context.insert("news", &chunk);
    context.insert("pagination", &pagination);
    let title = if n == 1 { "公告".to_owned() } else { format!("公告（第{n}页）") };
    page(data.site, &news_list_path(n), "news.html", &title, context)
}

fn neighbour(case: &CaseView) -> Neighbour {
    Neighbour { url: case.card.url.clone(), title: case.card.title.clone() }
}

/// Paths of the HTML pages worth listing in the sitemap, as folders (`cases/x/`).
fn sitemap_paths(paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .filter(|p| p.ends_with("index.html") && *p != "search/index.html" && !p.starts_with("embed/"))
        .map(|p| p.trim_end_matches("index.html").to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page list as text: numbers, `…` for a gap.
    fn shown(current: usize, total: usize) -> String {
        let pagination = Pagination::new(current, total, |n| format!("/p/{n}/"));
        let items: Vec<String> =
            pagination.pages.iter().map(|p| p.number.map_or_else(|| "…".to_owned(), |n| n.to_string())).collect();
        items.join(" ")
    }

    #[test]
    fn a_long_page_list_names_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(shown(1, 9), "1 2 3 4 5 6 7 8 9", "few pages: every one");
        assert_eq!(shown(10, 20), "1 … 8 9 10 11 12 … 20");
        assert_eq!(shown(1, 260), "1 2 3 … 260");
        assert_eq!(shown(4, 260), "1 2 3 4 5 6 … 260", "the pages near the current one join the first");
        assert_eq!(shown(260, 260), "1 … 258 259 260");
        let pagination = Pagination::new(2, 3, |n| format!("/p/{n}/"));
        assert_eq!((pagination.prev_url.as_deref(), pagination.next_url.as_deref()), (Some("/p/1/"), Some("/p/3/")));
    }
}
