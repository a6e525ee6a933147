//! Reads `content/site.yaml` into a [`Site`], keeping the line of every key for later messages.

use std::path::{Path, PathBuf};

use crate::content::key_lines::KeyLines;
use crate::content::{read_text, site_keys};
use crate::diagnostics::{Problem, Report};
use crate::model::site::Site;

/// `site.yaml` is small; anything bigger is a mistake.
const MAX_SITE_FILE_BYTES: u64 = 1024 * 1024;

/// The parsed `site.yaml` with where its keys are.
#[derive(Debug, Clone)]
pub struct SiteFile {
    pub path: PathBuf,
    pub site: Site,
    pub lines: KeyLines,
}

impl SiteFile {
    /// A problem at the line of `key` (a dotted path such as `election.opens`).
    pub fn error(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem::error(&self.path, self.lines.line(key), key, message)
    }
}

/// Reads and parses `path`; on failure reports why and returns `None`.
pub fn read(path: &Path, report: &mut Report) -> Option<SiteFile> {
    let text = match read_text(path, "site.yaml", MAX_SITE_FILE_BYTES) {
        Ok(text) => text,
        Err(mut problem) => {
            if problem.message == "not found" {
                problem.message = "not found; every content folder needs a site.yaml (see README.md)".to_owned();
            }
            report.push(problem);
            return None;
        }
    };
    if let Some(line) = crate::content::front_matter::too_deep(&text) {
        report.push(Problem::error(path, Some(line), "yaml", "nested too deeply with [ ] or { }"));
        return None;
    }
    let value = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(value) => value,
        Err(e) => {
            report.push(yaml_problem(path, 1, &e));
            return None;
        }
    };
    let lines = KeyLines::index(&text, 1);
    for (key, message) in site_keys::unknown_keys(&value) {
        report.push(Problem::error(path, lines.line(&key), &key, message));
    }
    // Read from the text, not the value, so that a wrong value is reported on its line.
    match serde_yaml::from_str::<Site>(&text) {
        Ok(site) => Some(SiteFile { path: path.to_path_buf(), site, lines }),
        Err(e) => {
            report.push(yaml_problem(path, 1, &e));
            None
        }
    }
}

/// A serde_yaml error as a problem at its line; `first_line` is the file line where the YAML starts. A quoted value
/// that is never closed is reported where it starts, not where the parser ran out of text.
pub(crate) fn yaml_problem(path: &Path, first_line: usize, e: &serde_yaml::Error) -> Problem {
    let message = e.to_string();
    if let Some(start) = unclosed_quote_line(&message) {
        let message = "this quoted value is never closed; add the closing quote";
        return Problem::error(path, Some(start + first_line - 1), "yaml", message);
    }
    let line = e.location().map(|l| l.line() + first_line - 1);
    // serde_yaml appends " at line L column C"; the line is already in the prefix.
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    let (field, message) = match message.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') => (field.to_owned(), rest.to_owned()),
        _ => ("yaml".to_owned(), message),
    };
    Problem::error(path, line, &field, message)
}

/// The line where an unclosed quoted value starts, from libyaml's "..., while scanning a quoted scalar at line L
/// column C".
fn unclosed_quote_line(message: &str) -> Option<usize> {
    let (_, context) = message.split_once(", while scanning a quoted scalar at line ")?;
    context.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_reported_where_it_starts() {
        let yaml = "title: a\nsummary: \"one\napplicant: b\nrecommender: c\n";
        let e = serde_yaml::from_str::<serde_yaml::Value>(yaml).expect_err("unclosed");
        let problem = yaml_problem(Path::new("index.md"), 2, &e);
        assert_eq!(problem.to_string(), "index.md:3: yaml: this quoted value is never closed; add the closing quote");
        let e = serde_yaml::from_str::<serde_yaml::Value>("a: 'x\n\nb: 1\n").expect_err("unclosed");
        assert_eq!(yaml_problem(Path::new("site.yaml"), 1, &e).line, Some(1));
    }
}
