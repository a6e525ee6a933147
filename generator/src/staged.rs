//! The content as it is staged in git, for `generator check --staged` (the pre-commit check): git's index of the
//! content folder checked out into a temporary folder, which cases the commit changes, and problems led back to the
//! real paths. What is edited but not staged is not what the commit holds, so it is not seen.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostics::{Problem, Report};

/// The staged content, checked out; removed when dropped.
pub struct StagedContent {
    dir: tempfile::TempDir,
    /// The content folder inside the checkout.
    pub content: PathBuf,
    /// Ids of the cases with staged changes (their photos are decoded fully).
    pub changed_cases: BTreeSet<String>,
    /// Whether `site.yaml` has staged changes (then every case's photos are decoded: the limits may have changed).
    pub site_changed: bool,
}

/// Why the staged content cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum StagedError {
    #[error("{0} is not inside a git work tree; --staged checks what `git commit` would commit")]
    NotInRepository(String),
    #[error("cannot run git: {0}; install git")]
    NoGit(std::io::Error),
    #[error("`git {0}` failed: {1}")]
    Git(String, String),
    #[error("cannot make a temporary folder: {0}")]
    Io(#[from] std::io::Error),
}

/// Checks out the index's version of `content` (a folder inside a git work tree) into a temporary folder.
pub fn checkout(content: &Path) -> Result<StagedContent, StagedError> {
    let not_in_repository = || StagedError::NotInRepository(content.display().to_string());
    let real = content.canonicalize().map_err(|_| not_in_repository())?;
    let top = git(&real, &["rev-parse", "--show-toplevel"], None).map_err(|_| not_in_repository())?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n')).canonicalize()?;
    let relative = real.strip_prefix(&top).map_err(|_| not_in_repository())?.to_path_buf();
    let pathspec = if relative.as_os_str().is_empty() { ".".to_owned() } else { relative.display().to_string() };
    let dir = tempfile::Builder::new().prefix("generator-staged-").tempdir()?;
    let files = git(&top, &["ls-files", "-z", "--", &pathspec], None)?;
    let prefix = format!("{}/", dir.path().display());
    git(&top, &["checkout-index", "-z", "--stdin", "--prefix", &prefix], Some(&files))?;
    let changed = git(&top, &["diff", "--cached", "--name-only", "--no-renames", "-z", "--", &pathspec], None)?;
    let mut changed_cases = BTreeSet::new();
    let mut site_changed = false;
    for path in changed.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(String::from_utf8_lossy(path).into_owned());
        let Ok(inside) = path.strip_prefix(&relative) else { continue };
        let parts: Vec<String> = inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        match parts.as_slice() {
            [site] if site == "site.yaml" => site_changed = true,
            [cases, id, _, ..] if cases == "cases" => {
                changed_cases.insert(id.clone());
            }
            _ => {}
        }
    }
    let content = dir.path().join(&relative);
    std::fs::create_dir_all(&content)?;
    Ok(StagedContent { dir, content, changed_cases, site_changed })
}

impl StagedContent {
    /// `report` with every path inside the checkout replaced by the same path under `shown` (the content folder as
    /// the editor named it).
    pub fn real_paths(&self, report: &Report, shown: &Path) -> Report {
        let mut real = Report::default();
        for problem in report.sorted() {
            let path = match problem.path.strip_prefix(&self.content) {
                Ok(rest) => shown.join(rest),
                Err(_) => problem.path.strip_prefix(self.dir.path()).map_or(problem.path.clone(), Path::to_path_buf),
            };
            real.push(Problem { path, ..problem.clone() });
        }
        real
    }
}

/// Runs git in `cwd`, feeding it `input`; its standard output.
fn git(cwd: &Path, args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, StagedError> {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(StagedError::NoGit)?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input)?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(StagedError::Git(args.join(" "), stderr));
    }
    Ok(output.stdout)
}
