//! A built site in a temporary folder, and what the tests read from it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use walkdir::WalkDir;

use crate::run::{Output, generator};

/// The output, cache and command result of one `generator build`.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub run: Output,
}

impl Built {
    pub fn output(&self) -> PathBuf {
        self.dir.path().join("output")
    }

    pub fn read(&self, path: &str) -> String {
        let file = self.output().join(path);
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    /// Every file of the output, by path relative to it, with its bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files_of(&self.output())
    }
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            (relative, fs::read(e.path()).expect("read output file"))
        })
        .collect()
}

/// The sample content built once per test run, for the tests that only read it: (output, cache, the run).
pub fn sample() -> &'static (PathBuf, PathBuf, Output) {
    static SAMPLE: OnceLock<(PathBuf, PathBuf, Output)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = crate::binaries::scratch_dir().join("sample-build");
        let _ = fs::remove_dir_all(&dir);
        let (output, cache) = (dir.join("output"), dir.join("cache"));
        let root = crate::binaries::workspace_root();
        let run = build_into(&root.join("content"), &root.join("themes/default"), &output, &cache);
        assert_eq!(run.code, Some(0), "the sample builds: {}", run.stderr);
        (output, cache, run)
    })
}

/// The sample content as it is during the vote, without `votes/` and `scores/`, built once per test run (its photo
/// cache copied from [`sample`]'s): (output, cache, the run).
pub fn sample_during_vote() -> &'static (PathBuf, PathBuf, Output) {
    static SAMPLE: OnceLock<(PathBuf, PathBuf, Output)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let (_, sample_cache, _) = sample();
        let dir = crate::binaries::scratch_dir().join("sample-during-vote");
        let _ = fs::remove_dir_all(&dir);
        let (content, output, cache) = (dir.join("content"), dir.join("output"), dir.join("cache"));
        let root = crate::binaries::workspace_root();
        copy_dir(&root.join("content"), &content);
        fs::remove_dir_all(content.join("votes")).expect("the sample has votes/");
        fs::remove_dir_all(content.join("scores")).expect("the sample has scores/");
        copy_dir(sample_cache, &cache);
        let run = build_into(&content, &root.join("themes/default"), &output, &cache);
        assert_eq!(run.code, Some(0), "the sample builds without results: {}", run.stderr);
        (output, cache, run)
    })
}

/// `s` percent-encoded for a URL's query.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Runs `generator build` on `content` with the sample theme, into a fresh temporary folder (`cache` is shared
/// when given, else fresh too).
pub fn build(content: &Path, cache: Option<&Path>) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("output");
    let own_cache = dir.path().join("cache");
    let cache = cache.unwrap_or(&own_cache);
    let theme = crate::binaries::workspace_root().join("themes/default");
    let run = build_into(content, &theme, &out, cache);
    Built { dir, run }
}

/// Runs `generator build` with explicit folders.
pub fn build_into(content: &Path, theme: &Path, output: &Path, cache: &Path) -> Output {
    let args = [
        "build",
        "--content",
        &path(content),
        "--theme",
        &path(theme),
        "--output",
        &path(output),
        "--cache",
        &path(cache),
    ];
    generator(&args, content)
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The values of attribute `name` (e.g. `href`) in an HTML document; `srcset` values are split into their URLs.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        if name == "srcset" {
            values.extend(value.split(',').filter_map(|c| c.split_whitespace().next()).map(str::to_owned));
        } else {
            values.push(value.to_owned());
        }
        rest = &rest[end..];
    }
    values
}

/// Copies the folder `from` to `to`, recursively (symbolic links copied as the files they point to).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in WalkDir::new(from).follow_links(true) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
