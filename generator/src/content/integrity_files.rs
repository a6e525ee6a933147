//! Reads the inputs of the integrity statement (诚信声明), each on its own: `votes/decisions.yaml` (people's
//! decisions on ballot stuffing), `votes/review.jsonl` (the findings of `vote-service review --format json`) and
//! `votes/receipts.jsonl` (`vote-service export --receipts`: every vote's receipt and fate; PRIVATE, never copied
//! to `output/`, only hashed: [`super::receipts_file`]). [`crate::results::integrity`] checks them against the cases and the tally.

use std::collections::BTreeMap;

use serde::Deserialize;
use vote_service::decisions::{Action, Decisions};
use vote_service::review::Covers;

use crate::content::result_files::InputFile;
use crate::content::site_file::yaml_problem;
use crate::diagnostics::{Problem, Report};
use crate::text::did_you_mean;

/// The keys a decision may have.
const DECISION_KEYS: [&str; 10] =
    ["id", "action", "finding", "case", "networks", "from", "to", "decided_by", "decided_on", "reason"];

/// One decision as the file states it, with its place in the file.
#[derive(Debug, Clone)]
pub struct Decision {
    /// 0-based position in the file; its keys are `[index].<key>` in [`InputFile::lines`].
    pub index: usize,
    pub id: String,
    pub action: Action,
    pub case: Option<String>,
    pub finding: Option<String>,
}

/// `votes/decisions.yaml`.
#[derive(Debug, Clone)]
pub struct DecisionsFile {
    pub file: InputFile,
    pub decisions: Vec<Decision>,
}

impl DecisionsFile {
    /// A problem at key `key` (e.g. `case`) of the decision at `index`.
    pub fn error(&self, index: usize, key: &str, message: impl Into<String>) -> Problem {
        let path = if key.is_empty() { format!("[{index}]") } else { format!("[{index}].{key}") };
        Problem::error(&self.file.path, self.file.lines.line(&path), &field(index, key), message)
    }
}

/// A finding of the review report.
#[derive(Debug, Clone)]
pub struct Finding {
    pub id: String,
    pub rule: String,
    pub case: String,
    /// 1-based line in the report.
    pub line: usize,
    pub covers: Covers,
}

/// `votes/review.jsonl`.
#[derive(Debug, Clone)]
pub struct ReviewFile {
    pub file: InputFile,
    pub findings: Vec<Finding>,
}

/// The display name of key `key` of decision `index`: `decisions[2].case`.
fn field(index: usize, key: &str) -> String {
    if key.is_empty() { format!("decisions[{index}]") } else { format!("decisions[{index}].{key}") }
}

/// Parses `votes/decisions.yaml`; `review` resolves the findings decisions name.
pub fn parse_decisions(file: InputFile, review: Option<&ReviewFile>, report: &mut Report) -> Option<DecisionsFile> {
    let errors_before = report.error_count();
    let value: serde_yaml::Value = match serde_yaml::from_str(&file.text) {
        Ok(value) => value,
        Err(e) => {
            report.push(yaml_problem(&file.path, 1, &e));
            return None;
        }
    };
    let items = match value {
        serde_yaml::Value::Sequence(items) => items,
        serde_yaml::Value::Null => Vec::new(),
        _ => {
            report.push(Problem::error(
                &file.path,
                Some(1),
                "decisions",
                "must be a list of decisions, each starting with `- id: D1`",
            ));
            return None;
        }
    };
    let mut out = DecisionsFile { file, decisions: Vec::new() };
    let mut first_of: BTreeMap<String, usize> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(id) = item.get("id").and_then(scalar_text) {
            if let Some(&first) = first_of.get(&id) {
                let line = out.file.lines.line(&format!("[{first}].id")).unwrap_or(1);
                let message = format!("the id '{id}' is used twice (first on line {line}); give each decision its own");
                report.push(out.error(index, "id", message));
            } else {
                first_of.insert(id, index);
            }
        }
        if let Some(decision) = parse_decision(&out, index, item, report) {
            out.decisions.push(decision);
        }
    }
    if report.error_count() == errors_before {
        // The rules on what a decision may combine are the vote service's own, so that what passes here the export
        // accepts too. Findings not in the report are reported against the cases, so here any named one resolves.
        let mut findings: BTreeMap<String, Covers> =
            review.iter().flat_map(|r| &r.findings).map(|f| (f.id.clone(), f.covers.clone())).collect();
        for finding in out.decisions.iter().filter_map(|d| d.finding.clone()) {
            findings
                .entry(finding)
                .or_insert_with(|| Covers::span("", jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::UNIX_EPOCH));
        }
        if let Err(message) = Decisions::parse(&out.file.text, &findings) {
            let (id, message) = message
                .strip_prefix("decision ")
                .and_then(|rest| rest.split_once(": "))
                .unwrap_or(("", message.as_str()));
            let index = out.decisions.iter().find(|d| d.id == id).map_or(0, |d| d.index);
            report.push(out.error(index, "", message.to_owned()));
        }
    }
    Some(out)
}

