//! Splits a case file into its YAML front matter and its Markdown body.
//!
//! A case file starts with a line `---`, then YAML, then a closing `---` (or `...`) line, then Markdown.
//! A UTF-8 byte-order mark and Windows line endings are accepted, because editors save files that way.

/// The two parts of a case file, with where the YAML starts so that YAML lines map back to file lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// File line (1-based) of the first YAML line, i.e. the line after the opening `---`.
    pub yaml_first_line: usize,
    pub body: &'a str,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("the file is empty; a case needs YAML front matter between two '---' lines, then the description")]
    Empty,
    #[error("the file must start with a line '---' that opens the YAML front matter")]
    NoOpening,
    #[error("the front matter opened on line 1 is never closed; add a line '---' after the last field")]
    NoClosing,
}

/// Splits `text` into front matter and body.
pub fn split(text: &str) -> Result<FrontMatter<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = text.split_inclusive('\n');
    let opening = lines.next().unwrap_or_default();
    if opening.trim_end() != "---" {
        return Err(SplitError::NoOpening);
    }
    let yaml_start = opening.len();
    let mut offset = yaml_start;
    for line in lines {
        let content = line.trim_end();
        if content == "---" || content == "..." {
            return Ok(FrontMatter {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(SplitError::NoClosing)
}

/// The deepest `[`/`{` nesting accepted. Real front matter nests two levels; YAML parsers slow down quadratically
/// on thousands of open brackets, so they never see such input.
pub const MAX_FLOW_DEPTH: usize = 32;

/// The 1-based line (within `yaml`) where flow nesting passes [`MAX_FLOW_DEPTH`], if it does.
///
/// Brackets inside quoted strings are counted too: a conservative guard, since titles use full-width 【】.
pub fn too_deep(yaml: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    for c in yaml.chars() {
        match c {
            '\n' => line += 1,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(line);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_from_markdown() {
        let fm = split("---\ntitle: a\n---\n# Body\n").expect("valid");
        assert_eq!(fm.yaml, "title: a\n");
        assert_eq!(fm.body, "# Body\n");
        assert_eq!(fm.yaml_first_line, 2);
    }

    #[test]
    fn accepts_bom_crlf_and_dots() {
        let fm = split("\u{feff}---\r\ntitle: a\r\n...\r\nbody").expect("valid");
        assert_eq!(fm.yaml, "title: a\r\n");
        assert_eq!(fm.body, "body");
    }

    #[test]
    fn empty_body_is_fine() {
        assert_eq!(split("---\na: 1\n---").expect("valid").body, "");
    }

    #[test]
    fn deep_nesting_is_found_on_its_line() {
        assert_eq!(too_deep("a: [1, {b: 2}]\n"), None);
        assert_eq!(too_deep(&format!("a: 1\nb: {}", "[".repeat(40))), Some(2));
    }

    #[test]
    fn reports_what_is_missing() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split(" \n\n"), Err(SplitError::Empty));
        assert_eq!(split("title: a\n"), Err(SplitError::NoOpening));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::NoClosing));
    }
}
