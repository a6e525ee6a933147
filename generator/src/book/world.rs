//! What typst sees while it sets the book: the template as its one source file, the data as `data.json`, the
//! photos under `photos/`, the CJK font, and no clock (so the same input gives the same PDF).

use std::collections::BTreeMap;
use std::path::PathBuf;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// The book's world.
pub struct BookWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data: Bytes,
    /// Virtual path (`photos/<id>/<n>.<ext>`) to the photo's file on disk.
    photos: BTreeMap<String, PathBuf>,
}

impl BookWorld {
    pub fn new(template: String, data: Vec<u8>, photos: BTreeMap<String, PathBuf>, fonts: Vec<Font>) -> Self {
        let book = FontBook::from_fonts(&fonts);
        BookWorld {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main: Source::new(FileId::new(None, VirtualPath::new("collection.typ")), template),
            data: Bytes::new(data),
            photos,
        }
    }
}

impl World for BookWorld {
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
        if path == "data.json" {
            return Ok(self.data.clone());
        }
        let file = self.photos.get(&path).ok_or_else(|| FileError::NotFound(path.clone().into()))?;
        std::fs::read(file).map(Bytes::new).map_err(|e| FileError::from_io(e, file))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}