/// One decision's fields, each checked; `None` when its id or action is unusable.
fn parse_decision(
    file: &DecisionsFile,
    index: usize,
    item: &serde_yaml::Value,
    report: &mut Report,
) -> Option<Decision> {
    let Some(map) = item.as_mapping() else {
        report.push(file.error(
            index,
            "",
            "must be a decision: id, action, case or finding, decided_by, decided_on, reason",
        ));
        return None;
    };
    let text = |key: &str| map.get(key).and_then(scalar_text);
    for key in map.keys() {
        let name = key.as_str().unwrap_or("?");
        if !DECISION_KEYS.contains(&name) {
            let hint =
                did_you_mean(name, &DECISION_KEYS).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            report.push(file.error(index, name, format!("unknown field '{name}'{hint}")));
        }
    }
    for key in ["id", "action", "decided_by", "decided_on", "reason"] {
        match map.get(key) {
            None => report.push(file.error(index, "", format!("{key} is missing; {}", why_required(key)))),
            Some(v) if text_or_none(v).is_none() => {
                report.push(file.error(index, key, format!("must be text; {}", why_required(key))));
            }
            Some(_) => {}
        }
    }
    for key in ["case", "finding"] {
        if map.get(key).is_some_and(|v| text_or_none(v).is_none()) {
            report.push(file.error(index, key, "must be text"));
        }
    }
    let action = match text("action").as_deref() {
        Some("void") => Some(Action::Void),
        Some("suspend") => Some(Action::Suspend),
        Some("disqualify") => Some(Action::Disqualify),
        Some(other) => {
            report.push(file.error(
                index,
                "action",
                format!("'{other}' is not an action: void (作废), suspend (暂停计票) or disqualify (取消资格)"),
            ));
            None
        }
        None => None,
    };
    if let Some(day) = text("decided_on")
        && day.parse::<jiff::civil::Date>().is_err()
    {
        report.push(file.error(index, "decided_on", format!("'{day}' is not a date such as 2020-09-02")));
    }
    for key in ["from", "to"] {
        if let Some(at) = map.get(key).and_then(text_or_none)
            && at.parse::<jiff::Timestamp>().is_err()
        {
            report.push(file.error(
                index,
                key,
                format!("'{at}' is not a time with its offset, such as 2020-08-25T03:00:00+08:00"),
            ));
        }
    }
    if let Some(networks) = map.get("networks") {
        let list = networks.as_sequence().map(|s| s.iter().all(|n| n.as_str().is_some()));
        if list != Some(true) {
            report.push(file.error(
                index,
                "networks",
                "must be a list of networks as the audit log holds them, e.g. [10.0.1.0/24]",
            ));
        }
    }
    Some(Decision { index, id: text("id")?, action: action?, case: text("case"), finding: text("finding") })
}

/// Why a decision must say `key`, for the message that it does not.
fn why_required(key: &str) -> &'static str {
    match key {
        "id" => "the integrity statement and the receipt check name a decision by it, e.g. D1",
        "action" => "say void, suspend or disqualify",
        "decided_by" => "say who decided (the body and its members)",
        "decided_on" => "say on which day, e.g. 2020-09-02",
        _ => "say why, in words a citizen understands",
    }
}

