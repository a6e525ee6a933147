//! Writing `output/` atomically: the build fills a staging folder beside it and swaps it in only when everything
//! succeeded, so a failed build leaves the previous site exactly as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder being filled that becomes `output/` on [`Staging::commit`], or disappears if dropped before.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Starts an empty staging folder next to `target`.
    pub fn new(target: &Path) -> io::Result<Self> {
        let dir = sibling(target, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging { target: target.to_path_buf(), dir, committed: false })
    }

    /// The staging folder itself.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `relative` (a `/`-separated path inside the site), creating folders as needed.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)
    }

    /// Puts the file `from` at `relative`: a hard link when possible (derived photos from the cache), else a copy.
    pub fn link(&self, relative: &str, from: &Path) -> io::Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::hard_link(from, &path).or_else(|_| fs::copy(from, &path).map(|_| ()))
    }

    /// Replaces `target` with the staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        let old = sibling(&self.target, "old");
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_target = self.target.exists();
        if had_target {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_target {
                // Put the previous site back rather than leave no site at all.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        if had_target {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// `.<name>.<what>` in the same folder as `target`, so that renames stay on one file system.
fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.{what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_target_and_drop_leaves_it() {
        let dir = tempfile::tempdir().expect("temp");
        let target = dir.path().join("output");
        fs::create_dir(&target).expect("mkdir");
        fs::write(target.join("old.html"), "old").expect("write");

        let staging = Staging::new(&target).expect("staging");
        staging.write("a/b.html", b"new").expect("write");
        drop(staging);
        assert!(target.join("old.html").exists(), "an abandoned build changes nothing");

        let staging = Staging::new(&target).expect("staging");
        staging.write("a/b.html", b"new").expect("write");
        staging.commit().expect("commit");
        assert!(!target.join("old.html").exists());
        assert_eq!(fs::read_to_string(target.join("a/b.html")).expect("read"), "new");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("ls").map(|e| e.expect("e").file_name()).collect();
        assert_eq!(leftovers, ["output"]);
    }
}
