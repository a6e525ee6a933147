//! What typst sees while it sets a document: the theme's template as its one source file, the data as `data.json`,
//! the other files it may read (photos from disk, QR codes made in memory), the CJK font, and no clock (so the same
//! input gives the same PDF). [`typeset`] and [`pdf`] run typst on it.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::{PageRanges, PagedDocument};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// A file the template may read, by its virtual path.
pub enum PrintFile {
    /// Read from disk when typst asks for it (a case's photo).
    Disk(PathBuf),
    /// Made in memory (the data, a QR code).
    Bytes(Bytes),
}

/// One document's world.
pub struct PrintWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: BTreeMap<String, PrintFile>,
}

impl PrintWorld {
    /// The world of `template` (named `name` in messages) with `data` as `data.json` and the other `files`.
    pub fn new(
        name: &str,
        template: String,
        data: Vec<u8>,
        mut files: BTreeMap<String, PrintFile>,
        fonts: Vec<Font>,
    ) -> Self {
        files.insert("data.json".to_owned(), PrintFile::Bytes(Bytes::new(data)));
        PrintWorld {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main: Source::new(FileId::new(None, VirtualPath::new(name)), template),
            files,
        }
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().to_path_buf()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath().as_rootless_path().to_string_lossy().replace('\\', "/");
        match self.files.get(&path) {
            Some(PrintFile::Bytes(bytes)) => Ok(bytes.clone()),
            Some(PrintFile::Disk(file)) => std::fs::read(file).map(Bytes::new).map_err(|e| FileError::from_io(e, file)),
            None => Err(FileError::NotFound(path.into())),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// Lays out the world's document; the errors, joined, if typst reports any.
pub fn typeset(world: &PrintWorld) -> Result<PagedDocument, String> {
    typst::compile(world).output.map_err(|errors| messages(&errors))
}

/// The PDF of `document`, or of its page `page` (from 1) alone. `ident` names the document stably (the PDF's
/// identifier is derived from it), so that the same input gives the same bytes.
pub fn pdf(document: &PagedDocument, ident: &str, page: Option<NonZeroUsize>) -> Result<Vec<u8>, String> {
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        page_ranges: page.map(|p| PageRanges::new(vec![Some(p)..=Some(p)])),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| messages(&errors))
}

fn messages(errors: &[SourceDiagnostic]) -> String {
    errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
}
