//! A finding: what a rule saw, in numbers, and exactly which votes it covers ([`Covers`]), so that a decision
//! naming it voids those votes and no others.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::record::Vote;

/// The rule that raised a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Burst,
    Concentration,
    Lockstep,
    Night,
    NoVisit,
}

impl Rule {
    pub const ALL: [Rule; 5] = [Rule::Burst, Rule::Concentration, Rule::Lockstep, Rule::Night, Rule::NoVisit];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Burst => "burst",
            Rule::Concentration => "concentration",
            Rule::Lockstep => "lockstep",
            Rule::Night => "night",
            Rule::NoVisit => "no_visit",
        }
    }
}

/// How sure a rule is: `low`, `medium` or `high`, from [`Finding::strength`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// One finding, as `review` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable: the rule, the case and the first minute covered (UTC), e.g. `burst-a-202008250700Z`
    /// (`concentration-ua-...` for a User-Agent's concentration; `-2`, `-3` after a repeated id).
    pub id: String,
    pub rule: Rule,
    pub case: String,
    pub from: Timestamp,
    pub to: Timestamp,
    /// The votes of the input that [`Finding::covers`] is true for.
    pub votes: u64,
    /// The networks of those votes, as stored, sorted.
    pub networks: Vec<String>,
    /// 0..1: 0.5 when the rule's ratio (observed against expected) is 10, 1 from 100 on.
    pub strength: f64,
    /// `low` below 0.34, `high` from 0.67.
    pub level: Level,
    /// The numbers behind the finding (observed, expected, ratio, shares ...), named per rule.
    pub evidence: BTreeMap<String, f64>,
    pub covers: Covers,
}

/// Exactly which audit records a finding covers: all conditions hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Covers {
    pub case: String,
    /// `from <= at < to`.
    pub from: Timestamp,
    pub to: Timestamp,
    /// The record's network is one of these (sorted); empty: any network.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    /// The record's User-Agent hash is this one; a record without one is not covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ua: Option<String>,
    /// The record's site is this one (`""`: no site); a record without one is not covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The record's time of day (UTC) falls in one of these `HH:MM-HH:MM` spans (end excluded); empty: any time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily_utc: Vec<DailySpan>,
}

/// Minutes of the day (UTC), `start <= minute < end`; a span that passes midnight has `end < start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DailySpan {
    pub start: u16,
    pub end: u16,
}

impl Finding {
    /// Whether this finding covers the vote.
    pub fn covers(&self, vote: &Vote<'_>) -> bool {
        self.covers.covers(vote)
    }

    /// Whether this finding covers a stored audit record (see [`Covers::covers_record`]).
    pub fn covers_record(&self, record: &crate::store::ballot::AuditRecord) -> bool {
        self.covers.covers_record(record)
    }
}

impl Covers {
    /// A selector for every vote of `case` in `from..to`, narrowed later.
    pub fn span(case: &str, from: Timestamp, to: Timestamp) -> Self {
        Covers { case: case.to_owned(), from, to, networks: Vec::new(), ua: None, site: None, daily_utc: Vec::new() }
    }

    pub fn covers(&self, vote: &Vote<'_>) -> bool {
        let record = &vote.record;
        record.case == self.case
            && self.from <= vote.at
            && vote.at < self.to
            && (self.networks.is_empty() || self.networks.binary_search_by(|n| n.as_str().cmp(&record.network)).is_ok())
            && self.ua.as_ref().is_none_or(|ua| record.ua.as_deref() == Some(ua.as_str()))
            && self.site.as_ref().is_none_or(|site| record.site.as_deref() == Some(site.as_str()))
            && (self.daily_utc.is_empty() || {
                let minute = vote.second.rem_euclid(86_400) / 60;
                self.daily_utc.iter().any(|span| span.contains(minute as u16))
            })
    }

    /// Whether this selector covers a stored audit record (for the readers of the database); a record whose `at`
    /// is unreadable is not covered.
    pub fn covers_record(&self, record: &crate::store::ballot::AuditRecord) -> bool {
        super::record::from_audit(record).is_ok_and(|vote| self.covers(&vote))
    }
}

