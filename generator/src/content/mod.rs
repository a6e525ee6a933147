//! Reading `content/` from disk: `site.yaml`, one folder per case under `cases/`, the announcements under `news/`.
//!
//! This stage only reads and parses; it knows nothing of the notice's rules. What it cannot read it reports as a
//! [`Problem`] naming the file and line, and it goes on with the other files.

pub mod case_fields;
pub mod case_folder;
pub mod closing_hashes;
pub mod front_matter;
pub mod integrity_files;
pub mod key_lines;
pub mod news;
pub mod objections_file;
pub mod receipts_file;
pub mod result_files;
pub mod score_sheet;
pub mod site_file;
pub mod site_keys;
pub mod yaml_document;

use std::path::{Path, PathBuf};

use crate::diagnostics::{Problem, Report};
use crate::model::form::ApplicationForm;
use crate::text::human_bytes;

/// Everything read from a content folder, as far as it could be read.
#[derive(Debug)]
pub struct Content {
    pub root: PathBuf,
    /// `None` when `site.yaml` is missing or invalid; its problems are in the report.
    pub site: Option<site_file::SiteFile>,
    /// The cases whose front matter could be parsed, sorted by id; their field problems are in the report.
    pub forms: Vec<ApplicationForm>,
    /// Each day's closing hash as published during the vote (`votes/closing-hashes.yaml`), when there is one.
    pub published_hashes: Option<closing_hashes::PublishedHashes>,
    /// The announcements (公告) under `news/` that passed their checks, newest first.
    pub news: Vec<news::Announcement>,
}

/// Reads `root/site.yaml`, every `root/cases/<id>/index.md` and the closing hashes published during the vote,
/// reporting every problem on the way. The results' inputs are read apart, by [`result_files::read`], once the
/// cases are known to be sound.
pub fn read(root: &Path, report: &mut Report) -> Content {
    let site = site_file::read(&root.join("site.yaml"), report);
    let forms = case_folder::read_all(&root.join("cases"), report);
    let window = site.as_ref().map(|s| (s.site.election.opens, s.site.election.closes));
    let published_hashes = closing_hashes::read(root, window, report);
    let news = news::read_all(&root.join("news"), report);
    Content { root: root.to_path_buf(), site, forms, published_hashes, news }
}

/// Reads a text file that must be UTF-8 and at most `limit` bytes, or says why not.
pub(crate) fn read_text(path: &Path, field: &str, limit: u64) -> Result<String, Problem> {
    let too_big = |size: u64| {
        Problem::error(
            path,
            None,
            field,
            format!("the file is {}; the limit is {}", human_bytes(size), human_bytes(limit)),
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| Problem::error(path, None, field, io_message(&e)))?;
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| Problem::error(path, None, field, io_message(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        Problem::error(path, Some(line), field, "the file is not valid UTF-8; save it as UTF-8 (not GBK)")
    })
}

/// An I/O error in words an editor can act on.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_owned(),
        std::io::ErrorKind::PermissionDenied => "cannot be read: permission denied".to_owned(),
        _ => format!("cannot be read: {e}"),
    }
}
