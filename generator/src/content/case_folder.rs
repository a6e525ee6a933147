//! Reads the case folders under `content/cases/`: one folder a case, named by its id, holding `index.md` and photos.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::content::case_fields;
use crate::content::front_matter::{self, SplitError};
use crate::content::yaml_document;
use crate::content::{io_message, read_text};
use crate::diagnostics::{Problem, Report};
use crate::model::case_id::CaseId;
use crate::model::form::{ApplicationForm, Source};

/// The largest `index.md` accepted. A long description is a few tens of KB; photos go beside it as files.
pub const MAX_CASE_FILE_BYTES: u64 = 1024 * 1024;

/// Reads every case folder under `cases_dir`, in parallel, returning the forms sorted by id.
pub fn read_all(cases_dir: &Path, report: &mut Report) -> Vec<ApplicationForm> {
    let mut folders = Vec::new();
    for entry in WalkDir::new(cases_dir).min_depth(1).max_depth(1).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => folders.push(entry.into_path()),
            Ok(entry) if is_hidden(entry.path()) => {}
            Ok(entry) => report.push(Problem::warning(
                entry.path(),
                None,
                "cases",
                "not a case folder; only folders belong in cases/, so this is ignored",
            )),
            Err(e) if e.depth() == 0 => {
                let message = e.io_error().map_or_else(|| e.to_string(), io_message);
                report.push(Problem::error(cases_dir, None, "cases", message));
            }
            Err(e) => report.push(Problem::error(
                e.path().unwrap_or(cases_dir),
                None,
                "cases",
                format!("cannot be listed: {e}"),
            )),
        }
    }
    let results: Vec<(Option<ApplicationForm>, Vec<Problem>)> =
        folders.par_iter().filter(|f| !is_hidden(f)).map(|folder| read_one(folder)).collect();
    let mut forms = Vec::with_capacity(results.len());
    for (form, problems) in results {
        report.extend(problems);
        forms.extend(form);
    }
    forms
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// Reads one case folder. Returns the form when its front matter could be parsed, with every problem found.
pub fn read_one(folder: &Path) -> (Option<ApplicationForm>, Vec<Problem>) {
    let index = folder.join("index.md");
    let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut problems = Vec::new();
    let id = match name.parse::<CaseId>() {
        Ok(id) => Some(id),
        Err(e) => {
            problems.push(Problem::error(&index, Some(1), "id", format!("the folder name {e}")));
            None
        }
    };
    if let Some(message) = link_out_of(folder, &index) {
        problems.push(Problem::error(&index, None, "file", message));
        return (None, problems);
    }
    if !index.is_file() {
        let message = if index.exists() { "must be a file" } else { "missing; every case folder needs an index.md" };
        problems.push(Problem::error(folder, None, "index.md", message));
        return (None, problems);
    }
    let text = match read_text(&index, "file", MAX_CASE_FILE_BYTES) {
        Ok(text) => text,
        Err(problem) => {
            problems.push(problem);
            return (None, problems);
        }
    };
    let form = parse_case_text(id, folder.to_path_buf(), index, &text, &mut problems);
    (form, problems)
}

/// Why `index` may not be read, when it is a link that leads out of `folder`: what a case folder holds is published,
/// so it may not pull in a file from elsewhere (as with photos, see [`crate::rules::photos::resolve_inside`]).
fn link_out_of(folder: &Path, index: &Path) -> Option<&'static str> {
    if !std::fs::symlink_metadata(index).ok()?.file_type().is_symlink() {
        return None;
    }
    match (index.canonicalize(), folder.canonicalize()) {
        (Ok(real), Ok(real_folder)) if real.starts_with(&real_folder) => None,
        (Ok(_), Ok(_)) => Some("is a link that leads out of the case folder; copy the file into the folder"),
        _ => Some("is a link to a file that does not exist"),
    }
}

