//! Which folder a build may replace. A build swaps its output folder out whole, so it refuses any folder that is,
//! holds or lies inside the content, theme or cache folder, and any folder that holds something other than an
//! earlier build: nothing of the user's is ever deleted. Every build leaves a marker file ([`MARKER`]) in its output.

use std::path::{Component, Path, PathBuf};

/// The file every build writes at the top of its output folder, so that the next build knows the folder is its own.
pub const MARKER: &str = ".generator-output";

/// What the marker file says, to whoever opens it.
pub const MARKER_TEXT: &str = "This folder is written by `generator build`, which replaces everything in it.\n";

/// Why a folder may not be used as the output folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the output folder {} {why}", output.display())]
pub struct OutputRefused {
    pub output: PathBuf,
    pub why: String,
}

/// The folders a build reads, which its output may neither be, hold nor lie inside.
pub struct Inputs<'a> {
    pub content: &'a Path,
    pub theme: &'a Path,
    pub cache: &'a Path,
}

/// Whether a build may replace `output`: `Ok` when it does not exist, is empty, or holds an earlier build.
pub fn check(output: &Path, inputs: &Inputs<'_>) -> Result<(), OutputRefused> {
    let refuse = |why: String| Err(OutputRefused { output: output.to_path_buf(), why });
    let own_folder =
        "; a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output";
    if !matches!(output.components().next_back(), Some(Component::Normal(_))) {
        return refuse(format!("has no name of its own (it ends in '.', '..' or '/'){own_folder}"));
    }
    if std::fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse("is a symbolic link; name the folder itself".to_owned());
    }
    let real_output = resolve(output);
    for (what, folder) in [("content", inputs.content), ("theme", inputs.theme), ("cache", inputs.cache)] {
        let real = resolve(folder);
        let relation = if real == real_output {
            "is"
        } else if real.starts_with(&real_output) {
            "holds"
        } else if real_output.starts_with(&real) {
            "lies inside"
        } else {
            continue;
        };
        return refuse(format!("{relation} the {what} folder {}{own_folder}", folder.display()));
    }
    match std::fs::metadata(output) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => refuse("is a file, not a folder; name a folder for the site".to_owned()),
        Ok(_) if is_earlier_build(output) => Ok(()),
        Ok(_) => refuse(format!(
            "is not empty and was not written by generator build (it has no {MARKER} file); a build replaces \
             everything in it, so name a new or empty folder, or empty this one yourself"
        )),
    }
}

/// Whether `dir` is empty or holds what a build wrote: its marker, or, from builds before the marker, a manifest
/// (`api/cases.json` naming its format and election) and a home page.
pub fn is_earlier_build(dir: &Path) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else { return false };
    if entries.next().is_none() || dir.join(MARKER).is_file() {
        return true;
    }
    let manifest = std::fs::read(dir.join("api/cases.json")).ok();
    let manifest: Option<serde_json::Value> = manifest.and_then(|bytes| serde_json::from_slice(&bytes).ok());
    dir.join("index.html").is_file()
        && manifest.is_some_and(|m| m.get("format").is_some() && m.get("election").is_some())
}

/// `path` made absolute, with every link in the part that exists resolved and `.` and `..` folded, so that two
/// names of one folder compare equal.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut real = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                real.pop();
            }
            other => {
                real.push(other);
                if let Ok(canonical) = real.canonicalize() {
                    real = canonical;
                }
            }
        }
    }
    real
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
        (root.join("content"), root.join("themes/default"), root.join(".cache"))
    }

    fn verdict(output: &Path, root: &Path) -> Result<(), String> {
        let (content, theme, cache) = inputs(root);
        check(output, &Inputs { content: &content, theme: &theme, cache: &cache }).map_err(|e| e.why)
    }

    #[test]
    fn the_input_folders_their_parents_and_their_insides_are_refused() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/cases")).expect("content");
        std::fs::create_dir_all(root.join("themes/default")).expect("theme");
        let why = |p: &str| verdict(&root.join(p), root).expect_err(p);
        assert!(why("content").starts_with("is the content folder"), "{}", why("content"));
        assert!(why("themes").starts_with("holds the theme folder"), "{}", why("themes"));
        assert!(why("content/cases/site").starts_with("lies inside the content folder"));
        assert!(why(".cache/site").starts_with("lies inside the cache folder"));
        assert!(why("content/../themes/default/x/..").starts_with("has no name of its own"));
        assert!(why("content/../themes/default/x/../y").starts_with("lies inside the theme folder"));
        assert!(verdict(&root.join("output"), root).is_ok(), "a folder that does not exist yet");
    }

    #[test]
    fn a_folder_with_other_files_is_refused_unless_a_build_wrote_it() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        let output = root.join("output");
        std::fs::create_dir(&output).expect("mkdir");
        assert!(verdict(&output, root).is_ok(), "an empty folder");
        std::fs::write(output.join("thesis.docx"), "years of work").expect("write");
        assert!(verdict(&output, root).expect_err("refused").starts_with("is not empty and was not written"));
        std::fs::write(output.join(MARKER), MARKER_TEXT).expect("marker");
        assert!(verdict(&output, root).is_ok(), "a folder with the marker");

        let old = root.join("old-site");
        std::fs::create_dir_all(old.join("api")).expect("mkdir");
        std::fs::write(old.join("index.html"), "<!doctype html>").expect("write");
        assert!(verdict(&old, root).is_err(), "a home page alone is not a build");
        std::fs::write(old.join("api/cases.json"), r#"{"format": 1, "election": {}, "cases": []}"#).expect("write");
        assert!(verdict(&old, root).is_ok(), "a build from before the marker");

        std::fs::write(root.join("file"), "x").expect("write");
        assert_eq!(
            verdict(&root.join("file"), root),
            Err("is a file, not a folder; name a folder for the site".into())
        );
    }
}
