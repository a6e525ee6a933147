//! `generator book`: the case collection (典型案例集) as a printed book, a PDF typeset by the typst crate (pure Rust,
//! deterministic): a cover, the preface (`content/collection/preface.md`), a contents page with real page numbers
//! grouped by category, then each typical case from a new page, its photos sized to the page, page numbers in the
//! footer. Headings are kept with what follows them (typst's sticky blocks), so none is left alone at the foot of a
//! page.
//!
//! The layout is the theme's `book/collection.typ`; the data it sets ([`data`]) is handed to it as a JSON file, so
//! no case text is ever parsed as typst markup. The fonts are a CJK font from a Debian package ([`fonts`]). The same
//! input gives the same PDF bytes: the PDF's identifier is derived from the document and no date is written.

pub mod data;
pub mod fonts;
pub mod world;

use std::path::{Path, PathBuf};

use typst::layout::PagedDocument;

use crate::diagnostics::Report;
use crate::results::Stage;
use crate::rules::photos::Inspection;

/// Why the book could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("the content has errors")]
    Content(Report),
    #[error(
        "{0} has no final results yet: the collection holds the typical cases, known once votes/tally.json, scores/media.yaml and scores/expert.yaml are committed"
    )]
    NotFinal(String),
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error(transparent)]
    Fonts(#[from] fonts::FontError),
    #[error("{template}: typst: {message}")]
    Typeset { template: String, message: String },
}

/// What was made.
#[derive(Debug)]
pub struct Book {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub cases: usize,
    /// The font the book is set in.
    pub font: String,
}

/// Typesets the collection of `content_dir` with the theme's template.
pub fn make(content_dir: &Path, theme_dir: &Path) -> Result<Book, BookError> {
    let (content, results, report) = crate::check(content_dir, Inspection::Header);
    if report.has_errors() {
        return Err(BookError::Content(report));
    }
    let (Some(site), Some(results)) = (&content.site, results.filter(|r| r.stage == Stage::Final)) else {
        return Err(BookError::NotFinal(content_dir.display().to_string()));
    };
    let preface_path = content_dir.join("collection/preface.md");
    let preface = std::fs::read_to_string(&preface_path).map_err(|e| BookError::Read {
        path: preface_path.clone(),
        message: format!("{e}; the book's preface is this Markdown file"),
    })?;
    let font = fonts::find()?;
    let book = data::collect(&site.site, &content.forms, &results, &preface, &font.family);
    let template_path = theme_dir.join("book/collection.typ");
    let template = std::fs::read_to_string(&template_path)
        .map_err(|e| BookError::Read { path: template_path.clone(), message: e.to_string() })?;
    let json =
        serde_json::to_vec(&book.data).map_err(|e| BookError::Read { path: preface_path, message: e.to_string() })?;
    let world = world::BookWorld::new(template, json, book.photos, font.fonts);
    let typeset = |message: String| BookError::Typeset { template: template_path.display().to_string(), message };
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| typeset(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| typeset(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    Ok(Book { pdf, pages: document.pages.len(), cases: book.cases, font: font.family })
}