/// Parses the text of an `index.md`. Never panics, whatever the text.
pub fn parse_case_text(
    id: Option<CaseId>,
    folder: PathBuf,
    index: PathBuf,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<ApplicationForm> {
    let fm = match front_matter::split(text) {
        Ok(fm) => fm,
        Err(e) => {
            let field = if e == SplitError::Empty { "file" } else { "front matter" };
            problems.push(Problem::error(&index, Some(1), field, e.to_string()));
            return None;
        }
    };
    if let Some(line) = front_matter::too_deep(fm.yaml) {
        let message = format!("nested deeper than {} levels of [ ] or {{ }}", front_matter::MAX_FLOW_DEPTH);
        problems.push(Problem::error(&index, Some(line + fm.yaml_first_line - 1), "yaml", message));
        return None;
    }
    let (value, lines) = match yaml_document::parse(fm.yaml, fm.yaml_first_line) {
        Ok(parsed) => parsed,
        Err(e) => {
            problems.push(yaml_document::problem(&index, fm.yaml, fm.yaml_first_line, e));
            return None;
        }
    };
    let serde_yaml::Value::Mapping(mapping) = value else {
        let message = "the front matter must be fields of the form `key: value` (see README.md)";
        problems.push(Problem::error(&index, Some(fm.yaml_first_line), "front matter", message));
        return None;
    };
    if let Some(offset) = crate::markdown::too_deep(fm.body) {
        let body_line = fm.yaml_first_line + fm.yaml.matches('\n').count() + 1;
        let line = body_line + fm.body[..offset].matches('\n').count();
        let message = format!(
            "lists, quotes or HTML elements are nested deeper than {} levels here; flatten them",
            crate::markdown::MAX_NESTING
        );
        problems.push(Problem::error(&index, Some(line), "description", message));
    }
    let source = Source { index, folder, lines, front_matter_line: fm.yaml_first_line };
    let id = id?;
    Some(case_fields::parse(id, source, mapping, fm.body.to_owned(), problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "---\ntitle: 智慧医保\napplicant: 青岛市医疗保障局\nrecommender: 市南区\ncategory: applications\n\
        domain: internet-plus\nlaunched: 2020-01-08\nsummary: 简介\ncredit_code: 91370200163562681G\nsubmitted: 2020-07-09\n\
        images:\n  - file: a.jpg\n    caption: 图\ncontact:\n  name: 张三\n  phone: '0532-85916914'\n---\n\n## 正文\n";

    fn parse(text: &str) -> (Option<ApplicationForm>, Vec<Problem>) {
        let mut problems = Vec::new();
        let id = "fuzz".parse().ok();
        let form = parse_case_text(id, PathBuf::from("c"), PathBuf::from("c/index.md"), text, &mut problems);
        (form, problems)
    }

    /// xorshift64*: a deterministic source of test inputs without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn the_template_parses_cleanly() {
        let (form, problems) = parse(TEMPLATE);
        assert!(form.is_some());
        assert_eq!(problems, Vec::new());
    }

    #[test]
    fn every_truncation_gives_problems_or_a_form_never_a_panic() {
        for cut in 0..=TEMPLATE.len() {
            if let Some(prefix) = TEMPLATE.get(..cut) {
                let (form, problems) = parse(prefix);
                assert!(form.is_some() || !problems.is_empty(), "cut at {cut}: neither a form nor a problem");
            }
        }
    }

    #[test]
    fn random_bytes_and_mutations_never_panic() {
        let specials =
            [":", "-", "[", "]", "{", "}", "&a", "*a", "!!", "|", ">", "\t", "'", "\"", "#", "\n", "---\n", "? "];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.next() as u8).collect();
            parse(&String::from_utf8_lossy(&bytes));
            let mut text = TEMPLATE.to_owned();
            for _ in 0..1 + rng.below(4) {
                let mut at = rng.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, specials[rng.below(specials.len())]);
            }
            parse(&text);
        }
    }

    #[test]
    fn a_description_nested_200000_deep_is_refused_on_its_line() {
        let text = TEMPLATE.replace("## 正文\n", &format!("## 正文\n\n{}x\n", "- ".repeat(200_000)));
        let (form, problems) = parse(&text);
        assert!(form.is_some(), "the other fields are still checked");
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            ["c/index.md:21: description: lists, quotes or HTML elements are nested deeper than 32 levels here; \
              flatten them"]
        );
    }

    #[test]
    fn hostile_yaml_is_refused_quickly() {
        let deep = format!("---\ntitle: {}{}\n---\n", "[".repeat(100_000), "]".repeat(100_000));
        let (form, problems) = parse(&deep);
        assert!(form.is_none() && !problems.is_empty());
        let laughs = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n---\n";
        let (_, problems) = parse(laughs);
        assert!(!problems.is_empty());
    }
}
