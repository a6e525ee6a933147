//! Rendering: the theme's tera templates ([`theme`]), the data they receive ([`views`]), and the list of every page
//! of the hall with its context ([`pages`]), each a [`page::Page`]. Templates escape everything they print unless a view marks it as HTML
//! (only the sanitised case description is).

pub mod certificates;
pub mod closing_hashes;
pub mod embeds;
pub mod integrity;
pub mod news;
pub mod page;
pub mod pages;
pub mod posters;
pub mod publicity;
pub mod qr;
pub mod results;
pub mod search_index;
pub mod share;
pub mod tags;
pub mod theme;
pub mod views;

/// Why the site could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{path}: {message}")]
    Theme { path: String, message: String },
    #[error("rendering {page} with {template}: {message}")]
    Page { page: String, template: String, message: String },
    #[error(transparent)]
    Qr(#[from] qr::QrError),
}

/// `2020年8月22日`
pub fn zh_date(date: jiff::civil::Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// `8月22日`
pub fn zh_month_day(date: jiff::civil::Date) -> String {
    format!("{}月{}日", date.month(), date.day())
}
