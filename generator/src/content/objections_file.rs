//! `content/objections.yaml`: each objection received during the publicity period (公示) and how it was handled,
//! read and checked field by field (`path:line: field: message`). [`crate::results::objections`] checks it against
//! the cases, the period and the decisions.
//!
//! ```yaml
//! - number: 1
//!   received: 2020-09-29
//!   case: smart-farming-laixi
//!   summary: 反映该案例的投入运营时间与申报材料不符。      # names no one
//!   handling: 评选办公室调阅申报材料，并向推荐单位核实了运营记录。
//!   outcome: not-upheld        # not-upheld (不属实) | upheld (属实，已纠正) | removed (属实，取消资格)
//!   outcome_date: 2020-10-09
//! ```

use std::path::Path;

use jiff::civil::Date;
use serde_yaml::Value;

use crate::content::result_files::{InputFile, read_input};
use crate::content::site_file::yaml_problem;
use crate::diagnostics::{Problem, Report};
use crate::text::unknown_key_message;

const KNOWN_KEYS: [&str; 7] = ["number", "received", "case", "summary", "handling", "outcome", "outcome_date"];

/// What came of an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// 经核查，反映的问题不属实
    NotUpheld,
    /// 经核查属实，已纠正（案例保留）
    Upheld,
    /// 经核查属实，取消该案例评选资格: only through a `disqualify` decision.
    Removed,
}

impl Outcome {
    pub fn text(self) -> &'static str {
        match self {
            Outcome::NotUpheld => "经核查，反映的问题不属实，维持拟评选结果",
            Outcome::Upheld => "经核查，反映的问题属实，已予纠正",
            Outcome::Removed => "经核查，反映的问题属实，取消该案例评选资格",
        }
    }
}

/// One objection (异议).
#[derive(Debug, Clone)]
pub struct Objection {
    /// Its place in the file, for messages.
    pub index: usize,
    pub number: u64,
    pub received: Date,
    pub case: String,
    /// What the objection says, naming no one.
    pub summary: String,
    /// How it was checked.
    pub handling: String,
    pub outcome: Outcome,
    pub outcome_date: Date,
}

/// `objections.yaml` as read.
#[derive(Debug, Clone)]
pub struct ObjectionsFile {
    pub file: InputFile,
    pub objections: Vec<Objection>,
}

impl ObjectionsFile {
    /// A problem at `key` of the objection at `index`.
    pub fn error(&self, index: usize, key: &str, message: impl Into<String>) -> Problem {
        at(&self.file, index, key, message)
    }
}

fn at(file: &InputFile, index: usize, key: &str, message: impl Into<String>) -> Problem {
    let path = format!("[{index}].{key}");
    Problem::error(&file.path, file.lines.line(&path), &path, message)
}

/// The path of the objections file under the content folder `root`.
pub fn path(root: &Path) -> std::path::PathBuf {
    root.join("objections.yaml")
}

/// Reads `root/objections.yaml` when it exists; `None` when it does not or cannot be read (reported).
pub fn read(root: &Path, report: &mut Report) -> Option<ObjectionsFile> {
    let path = path(root);
    if !path.exists() {
        return None;
    }
    let file = read_input(root, &path, report)?;
    let items = match serde_yaml::from_str::<Value>(&file.text) {
        Ok(Value::Sequence(items)) => items,
        Ok(Value::Null) => Vec::new(),
        Ok(_) => {
            let message = "must be a list of objections, each starting with `- number: 1`";
            report.push(Problem::error(&file.path, Some(1), "objections", message));
            return None;
        }
        Err(e) => {
            report.push(yaml_problem(&file.path, 1, &e));
            return None;
        }
    };
    let objections = items.iter().enumerate().filter_map(|(i, item)| parse_one(&file, i, item, report)).collect();
    Some(ObjectionsFile { file, objections })
}

