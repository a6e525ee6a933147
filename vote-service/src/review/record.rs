//! One audit record as review reads it: parsed from a JSON line (what `vote-service audit` prints), with its
//! instant, its local day checked against the election's time zone, and the optional signals (absent = unknown).

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::store::ballot::AuditRecord;

/// An audit record, borrowing its text from the line it was read from.
#[derive(Debug, Clone, Deserialize)]
pub struct Record<'a> {
    #[serde(borrow)]
    pub at: Cow<'a, str>,
    #[serde(borrow)]
    pub day: Cow<'a, str>,
    #[serde(borrow)]
    pub case: Cow<'a, str>,
    #[serde(borrow)]
    pub network: Cow<'a, str>,
    /// The keyed hash of the User-Agent; `None` in records of older databases (unknown).
    #[serde(default, borrow)]
    pub ua: Option<Cow<'a, str>>,
    /// The hall or partner site, empty when the request named none; `None` when unknown.
    #[serde(default, borrow)]
    pub site: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub via: Option<Cow<'a, str>>,
}

/// A record with its instant read: what the rules and [`super::Covers`] look at.
#[derive(Debug, Clone)]
pub struct Vote<'a> {
    pub record: Record<'a>,
    pub at: Timestamp,
    /// Seconds since the epoch.
    pub second: i64,
}

/// Where a vote falls in the election's time zone.
#[derive(Debug, Clone, Copy)]
pub struct LocalTime {
    /// Days since 1970-01-01 of the record's local day.
    pub day: i64,
    /// Minutes since local midnight.
    pub minute_of_day: u32,
}

impl<'a> Vote<'a> {
    /// Parses one JSON line; the error says what is wrong, without the file and line (the caller adds them).
    pub fn parse(line: &'a str) -> Result<Self, String> {
        let record: Record<'a> = serde_json::from_str(line).map_err(|e| {
            if e.is_data() { format!("not an audit record: {e}") } else { format!("not a JSON record: {e}") }
        })?;
        Vote::from_record(record)
    }

    fn from_record(record: Record<'a>) -> Result<Self, String> {
        let at: Timestamp =
            record.at.parse().map_err(|e| format!("`at` is not an RFC 3339 instant ('{}': {e})", record.at))?;
        Ok(Vote { second: at.as_second(), at, record })
    }

    /// The vote's local day and time in `zone`; an error when the record's `day` is not the local day of its `at`
    /// (review was given the wrong time zone).
    pub fn local(&self, zone: &TimeZone, zone_name: &str) -> Result<LocalTime, String> {
        let local = self.second + i64::from(zone.to_offset(self.at).seconds());
        let day = local.div_euclid(86_400);
        let stated = days_from_date(&self.record.day)
            .ok_or_else(|| format!("`day` is not a date YYYY-MM-DD ('{}')", self.record.day))?;
        if stated != day {
            return Err(format!(
                "day {} is not the local day of {} in {zone_name}; set `time_zone` in the rules file to the \
                 election's time zone",
                self.record.day, self.record.at
            ));
        }
        Ok(LocalTime { day, minute_of_day: (local.rem_euclid(86_400) / 60) as u32 })
    }

    /// Whether the vote named no site (known, and empty): neither the hall's script nor its form sent it.
    pub fn unvisited(&self) -> Option<bool> {
        self.record.site.as_deref().map(str::is_empty)
    }
}

/// A stored audit record, as the readers of the database see it (for [`super::Covers::covers_record`]).
pub fn from_audit(record: &AuditRecord) -> Result<Vote<'_>, String> {
    Vote::from_record(Record {
        at: Cow::Borrowed(&record.at),
        day: Cow::Borrowed(&record.day),
        case: Cow::Borrowed(&record.case),
        network: Cow::Borrowed(&record.network),
        ua: record.ua.as_deref().map(Cow::Borrowed),
        site: record.site.as_deref().map(Cow::Borrowed),
        via: record.via.as_deref().map(Cow::Borrowed),
    })
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (H. Hinnant's days_from_civil), `None` if it is not one.
pub fn days_from_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"seq":0,"at":"2020-08-24T17:30:00Z","day":"2020-08-25","case":"a","scope":"","client":"00","network":"198.51.100.0/24","receipt":"R","ua":"0123456789abcdef","site":"","via":"form","lang":"zh-CN"}"#;

    #[test]
    fn a_record_is_read_in_the_elections_time_zone() {
        let vote = Vote::parse(LINE).expect("valid");
        let zone = TimeZone::get("Asia/Shanghai").expect("zone");
        let local = vote.local(&zone, "Asia/Shanghai").expect("consistent");
        assert_eq!(local.minute_of_day, 90, "01:30 in Shanghai");
        assert_eq!(local.day, days_from_date("2020-08-25").expect("date"));
        assert_eq!(vote.unvisited(), Some(true));
        let error = vote.local(&TimeZone::UTC, "UTC").expect_err("wrong zone");
        assert!(error.contains("day 2020-08-25 is not the local day of 2020-08-24T17:30:00Z in UTC"), "{error}");
    }

    #[test]
    fn older_records_have_unknown_signals_and_bad_lines_say_why() {
        let old = r#"{"at":"2020-08-24T17:30:00Z","day":"2020-08-25","case":"a","scope":"","client":"00","network":"n","receipt":"r"}"#;
        let vote = Vote::parse(old).expect("an older record");
        assert_eq!((vote.unvisited(), vote.record.ua.is_none()), (None, true));
        assert!(Vote::parse("{").expect_err("cut").starts_with("not a JSON record"));
        assert!(Vote::parse(r#"{"at":"x"}"#).expect_err("fields").contains("missing field"));
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("2000-03-01"), Some(11_017));
        assert_eq!(days_from_date("2020-13-01"), None);
    }
}