/// A string value, trimmed, when not empty.
fn scalar_text(value: &serde_yaml::Value) -> Option<String> {
    text_or_none(value).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn text_or_none(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A line of the review report: the fields the hall uses; the rest (evidence, strength) is published as is.
#[derive(Deserialize)]
struct FindingLine {
    id: String,
    rule: String,
    case: String,
    #[allow(dead_code, reason = "required by the report's format, not shown")]
    from: String,
    #[allow(dead_code, reason = "required by the report's format, not shown")]
    to: String,
    #[allow(dead_code, reason = "required by the report's format, not shown")]
    votes: u64,
    #[allow(dead_code, reason = "required by the report's format; networks are never shown")]
    networks: Vec<String>,
    covers: Covers,
}

/// Parses `votes/review.jsonl`, one finding a line.
pub fn parse_review(file: InputFile, report: &mut Report) -> Option<ReviewFile> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    for (n, line) in file.text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_number = n + 1;
        match serde_json::from_str::<FindingLine>(line) {
            Ok(f) => {
                if let Some(earlier) = first.insert(f.id.clone(), line_number) {
                    first.insert(f.id.clone(), earlier);
                    report.push(Problem::error(
                        &file.path,
                        Some(line_number),
                        "id",
                        format!("the finding '{}' is listed twice (first on line {earlier})", f.id),
                    ));
                    continue;
                }
                findings.push(Finding { id: f.id, rule: f.rule, case: f.case, line: line_number, covers: f.covers });
            }
            Err(e) => {
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
                report.push(Problem::error(
                    &file.path,
                    Some(line_number),
                    "finding",
                    format!("{message}; each line must be a finding as `vote-service review --format json` writes it"),
                ));
            }
        }
    }
    Some(ReviewFile { file, findings })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::content::key_lines::KeyLines;

    fn input(name: &str, text: &str) -> InputFile {
        InputFile {
            path: PathBuf::from(name),
            name: name.to_owned(),
            sha256: String::new(),
            text: text.to_owned(),
            lines: KeyLines::index(text, 1),
        }
    }

    fn problems(report: &Report) -> Vec<String> {
        report.sorted().iter().map(|p| p.to_string()).collect()
    }

    const GOOD: &str = "- id: D1\n  action: void\n  case: a\n  networks: [10.0.1.0/24]\n  from: 2020-08-25T03:00:00+08:00\n  to: 2020-08-25T04:00:00+08:00\n  decided_by: 工作组\n  decided_on: 2020-09-02\n  reason: 凌晨集中投票\n";

    #[test]
    fn a_valid_decision_is_read() {
        let mut report = Report::default();
        let file = parse_decisions(input("d.yaml", GOOD), None, &mut report).expect("parsed");
        assert!(problems(&report).is_empty(), "{:?}", problems(&report));
        assert_eq!((file.decisions[0].id.as_str(), file.decisions[0].action), ("D1", Action::Void));
    }

    #[test]
    fn every_field_of_a_decision_is_checked_with_its_line() {
        let text = GOOD
            .replace("action: void", "action: zero")
            .replace("decided_on: 2020-09-02", "decided_on: 9月2日")
            .replace("reason: 凌晨集中投票\n", "reson: x\n")
            + "- id: D1\n  action: suspend\n  case: a\n  from: 2020-08-25T05:00:00+08:00\n  to: 2020-08-25\n  decided_by: x\n  decided_on: 2020-09-02\n  reason: y\n";
        let mut report = Report::default();
        parse_decisions(input("d.yaml", &text), None, &mut report);
        assert_eq!(
            problems(&report),
            [
                "d.yaml:1: decisions[0]: reason is missing; say why, in words a citizen understands",
                "d.yaml:2: decisions[0].action: 'zero' is not an action: void (作废), suspend (暂停计票) or disqualify (取消资格)",
                "d.yaml:8: decisions[0].decided_on: '9月2日' is not a date such as 2020-09-02",
                "d.yaml:9: decisions[0].reson: unknown field 'reson' (did you mean 'reason'?)",
                "d.yaml:10: decisions[1].id: the id 'D1' is used twice (first on line 1); give each decision its own",
                "d.yaml:14: decisions[1].to: '2020-08-25' is not a time with its offset, such as 2020-08-25T03:00:00+08:00",
            ]
        );
    }

    #[test]
    fn what_a_decision_may_combine_follows_the_vote_service() {
        let text = "- {id: S1, action: suspend, case: a, from: 2020-08-25T03:00:00+08:00, decided_by: x, decided_on: 2020-09-01, reason: y}\n";
        let mut report = Report::default();
        parse_decisions(input("d.yaml", text), None, &mut report);
        assert_eq!(problems(&report), ["d.yaml:1: decisions[0]: a suspension needs both from and to"]);
    }

    #[test]
    fn review_lines_must_be_findings() {
        let line = r#"{"id":"F1","rule":"burst","case":"a","from":"x","to":"y","votes":3,"networks":[],"covers":{"case":"a","from":"2020-08-23T02:00:00Z","to":"2020-08-23T03:00:00Z"}}"#;
        let mut report = Report::default();
        let review =
            parse_review(input("r.jsonl", &format!("{line}\n{line}\n{{\"id\":\"F2\"}}\n")), &mut report).expect("read");
        assert_eq!(review.findings.len(), 1);
        assert_eq!(
            problems(&report),
            [
                "r.jsonl:2: id: the finding 'F1' is listed twice (first on line 1)",
                "r.jsonl:3: finding: missing field `rule`; each line must be a finding as `vote-service review --format json` writes it",
            ]
        );
    }
}
