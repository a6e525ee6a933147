//! Decisions on the count (`content/votes/decisions.yaml`): what people decided about ballot stuffing, each naming
//! a finding of `review` or a case with networks and a time span, an action, who decided, when and why. Votes are
//! never deleted: the export applies the decisions to the audit log and says, per case, how many votes were cast
//! and how many each decision took out of the count.
//!
//! | action | covers | |
//! | --- | --- | --- |
//! | `void` | the votes of a finding, or of `case` from `networks` between `from` and `to` | those votes do not count |
//! | `suspend` | a `case`'s votes between `from` and `to` | those votes do not count |
//! | `disqualify` | a `case` | the case leaves the selection; none of its votes count |
//!
//! A vote covered by several decisions is taken out by the first of them in the file.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::store::ballot::AuditRecord;

/// What a decision does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 作废: the votes covered are not counted.
    Void,
    /// 暂停计票: a case's votes from a time span are not counted.
    Suspend,
    /// 取消资格: the case leaves the selection.
    Disqualify,
}

/// One decision as editors write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// A short stable id, e.g. `D1`: how the integrity statement and the receipt check name it.
    pub id: String,
    pub action: Action,
    /// The id of a finding of `vote-service review` whose votes this decision covers.
    #[serde(default)]
    pub finding: Option<String>,
    #[serde(default)]
    pub case: Option<String>,
    /// Networks as the audit log holds them (`a.b.c.0/24`, `x:y:z::/48`); none means all.
    #[serde(default)]
    pub networks: Vec<String>,
    /// Start of the span, included (RFC 3339 with offset).
    #[serde(default)]
    pub from: Option<Timestamp>,
    /// End of the span, excluded.
    #[serde(default)]
    pub to: Option<Timestamp>,
    /// Who decided (a body and its members), for the published statement.
    pub decided_by: String,
    pub decided_on: jiff::civil::Date,
    /// Why, in words a citizen understands.
    pub reason: String,
}

/// Which audit records a decision covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Selector {
    pub case: String,
    #[serde(default)]
    pub networks: Vec<String>,
    #[serde(default)]
    pub from: Option<Timestamp>,
    #[serde(default)]
    pub to: Option<Timestamp>,
    /// Only votes with this User-Agent hash.
    #[serde(default)]
    pub ua: Option<String>,
    /// Only votes sent this way (`js` or `form`).
    #[serde(default)]
    pub via: Option<String>,
    /// Only votes from this site (empty: from no named site).
    #[serde(default)]
    pub site: Option<String>,
}

impl Selector {
    pub fn covers(&self, record: &AuditRecord) -> bool {
        if record.case != self.case {
            return false;
        }
        if !self.networks.is_empty() && !self.networks.contains(&record.network) {
            return false;
        }
        if self.from.is_some() || self.to.is_some() {
            let Ok(at) = record.at.parse::<Timestamp>() else { return false };
            if self.from.is_some_and(|from| at < from) || self.to.is_some_and(|to| at >= to) {
                return false;
            }
        }
        let matches = |wanted: &Option<String>, actual: &Option<String>| {
            wanted.as_ref().is_none_or(|w| actual.as_ref() == Some(w))
        };
        matches(&self.ua, &record.ua) && matches(&self.via, &record.via) && matches(&self.site, &record.site)
    }
}

/// A finding of `vote-service review` as its JSON report gives it: its id and the votes it covers.
#[derive(Debug, Clone, Deserialize)]
pub struct FindingRef {
    pub id: String,
    pub covers: Selector,
}

/// The decisions of a file, each with the votes it covers.
#[derive(Debug, Clone)]
pub struct Decisions {
    pub list: Vec<(Decision, Selector)>,
}

/// Why a decisions file cannot be applied.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Decisions {
    /// Reads `path`; decisions that name a finding are resolved in `findings` (the review's JSON lines).
    pub fn load(path: &Path, findings: Option<&Path>) -> Result<Self, DecisionError> {
        let name = path.display().to_string();
        let invalid = |message: String| DecisionError::Invalid { path: name.clone(), message };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(format!("cannot be read: {e}")))?;
        let findings = match findings {
            Some(file) => read_findings(file)?,
            None => BTreeMap::new(),
        };
        Self::parse(&text, &findings).map_err(invalid)
    }

    /// Parses decisions; errors name the line (YAML syntax) or the decision's id.
    pub fn parse(text: &str, findings: &BTreeMap<String, Selector>) -> Result<Self, String> {
        let decisions: Vec<Decision> = if text.trim().is_empty() {
            Vec::new()
        } else {
            serde_yaml::from_str(text).map_err(|e| match e.location() {
                Some(at) => format!("line {}: {e}", at.line()),
                None => e.to_string(),
            })?
        };
        let mut list = Vec::with_capacity(decisions.len());
        let mut seen = std::collections::BTreeSet::new();
        for decision in decisions {
            if !seen.insert(decision.id.clone()) {
                return Err(format!("decision {}: the id is used twice", decision.id));
            }
            let selector = selector_of(&decision, findings).map_err(|m| format!("decision {}: {m}", decision.id))?;
            list.push((decision, selector));
        }
        Ok(Decisions { list })
    }

    /// The first decision that takes `record` out of the count.
    pub fn covering(&self, record: &AuditRecord) -> Option<&Decision> {
        self.list.iter().find(|(_, selector)| selector.covers(record)).map(|(decision, _)| decision)
    }
}

