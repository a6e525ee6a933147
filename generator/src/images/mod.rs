//! Case photos for the web: each source photo is decoded once, and all its sizes and formats come from that decode.
//!
//! Results are cached outside `output/` by a hash of the photo's bytes and of the settings ([`cache`]), so a rebuild
//! with unchanged photos decodes none, and a changed photo gets a new hash, hence new file names: never a stale one.
//! Photos are processed in parallel on all cores ([`derive`] does one photo), each opened by [`source`], which
//! applies the pixel limit and the decoder's memory limits before decoding and refuses a truncated JPEG.

pub mod cache;
pub mod derive;
pub mod likeness;
pub mod source;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use cache::PhotoCache;

/// What is derived from each photo.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoSettings {
    /// Widths of the renditions, smallest first; a photo is never enlarged.
    pub widths: Vec<u32>,
    pub jpeg_quality: u8,
    /// Lossy WebP beside each JPEG, or none.
    pub webp_quality: Option<f32>,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings { widths: vec![480, 1200], jpeg_quality: 80, webp_quality: Some(80.0) }
    }
}

impl PhotoSettings {
    /// Everything that changes the derived bytes, for the cache key. Bump the version when the derivation code
    /// changes (v2: truncated JPEGs, which v1 derived half grey, are refused).
    pub fn fingerprint(&self) -> String {
        format!("v2 lanczos3 widths={:?} jpeg={} webp={:?}", self.widths, self.jpeg_quality, self.webp_quality)
    }
}

/// A file format of a rendition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Webp,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }
}

/// One derived file in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// The renditions of one source photo, with the key that names them.
#[derive(Debug, Clone)]
pub struct DerivedPhoto {
    /// Hex hash of the source bytes and the settings; the cache folder's name.
    pub key: String,
    pub renditions: Vec<Rendition>,
    pub cache_dir: PathBuf,
}

impl DerivedPhoto {
    /// The cached file of `rendition`.
    pub fn file(&self, rendition: &Rendition) -> PathBuf {
        self.cache_dir.join(cache::file_name(rendition))
    }
}

/// How much work a run did, for the build summary and the tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub decoded: usize,
    pub from_cache: usize,
}

/// Why a photo could not be derived.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("{path}: {message}")]
    Source { path: PathBuf, message: String },
    #[error("photo cache {path}: {source}")]
    Cache { path: PathBuf, source: std::io::Error },
}

/// Derives every photo in `sources`, in parallel, returned in the order given. Photos with equal bytes are
/// derived once; none of more than `max_pixels` pixels is decoded. `progress` is called once a photo. On failure,
/// returns every photo that failed.
pub fn derive_all(
    sources: &[PathBuf],
    settings: &PhotoSettings,
    max_pixels: u64,
    cache_root: &Path,
    progress: &(dyn Fn() + Sync),
) -> Result<(Vec<DerivedPhoto>, Stats), Vec<PhotoError>> {
    let cache = PhotoCache::open(cache_root, settings).map_err(|e| vec![e])?;
    let read = |source: &PathBuf| {
        std::fs::read(source).map_err(|e| PhotoError::Source { path: source.clone(), message: e.to_string() })
    };
    // Hash first, keeping no bytes: at thousands of photos they would not fit in memory together.
    let keys: Vec<String> =
        all_or_errors(sources.par_iter().map(|s| read(s).map(|bytes| cache.key(&bytes))).collect())?;
    // Each distinct photo once, with how many sources share its bytes (for the progress count).
    let mut unique: BTreeMap<&str, (&PathBuf, usize)> = BTreeMap::new();
    for (key, source) in keys.iter().zip(sources) {
        unique.entry(key).or_insert((source, 0)).1 += 1;
    }
    let decoded = AtomicUsize::new(0);
    let derived: Vec<(&str, DerivedPhoto)> = all_or_errors(
        unique
            .into_par_iter()
            .map(|(key, (source, sharing))| {
                let photo = match cache.lookup(key) {
                    Some(photo) => photo,
                    None => {
                        let renditions = derive::renditions(&read(source)?, settings, max_pixels)
                            .map_err(|message| PhotoError::Source { path: source.clone(), message })?;
                        decoded.fetch_add(1, Ordering::Relaxed);
                        cache.store(key, renditions)?
                    }
                };
                (0..sharing).for_each(|_| progress());
                Ok((key, photo))
            })
            .collect(),
    )?;
    let derived: HashMap<&str, DerivedPhoto> = derived.into_iter().collect();
    let photos = keys.iter().map(|key| derived[key.as_str()].clone()).collect();
    let decoded = decoded.into_inner();
    Ok((photos, Stats { decoded, from_cache: sources.len() - decoded }))
}

/// The values, or every error among the results.
fn all_or_errors<T>(results: Vec<Result<T, PhotoError>>) -> Result<Vec<T>, Vec<PhotoError>> {
    let (ok, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    if errors.is_empty() {
        Ok(ok.into_iter().flatten().collect())
    } else {
        Err(errors.into_iter().filter_map(Result::err).collect())
    }
}
