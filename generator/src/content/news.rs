//! Announcements (公告): `content/news/<date>-<slug>.md`, YAML front matter and a Markdown body, read and checked
//! like cases: every problem as `path:line: field: message`, and the other files still read.
//!
//! ```markdown
//! ---
//! title: 关于“每个IP每天限投1票”的说明
//! date: 2020-08-24
//! kind: rule-change        # optional: shown as a banner on every page ...
//! until: 2020-08-31        # ... until this day (required with kind: rule-change)
//! pinned: true             # optional: first among the latest on the home page
//! ---
//! 正文……
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_yaml::{Mapping, Value};
use walkdir::WalkDir;

use crate::content::front_matter;
use crate::content::key_lines::KeyLines;
use crate::content::site_file::yaml_problem;
use crate::content::{io_message, read_text};
use crate::diagnostics::{Problem, Report};
use crate::text::unknown_key_message;

/// An announcement is a page of text; anything bigger is a mistake.
const MAX_NEWS_FILE_BYTES: u64 = 256 * 1024;

/// The front matter keys an announcement may have.
const KNOWN_KEYS: [&str; 5] = ["title", "date", "kind", "until", "pinned"];

/// One announcement (公告) that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// The file name without `.md`, e.g. `2020-08-24-one-vote-per-ip`: its URL below `news/`.
    pub id: String,
    pub path: PathBuf,
    pub title: String,
    /// The line of `title`, for messages about it.
    pub title_line: Option<usize>,
    /// The day it was published; the same as in the file name.
    pub date: Date,
    /// For a rule change (`kind: rule-change`): the last day the banner shows on every page.
    pub banner_until: Option<Date>,
    pub pinned: bool,
    /// The Markdown body, as written.
    pub body: String,
}

/// Reads every `news/*.md` under `dir` (a missing folder is no announcement), sorted newest first, then by id.
pub fn read_all(dir: &Path, report: &mut Report) -> Vec<Announcement> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut news = Vec::new();
    for entry in WalkDir::new(dir).min_depth(1).max_depth(1).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let message = e.io_error().map_or_else(|| e.to_string(), io_message);
                report.push(Problem::error(e.path().unwrap_or(dir), None, "news", message));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if !entry.file_type().is_file() || !name.ends_with(".md") {
            let message = "not an announcement; news/ holds only <date>-<slug>.md files, so this is ignored";
            report.push(Problem::warning(entry.path(), None, "news", message));
            continue;
        }
        news.extend(read_one(entry.path(), report));
    }
    duplicate_titles(&news, report);
    news.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    news
}

/// Reads one announcement file; `None` when it has an error (reported).
pub fn read_one(path: &Path, report: &mut Report) -> Option<Announcement> {
    let text = read_text(path, "file", MAX_NEWS_FILE_BYTES).map_err(|p| report.push(p)).ok()?;
    parse(path, &text, report)
}

/// Parses the text of an announcement file named `path`. Never panics, whatever the text.
pub fn parse(path: &Path, text: &str, report: &mut Report) -> Option<Announcement> {
    let errors_before = report.error_count();
    let name_date = file_name_date(path, report);
    let (fm, mapping) = front_matter_of(path, text, report)?;
    let fields = Fields { path, lines: KeyLines::index(fm.yaml, fm.yaml_first_line), map: &mapping };
    fields.unknown_keys(report);
    let title = fields.title(report);
    let date = fields.date("date", report);
    if let (Some(date), Some(named)) = (date, name_date)
        && date != named
    {
        let message = format!("{date} is not the date in the file name ({named}); make them agree");
        report.push(fields.error("date", message));
    }
    let banner_until = fields.banner_until(date, report);
    let pinned = fields.pinned(report);
    body_depth(path, &fm, report);
    if report.error_count() > errors_before {
        return None;
    }
    let id = path.file_stem()?.to_string_lossy().into_owned();
    Some(Announcement {
        id,
        path: path.to_path_buf(),
        title: title?,
        title_line: fields.lines.line("title"),
        date: date?,
        banner_until,
        pinned,
        body: fm.body.to_owned(),
    })
}