fn selector_of(decision: &Decision, findings: &BTreeMap<String, Selector>) -> Result<Selector, String> {
    let span = decision.from.is_some() || decision.to.is_some();
    if let (Some(from), Some(to)) = (decision.from, decision.to)
        && from >= to
    {
        return Err(format!("from ({from}) is not before to ({to})"));
    }
    let explicit = || -> Result<Selector, String> {
        let case = decision.case.clone().ok_or("names no case (case:) and no finding (finding:)")?;
        Ok(Selector {
            case,
            networks: decision.networks.clone(),
            from: decision.from,
            to: decision.to,
            ..Selector::default()
        })
    };
    match decision.action {
        Action::Void => match &decision.finding {
            Some(id) => {
                if decision.case.is_some() || !decision.networks.is_empty() || span {
                    return Err("names a finding and also case, networks or a span: give one or the other".to_owned());
                }
                findings.get(id).cloned().ok_or_else(|| {
                    format!("finding '{id}' is not in the review report (give the report with --findings)")
                })
            }
            None if decision.networks.is_empty() && !span => Err(
                "a void names a finding, or networks or a span of its case (to take a whole case out, disqualify it)"
                    .to_owned(),
            ),
            None => explicit(),
        },
        Action::Suspend => {
            if decision.finding.is_some() || !decision.networks.is_empty() {
                return Err("a suspension names a case and a span (from, to), not a finding or networks".to_owned());
            }
            if decision.from.is_none() || decision.to.is_none() {
                return Err("a suspension needs both from and to".to_owned());
            }
            explicit()
        }
        Action::Disqualify => {
            if decision.finding.is_some() || !decision.networks.is_empty() || span {
                return Err("a disqualification names only its case".to_owned());
            }
            explicit()
        }
    }
}

/// The findings of a review report (`vote-service review --format json`), by id.
fn read_findings(path: &Path) -> Result<BTreeMap<String, Selector>, DecisionError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| DecisionError::Invalid { path: name.clone(), message: format!("cannot be read: {e}") })?;
    let mut findings = BTreeMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let finding: FindingRef = serde_json::from_str(line).map_err(|e| DecisionError::Invalid {
            path: format!("{name}:{}", n + 1),
            message: format!("not a finding of vote-service review: {e}"),
        })?;
        findings.insert(finding.id, finding.covers);
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(case: &str, network: &str, at: &str) -> AuditRecord {
        serde_json::from_value(serde_json::json!({"at": at, "day": "2020-08-25", "case": case, "scope": "",
            "client": "00", "network": network, "receipt": "R", "ua": "abcd", "via": "form", "site": ""}))
        .expect("record")
    }

    const FILE: &str = r#"
- id: D1
  action: void
  case: a
  networks: [10.0.1.0/24]
  from: 2020-08-25T03:00:00+08:00
  to: 2020-08-25T04:00:00+08:00
  decided_by: 评选工作组
  decided_on: 2020-09-02
  reason: 凌晨集中投票
- id: D2
  action: void
  finding: burst-b
  decided_by: 评选工作组
  decided_on: 2020-09-02
  reason: 短时激增
- id: D3
  action: disqualify
  case: c
  decided_by: 评选工作组
  decided_on: 2020-09-03
  reason: 组织刷票
"#;

    fn findings() -> BTreeMap<String, Selector> {
        let burst = Selector { case: "b".to_owned(), ua: Some("abcd".to_owned()), ..Selector::default() };
        [("burst-b".to_owned(), burst)].into()
    }

    #[test]
    fn each_action_covers_what_it_says() {
        let decisions = Decisions::parse(FILE, &findings()).expect("valid");
        let id = |r: &AuditRecord| decisions.covering(r).map(|d| d.id.clone());
        assert_eq!(id(&record("a", "10.0.1.0/24", "2020-08-24T19:30:00Z")), Some("D1".to_owned()), "03:30 local");
        assert_eq!(id(&record("a", "10.0.1.0/24", "2020-08-24T20:00:00Z")), None, "04:00 is after the span");
        assert_eq!(id(&record("a", "10.0.2.0/24", "2020-08-24T19:30:00Z")), None, "another network");
        assert_eq!(id(&record("b", "10.0.2.0/24", "2020-08-24T10:00:00Z")), Some("D2".to_owned()), "by the finding");
        assert_eq!(id(&record("c", "10.9.9.0/24", "2020-08-28T10:00:00Z")), Some("D3".to_owned()));
    }

    #[test]
    fn incomplete_or_contradictory_decisions_are_refused() {
        for (change, expected) in [
            ("finding: burst-b", "finding 'burst-x' is not in the review report"),
            ("action: disqualify\n  case: c", "decision D3: the id is used twice"),
        ] {
            let text = match change {
                "finding: burst-b" => FILE.replace("finding: burst-b", "finding: burst-x"),
                _ => FILE.replace("id: D3", "id: D1"),
            };
            let message = Decisions::parse(&text, &findings()).expect_err("refused");
            assert!(message.contains(expected) || message.contains("D1: the id is used twice"), "{message}");
        }
        let no_span = "- {id: S, action: suspend, case: a, from: 2020-08-25T03:00:00+08:00, decided_by: x, decided_on: 2020-09-01, reason: y}";
        assert!(Decisions::parse(no_span, &BTreeMap::new()).expect_err("refused").contains("both from and to"));
        let whole_case = "- {id: V, action: void, case: a, decided_by: x, decided_on: 2020-09-01, reason: y}";
        assert!(Decisions::parse(whole_case, &BTreeMap::new()).expect_err("refused").contains("disqualify"));
        let typo = "- {id: V, action: zero, case: a, decided_by: x, decided_on: 2020-09-01, reason: y}";
        assert!(Decisions::parse(typo, &BTreeMap::new()).expect_err("refused").contains("line 1"));
        assert!(Decisions::parse("", &BTreeMap::new()).expect("no decisions").list.is_empty());
    }
}
