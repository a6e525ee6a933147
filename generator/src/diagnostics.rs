//! Problems found in the content, each pinned to a file, a line and a field.
//!
//! Every stage reports into a [`Report`] instead of stopping at the first problem, so an editor sees everything that
//! is wrong in one run, printed as `path:line: field: message`. [`KeyLines`] says where each key of a file is.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Lines of the keys of one YAML document, already shifted to lines of the file that holds it, to point problems
/// found after parsing at their line. `content::key_lines` makes them from a YAML document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLines {
    lines: HashMap<String, usize>,
}

impl KeyLines {
    /// Lines known already, e.g. the rows of a spreadsheet by case id.
    pub fn from_lines(lines: impl IntoIterator<Item = (String, usize)>) -> Self {
        KeyLines { lines: lines.into_iter().collect() }
    }

    /// The line of `path` (`title`, `images[1]`, `images[1].file`), or of its nearest indexed parent.
    pub fn line(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path) {
                return Some(*line);
            }
            path = &path[..path.rfind(['.', '['])?];
        }
    }
}

/// How serious a problem is: errors fail `check` and `build`, warnings are only printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line in `path`; `None` when the problem is about a folder or a file as a whole that has no lines.
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
    pub severity: Severity,
}

impl Problem {
    pub fn error(path: &Path, line: Option<usize>, field: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, line, field, message)
    }

    pub fn warning(path: &Path, line: Option<usize>, field: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, line, field, message)
    }

    fn new(severity: Severity, path: &Path, line: Option<usize>, field: &str, message: impl Into<String>) -> Self {
        Problem { path: path.to_path_buf(), line, field: field.to_owned(), message: message.into(), severity }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&Path, usize, &str, Severity, &str) {
        (&self.path, self.line.unwrap_or(0), &self.field, self.severity, &self.message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: ", self.field)?;
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Everything found in one run, printed sorted by file and line.
#[derive(Debug, Default)]
pub struct Report {
    problems: Vec<Problem>,
}

impl Report {
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
    }

    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.problems.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// The problems in a stable order (file, line, field), duplicates removed.
    pub fn sorted(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all.dedup();
        all
    }

    /// How many distinct files hold at least one error.
    pub fn files_with_errors(&self) -> usize {
        let mut paths: Vec<&Path> = self.problems.iter().filter(|p| p.is_error()).map(|p| p.path.as_path()).collect();
        paths.sort();
        paths.dedup();
        paths.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_as_path_line_field_message() {
        let p = Problem::error(Path::new("content/cases/a/index.md"), Some(7), "launched", "too late");
        assert_eq!(p.to_string(), "content/cases/a/index.md:7: launched: too late");
        let w = Problem::warning(Path::new("content/cases/a"), None, "index.md", "odd");
        assert_eq!(w.to_string(), "content/cases/a: index.md: warning: odd");
    }

    #[test]
    fn report_sorts_by_file_then_line() {
        let mut r = Report::default();
        r.push(Problem::error(Path::new("b"), Some(1), "x", "m"));
        r.push(Problem::error(Path::new("a"), Some(9), "x", "m"));
        r.push(Problem::warning(Path::new("a"), Some(2), "x", "m"));
        let order: Vec<String> = r.sorted().iter().map(|p| p.to_string()).collect();
        assert_eq!(order, ["a:2: x: warning: m", "a:9: x: m", "b:1: x: m"]);
        assert_eq!((r.error_count(), r.warning_count(), r.files_with_errors()), (2, 1, 2));
    }
}
