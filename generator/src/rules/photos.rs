//! 同时上传4张案例图片: exactly four photos, each a file inside its own case folder, a JPEG or PNG that decodes fully,
//! within the size limits of `site.yaml`.
//!
//! A photo path may not be absolute, may not climb out with `..`, and may not be a link that leads out of the folder:
//! the build copies what it reads, so anything readable from a case folder could end up published.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Problem, Report};
use crate::images::source;
use crate::model::case::PhotoRef;
use crate::model::form::ApplicationForm;
use crate::model::site::Rules;
use crate::text::did_you_mean;
use crate::text::human_bytes;

/// File extensions of the formats accepted.
const EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

/// How deeply photos are examined. Both check paths, file size, format and the pixel limit read from the header
/// (see [`source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inspection {
    /// Then read every byte: a JPEG must reach its end-of-image marker, and every photo must decode completely
    /// (`generator check`).
    FullDecode,
    /// No more (`generator build` and the preview, which check the rest as they derive the photos, with
    /// [`source::decode`], and report what fails on its line with [`derive_problem`]).
    Header,
}

pub fn check(forms: &[ApplicationForm], rules: &Rules, inspection: Inspection, report: &mut Report) {
    let problems: Vec<Vec<Problem>> = forms.par_iter().map(|form| check_form(form, rules, inspection)).collect();
    report.extend(problems.into_iter().flatten());
}

fn check_form(form: &ApplicationForm, rules: &Rules, inspection: Inspection) -> Vec<Problem> {
    let Some(photos) = &form.images else { return Vec::new() };
    let mut problems = Vec::new();
    if photos.len() != rules.photos_per_case {
        problems.push(
            form.source.error(
                "images",
                format!("lists {} photos; a case needs exactly {}", photos.len(), rules.photos_per_case),
            ),
        );
    }
    for (i, photo) in photos.iter().enumerate() {
        let field = format!("images[{i}].file");
        if photos[..i].iter().any(|earlier| earlier.file == photo.file) {
            problems
                .push(form.source.error(&field, format!("'{}' is listed twice; use 4 different photos", photo.file)));
            continue;
        }
        if photo.caption.is_none() {
            problems.push(form.source.warning(
                &format!("images[{i}]"),
                "no caption: it is the photo's text for screen readers and search; say what the photo shows",
            ));
        }
        match check_photo(&form.source.folder, photo, photos, rules, inspection) {
            Err(message) => problems.push(form.source.error(&field, message)),
            Ok(Some(width)) if width < rules.min_photo_width => problems.push(form.source.warning(
                &field,
                format!(
                    "'{}' is only {width} pixels wide; the larger view looks best from {} pixels",
                    photo.file, rules.min_photo_width
                ),
            )),
            Ok(_) => {}
        }
    }
    problems
}

/// Everything about one photo that would stop the build, or its width when it was decoded.
fn check_photo(
    folder: &Path,
    photo: &PhotoRef,
    listed: &[PhotoRef],
    rules: &Rules,
    inspection: Inspection,
) -> Result<Option<u32>, String> {
    let path = resolve_inside(folder, &photo.file).map_err(|why| match why {
        Unresolved::NotFound => not_found_message(folder, &photo.file, listed),
        Unresolved::Rejected(message) => message,
    })?;
    let size = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
    if size > rules.max_photo_bytes {
        return Err(format!(
            "'{}' is {}; a photo may be at most {}",
            photo.file,
            human_bytes(size),
            human_bytes(rules.max_photo_bytes)
        ));
    }
    let unreadable = |e: std::io::Error| format!("'{}' cannot be read: {e}", photo.file);
    let width = match inspection {
        Inspection::FullDecode => {
            let bytes = std::fs::read(&path).map_err(unreadable)?;
            source::decode(&bytes, rules.max_photo_pixels).map(|(image, _)| image.width())
        }
        Inspection::Header => {
            let file = std::io::BufReader::new(std::fs::File::open(&path).map_err(unreadable)?);
            source::header(file, rules.max_photo_pixels).map(|header| header.width)
        }
    };
    width.map(Some).map_err(|why| format!("'{}' {why}", photo.file))
}

/// The problem, on the photo's line, of the photo at `path` that could not be derived because of `message`; `None`
/// when no form lists that file.
pub fn derive_problem(forms: &[ApplicationForm], path: &Path, message: &str) -> Option<Problem> {
    forms.iter().find_map(|form| {
        let photos = form.images.as_ref()?;
        let i = photos.iter().position(|p| form.source.folder.join(&p.file) == path)?;
        Some(form.source.error(&format!("images[{i}].file"), format!("'{}' {message}", photos[i].file)))
    })
}

/// Why a photo path does not lead to a usable file.
pub enum Unresolved {
    NotFound,
    Rejected(String),
}

/// The photo's path inside `folder`, or why it is not acceptable.
pub fn resolve_inside(folder: &Path, file: &str) -> Result<PathBuf, Unresolved> {
    let reject = Unresolved::Rejected;
    if file.is_empty() {
        return Err(reject("is empty".to_owned()));
    }
    if file.contains('\\') {
        return Err(reject(format!("'{file}' uses '\\'; separate folders with '/'")));
    }
    let relative = Path::new(file);
    if relative.is_absolute() || file.starts_with('/') {
        return Err(reject(format!("'{file}' is an absolute path; name a file inside the case folder")));
    }
    if relative.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_))) {
        return Err(reject(format!("'{file}' climbs out of the case folder with '..'; name a file inside it")));
    }
    if !EXTENSIONS.iter().any(|ext| file.to_ascii_lowercase().ends_with(&format!(".{ext}"))) {
        return Err(reject(format!("'{file}' is not a .jpg, .jpeg or .png file")));
    }
    let path = folder.join(relative);
    let Ok(metadata) = std::fs::symlink_metadata(&path) else {
        return Err(Unresolved::NotFound);
    };
    // A plain file directly in the case folder is inside it, whatever the folder's own path is: no need to resolve
    // links (the common case, and two walks of the whole path a photo otherwise).
    if metadata.is_file() && relative.components().count() == 1 {
        return Ok(path);
    }
    let (Ok(real), Ok(real_folder)) = (path.canonicalize(), folder.canonicalize()) else {
        return Err(reject(format!("'{file}' is a link to a file that does not exist")));
    };
    if !real.starts_with(&real_folder) {
        return Err(reject(format!(
            "'{file}' is a link that leads out of the case folder; copy the photo into the folder"
        )));
    }
    if !real.is_file() {
        return Err(reject(format!("'{file}' is not a file")));
    }
    Ok(path)
}

/// "not found", with the likely intended file: the closest unlisted photo in the folder, or the list of them.
fn not_found_message(folder: &Path, file: &str, listed: &[PhotoRef]) -> String {
    let present: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| EXTENSIONS.iter().any(|ext| n.to_ascii_lowercase().ends_with(ext)))
                .filter(|n| !listed.iter().any(|p| &p.file == n))
                .collect()
        })
        .unwrap_or_default();
    let mut candidates: Vec<&str> = present.iter().map(String::as_str).collect();
    candidates.sort_unstable();
    match did_you_mean(file, &candidates) {
        Some(best) => format!("'{file}' not found in the case folder; did you mean '{best}'?"),
        None if candidates.is_empty() => format!("'{file}' not found in the case folder"),
        None => format!("'{file}' not found; photos in the folder not listed yet: {}", candidates.join(", ")),
    }
}
