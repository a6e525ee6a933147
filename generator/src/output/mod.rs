//! Writing `output/` atomically: the build fills a staging folder beside it and swaps it in only when everything
//! succeeded, so a failed build leaves the previous site exactly as it was ([`Staging`]). The preview's rebuilds
//! update the live folder file by file instead, each file replaced atomically and only when its bytes changed
//! ([`InPlace`]). Which folder a build may replace at all is [`guard`]'s to say.

pub mod guard;

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
    /// Starts a staging folder next to `target`, holding only the marker of a build ([`guard::MARKER`]). A
    /// staging folder left by a build that was killed is removed first; a folder of that name that a build did not
    /// leave is an error.
    pub fn new(target: &Path) -> io::Result<Self> {
        let dir = sibling(target, "staging");
        remove_earlier_build(&dir)?;
        fs::create_dir_all(&dir)?;
        let staging = Staging { target: target.to_path_buf(), dir, committed: false };
        staging.write(guard::MARKER, guard::MARKER_TEXT.as_bytes())?;
        Ok(staging)
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
        remove_earlier_build(&old)?;
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

/// Updates a live `output/` folder: every file is written beside its place and renamed over it, so a reader never
/// sees half a file, and a file whose bytes are unchanged is not touched at all.
#[derive(Debug)]
pub struct InPlace {
    root: PathBuf,
    /// How many files were written or removed.
    pub changed: usize,
}

impl InPlace {
    pub fn new(root: &Path) -> Self {
        InPlace { root: root.to_path_buf(), changed: 0 }
    }

    /// Puts `bytes` at `relative` unless the file already holds exactly them.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.root.join(relative);
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let temporary = path.with_file_name(format!(".{}.new", file_name(&path)));
        fs::write(&temporary, bytes)?;
        fs::rename(&temporary, &path)?;
        self.changed += 1;
        Ok(())
    }

    /// Puts the file `from` at `relative` (a hard link when possible) unless it is there already.
    pub fn link(&mut self, relative: &str, from: &Path) -> io::Result<()> {
        let path = self.root.join(relative);
        if path.exists() {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let temporary = path.with_file_name(format!(".{}.new", file_name(&path)));
        let _ = fs::remove_file(&temporary);
        fs::hard_link(from, &temporary).or_else(|_| fs::copy(from, &temporary).map(|_| ()))?;
        fs::rename(&temporary, &path)?;
        self.changed += 1;
        Ok(())
    }

    /// Removes the file or folder at `relative`, if it exists, and the folders it leaves empty.
    pub fn remove(&mut self, relative: &str) -> io::Result<()> {
        let path = self.root.join(relative);
        let removed = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
        match removed {
            Ok(()) => self.changed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut parent = path.parent();
        while let Some(dir) = parent.filter(|d| *d != self.root) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
            parent = dir.parent();
        }
        Ok(())
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Removes `dir` if it is what a build left there; a folder of the same name that holds anything else is an error,
/// never deleted.
fn remove_earlier_build(dir: &Path) -> io::Result<()> {
    if fs::symlink_metadata(dir).is_err() {
        return Ok(());
    }
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) || !guard::is_earlier_build(dir) {
        let message = format!("{} is in the way and was not left by generator build; move it elsewhere", dir.display());
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, message));
    }
    fs::remove_dir_all(dir)
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

    #[test]
    fn in_place_writes_only_what_changed_and_prunes_empty_folders() {
        let dir = tempfile::tempdir().expect("temp");
        let mut out = InPlace::new(dir.path());
        out.write("a/b/c.html", b"one").expect("write");
        out.write("a/b/c.html", b"one").expect("same bytes");
        assert_eq!(out.changed, 1, "the same bytes are not written again");
        out.write("a/b/c.html", b"two").expect("write");
        assert_eq!(fs::read_to_string(dir.path().join("a/b/c.html")).expect("read"), "two");
        out.remove("a/b/c.html").expect("remove");
        assert!(!dir.path().join("a").exists(), "empty folders go too");
        out.remove("a/b/c.html").expect("removing what is gone is fine");
        assert_eq!(out.changed, 3);
    }
}