fn parse_one(file: &InputFile, index: usize, item: &Value, report: &mut Report) -> Option<Objection> {
    let Value::Mapping(map) = item else {
        report.push(at(file, index, "number", "must be fields such as `number: 1`, `received: 2020-09-29`"));
        return None;
    };
    let errors_before = report.error_count();
    for key in map.keys() {
        let name = key.as_str().unwrap_or("?");
        if !KNOWN_KEYS.contains(&name) {
            report.push(at(file, index, name, unknown_key_message(name, &KNOWN_KEYS)));
        }
    }
    let item = Item { file, index, map };
    let number = item.number(report);
    let received = item.date("received", report);
    let case = item.text("case", report);
    let summary = item.text("summary", report);
    let handling = item.text("handling", report);
    let outcome = item.outcome(report);
    let outcome_date = item.date("outcome_date", report);
    if let (Some(received), Some(decided)) = (received, outcome_date)
        && decided < received
    {
        let message = format!("{decided} is before the objection was received ({received})");
        report.push(at(file, index, "outcome_date", message));
    }
    if report.error_count() > errors_before {
        return None;
    }
    Some(Objection {
        index,
        number: number?,
        received: received?,
        case: case?,
        summary: summary?,
        handling: handling?,
        outcome: outcome?,
        outcome_date: outcome_date?,
    })
}

/// One objection's fields, with where they are.
struct Item<'a> {
    file: &'a InputFile,
    index: usize,
    map: &'a serde_yaml::Mapping,
}

impl Item<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str, report: &mut Report) {
        let line = self.file.lines.line(&format!("[{}]", self.index));
        report.push(Problem::error(&self.file.path, line, &format!("[{}].{key}", self.index), "is missing"));
    }

    fn text(&self, key: &str, report: &mut Report) -> Option<String> {
        match self.get(key) {
            None => self.missing(key, report),
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_owned()),
            Some(Value::String(_)) => report.push(at(self.file, self.index, key, "is empty")),
            Some(_) => report.push(at(self.file, self.index, key, "must be text")),
        }
        None
    }

    fn date(&self, key: &str, report: &mut Report) -> Option<Date> {
        let value = match self.get(key) {
            None => {
                self.missing(key, report);
                return None;
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
        };
        let parsed = value.parse::<Date>().ok().filter(|_| value.len() == 10);
        if parsed.is_none() {
            report.push(at(self.file, self.index, key, format!("'{value}' is not a date; write it as YYYY-MM-DD")));
        }
        parsed
    }

    fn number(&self, report: &mut Report) -> Option<u64> {
        match self.get("number") {
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => n.as_u64(),
            None => {
                self.missing("number", report);
                None
            }
            Some(_) => {
                report.push(at(self.file, self.index, "number", "must be a whole number from 1"));
                None
            }
        }
    }

    fn outcome(&self, report: &mut Report) -> Option<Outcome> {
        match self.text("outcome", report).as_deref() {
            Some("not-upheld") => Some(Outcome::NotUpheld),
            Some("upheld") => Some(Outcome::Upheld),
            Some("removed") => Some(Outcome::Removed),
            Some(other) => {
                let message = format!("'{other}' is not an outcome: not-upheld, upheld or removed");
                report.push(at(self.file, self.index, "outcome", message));
                None
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Option<ObjectionsFile>, Vec<String>) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("objections.yaml"), text).expect("write");
        let mut report = Report::default();
        let file = read(dir.path(), &mut report);
        let problems = report.sorted().iter().map(|p| format!("{:?}: {}: {}", p.line, p.field, p.message)).collect();
        (file, problems)
    }

    #[test]
    fn every_field_is_checked_on_its_line() {
        let text = "- number: 1\n  received: 2020-09-29\n  case: a\n  summary: 反映\n  handling: 核实\n  outcome: \
                    rejected\n  outcome_date: 2020-09-01\n  recieved: x\n- number: 2\n  received: 2020-09-30\n";
        let (file, problems) = read_text(text);
        assert_eq!(
            problems,
            [
                "Some(6): [0].outcome: 'rejected' is not an outcome: not-upheld, upheld or removed",
                "Some(7): [0].outcome_date: 2020-09-01 is before the objection was received (2020-09-29)",
                "Some(8): [0].recieved: unknown field; did you mean `received`?",
                "Some(9): [1].case: is missing",
                "Some(9): [1].handling: is missing",
                "Some(9): [1].outcome: is missing",
                "Some(9): [1].outcome_date: is missing",
                "Some(9): [1].summary: is missing",
            ]
        );
        assert!(file.expect("read").objections.is_empty());
    }
}
