//! Every page of the hall, as a template name, an output path and a context; rendered in parallel.
//!
//! | page | path |
//! | --- | --- |
//! | home (the hall) | `index.html` |
//! | a case | `cases/<id>/index.html` |
//! | a category / domain, paginated | `categories/<id>/index.html`, `categories/<id>/page/<n>/index.html` (same for `domains/`) |
//! | search | `search/index.html` |
//! | not found | `404.html` |
//! | results and the collection, once the vote is counted | see [`super::results`] |
//! | feeds for machines | `sitemap.xml`, `atom.xml`, `robots.txt` |

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use super::RenderError;
use super::theme::error_chain;
use super::views::{CaseCard, CaseView, SiteView, TermView};

/// One page to render.
pub struct Page {
    /// Output path relative to the site root, e.g. `cases/x/index.html`.
    pub path: String,
    pub template: &'static str,
    pub context: Context,
}

/// The page's own facts, given to its template as `page`.
#[derive(Debug, Serialize)]
struct PageInfo {
    /// Path below the site root, e.g. `cases/x/` (empty for the home page).
    path: String,
    title: String,
    /// Absolute URL.
    canonical: String,
}

/// Links between the pages of a paginated list.
#[derive(Debug, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: usize,
    url: String,
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
    pub outcomes: std::collections::BTreeMap<String, super::results::Outcome>,
}

/// Lists every page of the site; `more` are pages made elsewhere (the results), listed in the sitemap too.
pub fn all_pages(data: &SiteData<'_>, more: Vec<Page>) -> Vec<Page> {
    let site = data.site;
    let mut pages = Vec::new();
    let mut home = Context::new();
    home.insert("featured", &data.featured);
    pages.push(page(site, "", "index.html", &site.title, home));

    for (i, case) in data.cases.iter().enumerate() {
        let same_category = |j: &usize| data.cases[*j].card.category.id == case.card.category.id;
        let prev = (0..i).rev().find(same_category).map(|j| neighbour(&data.cases[j]));
        let next = (i + 1..data.cases.len()).find(same_category).map(|j| neighbour(&data.cases[j]));
        let mut context = Context::new();
        context.insert("case", case);
        context.insert("outcome", &data.outcomes.get(&case.card.id));
        context.insert("prev", &prev);
        context.insert("next", &next);
        let path = format!("cases/{}/", case.card.id);
        pages.push(page(site, &path, "case.html", &case.card.title, context));
    }

    for (kind, kind_name, terms) in [("categories", "类别", &site.categories), ("domains", "领域", &site.domains)] {
        for term in terms {
            let cases: Vec<&CaseCard> = data
                .cases
                .iter()
                .map(|c| &c.card)
                .filter(|c| if kind == "categories" { c.category.id == term.id } else { c.domain.id == term.id })
                .collect();
            pages.extend(listing_pages(data, kind, kind_name, term, &cases));
        }
    }

    let mut search = Context::new();
    search.insert("search_index", &data.search_index);
    pages.push(page(site, "search/", "search.html", "搜索案例", search));
    pages.push(Page {
        path: "404.html".to_owned(),
        template: "404.html",
        context: context_for(site, "404.html", "页面不存在"),
    });
    pages.extend(more);
    let mut sitemap = Context::new();
    sitemap.insert("paths", &sitemap_paths(&pages));
    pages.push(Page { path: "sitemap.xml".to_owned(), template: "sitemap.xml", context: sitemap });
    let mut feed = Context::new();
    feed.insert("cases", &data.cases.iter().map(|c| &c.card).collect::<Vec<_>>());
    pages.push(Page { path: "atom.xml".to_owned(), template: "atom.xml", context: feed });
    pages.push(Page { path: "robots.txt".to_owned(), template: "robots.txt", context: Context::new() });
    pages
}

fn listing_pages(data: &SiteData<'_>, kind: &str, kind_name: &str, term: &TermView, cases: &[&CaseCard]) -> Vec<Page> {
    let page_size = data.page_size.max(1);
    let total = cases.len().div_ceil(page_size).max(1);
    let base = format!("{kind}/{}/", term.id);
    let path_of = |n: usize| if n == 1 { base.clone() } else { format!("{base}page/{n}/") };
    let url_of = |n: usize| format!("{}{}", data.site.root, path_of(n));
    (1..=total)
        .map(|n| {
            let chunk: Vec<&&CaseCard> = cases.iter().skip((n - 1) * page_size).take(page_size).collect();
            let pagination = Pagination {
                current: n,
                total,
                prev_url: (n > 1).then(|| url_of(n - 1)),
                next_url: (n < total).then(|| url_of(n + 1)),
                pages: (1..=total).map(|number| PageLink { number, url: url_of(number) }).collect(),
            };
            let mut context = Context::new();
            context.insert("term", term);
            context.insert("kind", kind);
            context.insert("kind_name", kind_name);
            context.insert("cases", &chunk);
            context.insert("pagination", &pagination);
            let title = if n == 1 { term.name.clone() } else { format!("{}（第{n}页）", term.name) };
            page(data.site, &path_of(n), "listing.html", &title, context)
        })
        .collect()
}

fn neighbour(case: &CaseView) -> Neighbour {
    Neighbour { url: case.card.url.clone(), title: case.card.title.clone() }
}

/// A page at `path` (a folder, rendered to `path/index.html`).
pub(crate) fn page(site: &SiteView, path: &str, template: &'static str, title: &str, mut context: Context) -> Page {
    context.extend(context_for(site, path, title));
    Page { path: format!("{path}index.html"), template, context }
}

fn context_for(site: &SiteView, path: &str, title: &str) -> Context {
    let mut context = Context::new();
    let info =
        PageInfo { path: path.to_owned(), title: title.to_owned(), canonical: format!("{}{path}", site.base_url) };
    context.insert("page", &info);
    context
}

/// Paths of the HTML pages worth listing in the sitemap.
fn sitemap_paths(pages: &[Page]) -> Vec<String> {
    pages
        .iter()
        .filter(|p| p.path.ends_with("index.html") && p.path != "search/index.html")
        .map(|p| p.path.trim_end_matches("index.html").to_owned())
        .collect()
}

/// Renders every page in parallel, returning each page's path and bytes, in the order given.
pub fn render_all(tera: &Tera, pages: &[Page]) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    pages
        .par_iter()
        .map(|p| {
            tera.render(p.template, &p.context).map(|html| (p.path.clone(), html.into_bytes())).map_err(|e| {
                RenderError::Page { page: p.path.clone(), template: p.template.to_owned(), message: error_chain(&e) }
            })
        })
        .collect()
}