impl DailySpan {
    pub fn contains(self, minute: u16) -> bool {
        if self.start <= self.end {
            self.start <= minute && minute < self.end
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

impl From<DailySpan> for String {
    fn from(span: DailySpan) -> String {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        format!("{}-{}", hm(span.start), hm(span.end))
    }
}

impl TryFrom<String> for DailySpan {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let bad = || format!("'{text}' is not a span of the day HH:MM-HH:MM");
        let minute = |hm: &str| -> Option<u16> {
            let (h, m) = hm.split_once(':')?;
            let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
            (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some((h * 60 + m) % 1440)
        };
        let (start, end) = text.split_once('-').ok_or_else(bad)?;
        Ok(DailySpan { start: minute(start).ok_or_else(bad)?, end: minute(end).ok_or_else(bad)? })
    }
}

/// Strength from a rule's ratio of observed to expected: `log10(ratio) / 2`, within 0..1.
pub fn strength(ratio: f64) -> (f64, Level) {
    let s = if ratio.is_finite() { (ratio.max(1.0).log10() / 2.0).clamp(0.0, 1.0) } else { 1.0 };
    let s = (s * 100.0).round() / 100.0;
    let level = if s >= 0.67 {
        Level::High
    } else if s >= 0.34 {
        Level::Medium
    } else {
        Level::Low
    };
    (s, level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(line: &str) -> Vote<'_> {
        Vote::parse(line).expect("valid")
    }

    #[test]
    fn a_selector_covers_exactly_its_votes() {
        let at = |t: &str| t.parse::<Timestamp>().expect("instant");
        let mut covers = Covers::span("a", at("2020-08-25T02:00:00Z"), at("2020-08-25T03:00:00Z"));
        covers.networks = vec!["198.51.100.0/24".to_owned(), "203.0.113.0/24".to_owned()];
        covers.ua = Some("u1".to_owned());
        covers.daily_utc = vec![DailySpan::try_from("02:10-02:20".to_owned()).expect("span")];
        let line = |at: &str, case: &str, net: &str, ua: &str| {
            format!(
                r#"{{"at":"{at}","day":"2020-08-25","case":"{case}","scope":"","client":"00","network":"{net}","receipt":"R"{ua}}}"#
            )
        };
        let yes = line("2020-08-25T02:15:00Z", "a", "203.0.113.0/24", r#","ua":"u1""#);
        assert!(covers.covers(&vote(&yes)));
        for no in [
            line("2020-08-25T02:15:00Z", "b", "203.0.113.0/24", r#","ua":"u1""#),
            line("2020-08-25T02:25:00Z", "a", "203.0.113.0/24", r#","ua":"u1""#),
            line("2020-08-25T02:15:00Z", "a", "192.0.2.0/24", r#","ua":"u1""#),
            line("2020-08-25T02:15:00Z", "a", "203.0.113.0/24", r#","ua":"u2""#),
            line("2020-08-25T02:15:00Z", "a", "203.0.113.0/24", ""),
        ] {
            assert!(!covers.covers(&vote(&no)), "{no}");
        }
        let stored: crate::store::ballot::AuditRecord = serde_json::from_str(&yes).expect("a stored record");
        assert!(covers.covers_record(&stored));
        let json = serde_json::to_string(&covers).expect("json");
        assert!(json.contains(r#""daily_utc":["02:10-02:20"]"#), "{json}");
        assert_eq!(serde_json::from_str::<Covers>(&json).expect("back"), covers);
    }

    #[test]
    fn a_span_of_the_day_may_pass_midnight() {
        let span = DailySpan::try_from("23:50-00:10".to_owned()).expect("span");
        assert!(span.contains(1435) && span.contains(5) && !span.contains(10) && !span.contains(600));
        assert!(DailySpan::try_from("25:00-01:00".to_owned()).is_err());
        assert_eq!(String::from(DailySpan { start: 0, end: 60 }), "00:00-01:00");
        assert_eq!(strength(10.0), (0.5, Level::Medium));
        assert_eq!(strength(1000.0).1, Level::High);
    }
}
