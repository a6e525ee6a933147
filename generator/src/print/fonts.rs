//! The book's font: a free CJK font from a Debian package, found where the package puts it. Without one the book is
//! not made (never boxes in place of characters).

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

/// Where Debian's packages put their CJK fonts, in the order they are preferred.
const CANDIDATES: [&str; 4] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
];

/// No CJK font was found.
#[derive(Debug, thiserror::Error)]
#[error(
    "no Chinese font found (looked for {looked}); install one: `apt-get install fonts-wqy-microhei` (or fonts-noto-cjk)"
)]
pub struct FontError {
    looked: String,
}

/// The faces of the font file found, and the family name to ask for.
pub struct BookFont {
    pub family: String,
    pub fonts: Vec<Font>,
    pub path: PathBuf,
}

/// The first CJK font of [`CANDIDATES`] that exists and holds a face.
pub fn find() -> Result<BookFont, FontError> {
    CANDIDATES.iter().map(Path::new).find_map(load).ok_or_else(|| FontError { looked: CANDIDATES.join(", ") })
}

fn load(path: &Path) -> Option<BookFont> {
    let bytes = std::fs::read(path).ok()?;
    let fonts: Vec<Font> = Font::iter(Bytes::new(bytes)).collect();
    let family = fonts.first()?.info().family.clone();
    Some(BookFont { family, fonts, path: path.to_path_buf() })
}