/// The front matter of `text` as a YAML mapping, or the problem that stops it being read.
fn front_matter_of<'a>(
    path: &Path,
    text: &'a str,
    report: &mut Report,
) -> Option<(front_matter::FrontMatter<'a>, Mapping)> {
    let fm = match front_matter::split(text) {
        Ok(fm) => fm,
        Err(e) => {
            let message = e.to_string().replace("a case", "an announcement");
            report.push(Problem::error(path, Some(1), "front matter", message));
            return None;
        }
    };
    if let Some(line) = front_matter::too_deep(fm.yaml) {
        let message = format!("nested deeper than {} levels of [ ] or {{ }}", front_matter::MAX_FLOW_DEPTH);
        report.push(Problem::error(path, Some(line + fm.yaml_first_line - 1), "front matter", message));
        return None;
    }
    match serde_yaml::from_str::<Value>(fm.yaml) {
        Ok(Value::Mapping(mapping)) => Some((fm, mapping)),
        Ok(_) => {
            let message = "the front matter must be fields of the form `key: value`: title, date";
            report.push(Problem::error(path, Some(fm.yaml_first_line), "front matter", message));
            None
        }
        Err(e) => {
            report.push(yaml_problem(path, fm.yaml_first_line, &e));
            None
        }
    }
}

/// A body nested too deeply for the sanitiser, on its line (as for case descriptions).
fn body_depth(path: &Path, fm: &front_matter::FrontMatter<'_>, report: &mut Report) {
    if let Some(offset) = crate::markdown::too_deep(fm.body) {
        let body_line = fm.yaml_first_line + fm.yaml.matches('\n').count() + 1;
        let line = body_line + fm.body[..offset].matches('\n').count();
        let message = format!(
            "lists, quotes or HTML elements are nested deeper than {} levels here; flatten them",
            crate::markdown::MAX_NESTING
        );
        report.push(Problem::error(path, Some(line), "body", message));
    }
}

/// The date at the start of a file name `<YYYY-MM-DD>-<slug>.md`, or a problem saying what the name must be.
fn file_name_date(path: &Path, report: &mut Report) -> Option<Date> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let parsed = stem.get(..10).and_then(|d| d.parse::<Date>().ok()).filter(|_| {
        let slug = stem.get(11..).unwrap_or_default();
        stem.as_bytes().get(10) == Some(&b'-') && is_slug(slug)
    });
    if parsed.is_none() {
        let message = format!(
            "'{stem}.md' is not named <date>-<slug>.md (a date, then lowercase ASCII letters and digits joined by \
             hyphens), e.g. 2020-08-24-vote-rules.md"
        );
        report.push(Problem::error(path, None, "file", message));
    }
    parsed
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Two announcements with one title: readers could not tell them apart.
fn duplicate_titles(news: &[Announcement], report: &mut Report) {
    let mut first: BTreeMap<&str, &Announcement> = BTreeMap::new();
    for item in news {
        match first.get(item.title.as_str()) {
            Some(earlier) => {
                let name = earlier.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let message =
                    format!("'{}' is already the title of {name}; give each announcement its own title", item.title);
                report.push(Problem::error(&item.path, item.title_line, "title", message));
            }
            None => {
                first.insert(&item.title, item);
            }
        }
    }
}

/// The front matter of one file, with the line of each key.
struct Fields<'a> {
    path: &'a Path,
    lines: KeyLines,
    map: &'a Mapping,
}

