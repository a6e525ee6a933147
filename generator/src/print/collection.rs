//! `generator book`: the case collection (典型案例集) as a printed book: a cover, the preface
//! (`content/collection/preface.md`), a contents page with real page numbers grouped by category, then each typical
//! case from a new page, its photos sized to the page, page numbers in the footer. Headings are kept with what
//! follows them (typst's sticky blocks), so none is left alone at the foot of a page. The layout is the theme's
//! `book/collection.typ`; the data it sets is [`super::collection_data`].

use std::path::Path;

use super::world::{PrintFile, PrintWorld, pdf, typeset};
use super::{PrintError, collection_data, final_results, fonts, template};

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
pub fn make(content_dir: &Path, theme_dir: &Path) -> Result<Book, PrintError> {
    let ready = final_results(content_dir, "the collection holds the typical cases")?;
    let preface_path = content_dir.join("collection/preface.md");
    let preface = std::fs::read_to_string(&preface_path).map_err(|e| PrintError::Read {
        path: preface_path.clone(),
        message: format!("{e}; the book's preface is this Markdown file"),
    })?;
    let font = fonts::find()?;
    let book = collection_data::collect(&ready.site, &ready.content.forms, &ready.results, &preface, &font.family);
    let (template_path, template) = template(theme_dir, "collection.typ")?;
    let json = serde_json::to_vec(&book.data).expect("the book's data is plain strings and lists");
    let photos = book.photos.into_iter().map(|(name, file)| (name, PrintFile::Disk(file))).collect();
    let world = PrintWorld::new("collection.typ", template, json, photos, font.fonts);
    let failed = |message: String| PrintError::Typeset { template: template_path.display().to_string(), message };
    let document = typeset(&world).map_err(failed)?;
    let bytes = pdf(&document, &format!("{} 典型案例集", ready.site.election.id), None).map_err(failed)?;
    Ok(Book { pdf: bytes, pages: document.pages.len(), cases: book.cases, font: font.family })
}
