//! The photo cache: `<cache>/photos/<key>/` holds the renditions of one source photo and an `index.json` listing them,
//! written last, so a folder without it is an interrupted run and is derived again.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{DerivedPhoto, PhotoError, PhotoSettings, Rendition};
use crate::text::hex;

/// The cache folder for one set of settings.
#[derive(Debug)]
pub struct PhotoCache {
    dir: PathBuf,
    fingerprint: String,
}

/// The file name of a rendition inside its key folder.
pub fn file_name(rendition: &Rendition) -> String {
    format!("{}.{}", rendition.width, rendition.format.extension())
}

impl PhotoCache {
    pub fn open(root: &Path, settings: &PhotoSettings) -> Result<Self, PhotoError> {
        let dir = root.join("photos");
        fs::create_dir_all(&dir).map_err(|source| PhotoError::Cache { path: dir.clone(), source })?;
        Ok(PhotoCache { dir, fingerprint: settings.fingerprint() })
    }

    /// The key of a photo: a hash of its bytes and of the settings, 32 hex digits.
    pub fn key(&self, bytes: &[u8]) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.fingerprint.as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
        hex(&hasher.finalize()[..16])
    }

    /// The cached renditions of `key`, if a previous run completed them.
    pub fn lookup(&self, key: &str) -> Option<DerivedPhoto> {
        let dir = self.dir.join(key);
        let index = fs::read(dir.join("index.json")).ok()?;
        let renditions: Vec<Rendition> = serde_json::from_slice(&index).ok()?;
        renditions.iter().all(|r| dir.join(file_name(r)).is_file()).then(|| DerivedPhoto {
            key: key.to_owned(),
            renditions,
            cache_dir: dir,
        })
    }

    /// Stores freshly derived renditions under `key`. The folder is filled under a temporary name and renamed
    /// into place, so another build reading the cache at the same time never sees half of it.
    pub fn store(&self, key: &str, renditions: Vec<(Rendition, Vec<u8>)>) -> Result<DerivedPhoto, PhotoError> {
        let dir = self.dir.join(key);
        let temp = self.dir.join(format!("{key}.tmp-{}", std::process::id()));
        let io = |source| PhotoError::Cache { path: temp.clone(), source };
        let _ = fs::remove_dir_all(&temp);
        fs::create_dir_all(&temp).map_err(io)?;
        for (rendition, bytes) in &renditions {
            fs::write(temp.join(file_name(rendition)), bytes).map_err(io)?;
        }
        let list: Vec<Rendition> = renditions.into_iter().map(|(r, _)| r).collect();
        let index = serde_json::to_vec(&list).expect("renditions serialise");
        fs::write(temp.join("index.json"), index).map_err(io)?;
        if let Err(e) = fs::rename(&temp, &dir) {
            // Another build stored the same key first; its files are the same bytes.
            let _ = fs::remove_dir_all(&temp);
            if self.lookup(key).is_none() {
                return Err(PhotoError::Cache { path: dir, source: e });
            }
        }
        Ok(DerivedPhoto { key: key.to_owned(), renditions: list, cache_dir: dir })
    }
}
