//! One page: its output path, its template and the context the template gets, with the page's own facts (`page`:
//! path, title, canonical URL); and rendering pages in parallel. The lists of pages are made by [`super::pages`]
//! (the hall's own) and by the modules of the other pages ([`super::results`], [`super::certificates`], ...).

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use super::RenderError;
use super::theme::error_chain;
use super::views::SiteView;

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

/// A page at `path` (a folder, rendered to `path/index.html`).
pub(crate) fn page(site: &SiteView, path: &str, template: &'static str, title: &str, mut context: Context) -> Page {
    context.extend(context_for(site, path, title));
    Page { path: format!("{path}index.html"), template, context }
}

pub(crate) fn context_for(site: &SiteView, path: &str, title: &str) -> Context {
    let mut context = Context::new();
    let info =
        PageInfo { path: path.to_owned(), title: title.to_owned(), canonical: format!("{}{path}", site.base_url) };
    context.insert("page", &info);
    context
}

/// Renders every page in parallel, returning each page's path and bytes, in the order given.
pub fn render_all(tera: &Tera, pages: &[Page]) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    pages.par_iter().map(|p| Ok((p.path.clone(), render(tera, p)?))).collect()
}

/// Renders one page.
pub fn render(tera: &Tera, page: &Page) -> Result<Vec<u8>, RenderError> {
    tera.render(page.template, &page.context).map(String::into_bytes).map_err(|e| RenderError::Page {
        page: page.path.clone(),
        template: page.template.to_owned(),
        message: error_chain(&e),
    })
}
