//! A theme folder: `templates/` (tera) and `static/` (CSS, JS, icons). Static files are published under `assets/`
//! with a hash of their content in the name, so browsers may cache them for ever and never see a stale one.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use tera::Tera;
use walkdir::WalkDir;

use super::RenderError;
use crate::text::hex;

/// The loaded theme.
pub struct Theme {
    pub tera: Tera,
    /// Fingerprinted static files: published path (e.g. `assets/hall.3f2a9c1b.css`) to bytes.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Published path of each static file by its name in `static/` (e.g. `hall.css`).
    pub asset_paths: BTreeMap<String, String>,
}

impl Theme {
    pub fn load(dir: &Path) -> Result<Self, RenderError> {
        let theme_error =
            |path: &Path, message: String| RenderError::Theme { path: path.display().to_string(), message };
        let templates = dir.join("templates");
        if !templates.is_dir() {
            return Err(theme_error(&templates, "missing; a theme needs a templates/ folder".to_owned()));
        }
        let mut tera = Tera::default();
        let mut sources = Vec::new();
        for entry in WalkDir::new(&templates).sort_by_file_name() {
            let entry = entry.map_err(|e| theme_error(&templates, e.to_string()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let name =
                entry.path().strip_prefix(&templates).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(entry.path()).map_err(|e| theme_error(entry.path(), e.to_string()))?;
            sources.push((name, text));
        }
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| theme_error(&templates, error_chain(&e)))?;

        let mut assets = Vec::new();
        let mut asset_paths = BTreeMap::new();
        let statics = dir.join("static");
        for entry in WalkDir::new(&statics).sort_by_file_name() {
            let entry = entry.map_err(|e| theme_error(&statics, e.to_string()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.path().strip_prefix(&statics).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let mut bytes = std::fs::read(entry.path()).map_err(|e| theme_error(entry.path(), e.to_string()))?;
            if name.ends_with(".css") {
                bytes = minify_css(&String::from_utf8_lossy(&bytes)).into_bytes();
            } else if name.ends_with(".js") {
                bytes = trim_js(&String::from_utf8_lossy(&bytes)).into_bytes();
            }
            let published = format!("assets/{}", fingerprinted(&name, &bytes));
            asset_paths.insert(name, published.clone());
            assets.push((published, bytes));
        }
        Ok(Theme { tera, assets, asset_paths })
    }
}

/// `hall.css` with content `bytes` becomes `hall.<8 hex digits>.css`.
fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let hash = hex(&Sha256::digest(bytes)[..4]);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// JavaScript without its whole-line `//` comments and indentation: what a browser does not need, removed without
/// parsing, which is safe because the theme's scripts keep no string across lines (no template literals; README).
fn trim_js(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    for line in js.lines().map(str::trim_start).filter(|l| !l.is_empty() && !l.starts_with("//")) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// CSS without comments and without the whitespace that carries no meaning; quoted strings are kept as written.
fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '"' | '\'' => {
                flush_space(&mut out, &mut space, c);
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => space = true,
            c => {
                flush_space(&mut out, &mut space, c);
                out.push(c);
            }
        }
    }
    out.push('\n');
    out
}

/// Writes a pending space unless the characters on either side make it meaningless.
fn flush_space(out: &mut String, space: &mut bool, next: char) {
    let after_punctuation = out.chars().next_back().is_none_or(|p| "{};,:>".contains(p));
    if *space && !after_punctuation && !"{};,>".contains(next) {
        out.push(' ');
    }
    *space = false;
}

/// A tera error with its causes, which hold the template's line and what is wrong there.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_loses_comments_and_spare_whitespace_only() {
        let css = "/* note */\n.a:hover .b ,\n.c {\n  content: \"  x  \";\n  margin: 0 auto;\n}\n@media (min-width: 40em) { .d { color: red; } }\n";
        assert_eq!(
            minify_css(css),
            ".a:hover .b,.c{content:\"  x  \";margin:0 auto;}@media (min-width:40em){.d{color:red;}}\n"
        );
    }

    #[test]
    fn javascript_loses_whole_line_comments_and_indentation_only() {
        let js = "// about\n(function () {\n  // why\n  var a = \"// kept\"; // kept too\n\n  return a;\n})();\n";
        assert_eq!(trim_js(js), "(function () {\nvar a = \"// kept\"; // kept too\nreturn a;\n})();\n");
    }

    #[test]
    fn fingerprints_change_with_content() {
        assert_ne!(fingerprinted("hall.css", b"a"), fingerprinted("hall.css", b"b"));
        assert!(fingerprinted("hall.css", b"a").starts_with("hall."));
        assert!(fingerprinted("hall.css", b"a").ends_with(".css"));
    }
}