impl Fields<'_> {
    fn error(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem::error(self.path, self.lines.line(key), key, message)
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn unknown_keys(&self, report: &mut Report) {
        for key in self.map.keys() {
            let name = key.as_str().unwrap_or("?");
            if !KNOWN_KEYS.contains(&name) {
                report.push(self.error(name, unknown_key_message(name, &KNOWN_KEYS)));
            }
        }
    }

    fn title(&self, report: &mut Report) -> Option<String> {
        match self.get("title") {
            None => report.push(Problem::error(
                self.path,
                self.lines.line("title").or(Some(1)),
                "title",
                "is missing; every announcement needs a title",
            )),
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_owned()),
            Some(Value::String(_)) => report.push(self.error("title", "is empty")),
            Some(_) => report.push(self.error("title", "must be text")),
        }
        None
    }

    fn date(&self, key: &str, report: &mut Report) -> Option<Date> {
        let Some(value) = self.get(key) else {
            let line = self.lines.line(key).or(Some(1));
            report.push(Problem::error(self.path, line, key, "is missing; write the day as YYYY-MM-DD"));
            return None;
        };
        let text = match value {
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
        };
        match text.parse::<Date>() {
            Ok(date) if text.len() == 10 => Some(date),
            _ => {
                report
                    .push(self.error(key, format!("'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2020-08-24")));
                None
            }
        }
    }

    /// `until` for a rule change, which needs one; no other announcement may have one.
    fn banner_until(&self, date: Option<Date>, report: &mut Report) -> Option<Date> {
        let rule_change = match self.get("kind") {
            None => false,
            Some(Value::String(s)) if s == "rule-change" => true,
            Some(other) => {
                let shown = other.as_str().map_or_else(|| "this".to_owned(), |s| format!("'{s}'"));
                let message = format!(
                    "{shown} is not a kind of announcement; the only kind is `rule-change` (or leave `kind` out)"
                );
                report.push(self.error("kind", message));
                return None;
            }
        };
        if !rule_change {
            if self.get("until").is_some() {
                let message = "only a rule change is shown until a date; add `kind: rule-change` or remove `until`";
                report.push(self.error("until", message));
            }
            return None;
        }
        if self.get("until").is_none() {
            let message = "is missing: a rule change is shown as a banner on every page until this day (YYYY-MM-DD)";
            report.push(Problem::error(self.path, self.lines.line("kind"), "until", message));
            return None;
        }
        let until = self.date("until", report)?;
        if let Some(date) = date
            && until < date
        {
            report.push(self.error("until", format!("{until} is before the announcement's date {date}")));
            return None;
        }
        Some(until)
    }

    fn pinned(&self, report: &mut Report) -> bool {
        match self.get("pinned") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                report.push(self.error("pinned", "must be true or false"));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(name: &str, text: &str) -> (Option<Announcement>, Vec<String>) {
        let mut report = Report::default();
        let parsed = parse(Path::new(name), text, &mut report);
        let lines = report.sorted().iter().map(|p| format!("{:?}: {}: {}", p.line, p.field, p.message)).collect();
        (parsed, lines)
    }

    #[test]
    fn a_rule_change_is_shown_until_its_day() {
        let text =
            "---\ntitle: 说明\ndate: 2020-08-24\nkind: rule-change\nuntil: 2020-08-31\npinned: true\n---\n正文\n";
        let (parsed, problems) = problems("2020-08-24-vote-rules.md", text);
        assert!(problems.is_empty(), "{problems:?}");
        let parsed = parsed.expect("valid");
        assert_eq!(parsed.id, "2020-08-24-vote-rules");
        assert_eq!(parsed.banner_until, Some(jiff::civil::date(2020, 8, 31)));
        assert!(parsed.pinned);
        assert_eq!(parsed.body, "正文\n");
    }

    #[test]
    fn every_field_is_checked_on_its_line() {
        let text = "---\ntitel: 说明\ndate: 2020-08-25\nkind: rules\nuntil: 2020-08-31\npinned: yes please\n---\n";
        let (parsed, problems) = problems("2020-08-24-vote-rules.md", text);
        assert!(parsed.is_none());
        assert_eq!(
            problems,
            [
                "Some(1): title: is missing; every announcement needs a title",
                "Some(2): titel: unknown field; did you mean `title`?",
                "Some(3): date: 2020-08-25 is not the date in the file name (2020-08-24); make them agree",
                "Some(4): kind: 'rules' is not a kind of announcement; the only kind is `rule-change` (or leave `kind` out)",
                "Some(6): pinned: must be true or false",
            ]
        );
    }

    #[test]
    fn the_file_name_is_a_date_and_a_slug() {
        let text = "---\ntitle: 说明\ndate: 2020-08-24\n---\n";
        for name in ["vote-rules.md", "2020-08-24.md", "2020-08-24-Vote_Rules.md", "2020-13-01-x.md"] {
            let (parsed, problems) = problems(name, text);
            assert!(parsed.is_none(), "{name}");
            assert_eq!(problems.len(), 1, "{name}: {problems:?}");
            assert!(problems[0].starts_with("None: file: '"), "{problems:?}");
        }
    }

    #[test]
    fn until_belongs_to_a_rule_change_and_follows_the_date() {
        let (_, only) = problems("2020-08-24-a.md", "---\ntitle: a\ndate: 2020-08-24\nuntil: 2020-08-31\n---\n");
        assert_eq!(
            only,
            ["Some(4): until: only a rule change is shown until a date; add `kind: rule-change` or remove `until`"]
        );
        let (_, missing) = problems("2020-08-24-a.md", "---\ntitle: a\ndate: 2020-08-24\nkind: rule-change\n---\n");
        assert_eq!(
            missing,
            [
                "Some(4): until: is missing: a rule change is shown as a banner on every page until this day (YYYY-MM-DD)"
            ]
        );
        let (_, before) =
            problems("2020-08-24-a.md", "---\ntitle: a\ndate: 2020-08-24\nkind: rule-change\nuntil: 2020-08-01\n---\n");
        assert_eq!(before, ["Some(5): until: 2020-08-01 is before the announcement's date 2020-08-24"]);
        let (_, bad) = problems("2020-08-24-a.md", "---\ntitle: a\ndate: 24.8.2020\n---\n");
        assert_eq!(bad, ["Some(3): date: '24.8.2020' is not a date; write it as YYYY-MM-DD, e.g. 2020-08-24"]);
    }
}
