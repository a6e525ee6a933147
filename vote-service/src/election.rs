//! The election's calendar and rules: which local day an instant falls on, whether voting is open, what one
//! client's one vote a day is counted over (the scope), and when the next vote is possible.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// What "one vote per client per day" is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One vote a day in the whole election (每个IP每天限投1票).
    Election,
    /// One vote a day in each category.
    Category,
    /// One vote a day for each case.
    Case,
}

/// When `GET /api/tally` shows counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    AfterClose,
    Live,
    Never,
}

/// The election as the service enforces it.
#[derive(Debug, Clone)]
pub struct Election {
    pub id: String,
    /// First local day of voting.
    pub opens: Date,
    /// Last local day of voting, included.
    pub closes: Date,
    pub time_zone: String,
    tz: TimeZone,
    pub scope: Scope,
    pub visibility: Visibility,
}

/// Where an instant falls relative to the voting window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    NotOpen { opens_at: Timestamp },
    Open { day: Date },
    Closed,
}

impl Election {
    pub fn new(
        id: String,
        opens: Date,
        closes: Date,
        time_zone: &str,
        scope: Scope,
        visibility: Visibility,
    ) -> Result<Self, String> {
        let tz = TimeZone::get(time_zone).map_err(|_| format!("'{time_zone}' is not an IANA time zone"))?;
        if opens > closes {
            return Err(format!("voting closes on {closes} before it opens on {opens}"));
        }
        if id.is_empty() {
            return Err("the election has no id".to_owned());
        }
        Ok(Election { id, opens, closes, time_zone: time_zone.to_owned(), tz, scope, visibility })
    }

    /// The local calendar day of `now`.
    pub fn day(&self, now: Timestamp) -> Date {
        now.to_zoned_datetime(self.tz.clone()).date()
    }

    pub fn window(&self, now: Timestamp) -> Window {
        let day = self.day(now);
        if day < self.opens {
            Window::NotOpen { opens_at: self.start_of(self.opens) }
        } else if day > self.closes {
            Window::Closed
        } else {
            Window::Open { day }
        }
    }

    /// When the client may vote again after voting on `day`: the next local midnight, if voting is still open then.
    pub fn next_vote_at(&self, day: Date) -> Option<Timestamp> {
        let next = day.tomorrow().ok()?;
        (next <= self.closes).then(|| self.start_of(next))
    }

    /// The first instant of local day `day`.
    pub fn start_of(&self, day: Date) -> Timestamp {
        day.to_zoned_datetime(self.tz.clone()).map_or_else(|_| Timestamp::UNIX_EPOCH, |z| z.timestamp())
    }

    /// `instant` as local RFC 3339 with offset, e.g. `2020-08-23T00:00:00+08:00`.
    pub fn local_rfc3339(&self, instant: Timestamp) -> String {
        instant.to_zoned_datetime(self.tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }

    /// `instant` in words for an answer, e.g. `8月23日 00:00（Asia/Shanghai）`.
    pub fn local_words(&self, instant: Timestamp) -> String {
        let zoned = instant.to_zoned_datetime(self.tz.clone());
        let zone = if self.time_zone == "Asia/Shanghai" { "北京时间" } else { &self.time_zone };
        format!("{}月{}日 {}（{zone}）", zoned.month(), zoned.day(), zoned.strftime("%H:%M"))
    }

    /// Whether the public may see counts at `now`.
    pub fn tally_visible(&self, now: Timestamp) -> bool {
        match self.visibility {
            Visibility::Live => true,
            Visibility::Never => false,
            Visibility::AfterClose => self.window(now) == Window::Closed,
        }
    }

    /// `tally_visibility` as the manifest writes it, e.g. `after_close`.
    pub fn visibility_name(&self) -> String {
        serde_json::to_string(&self.visibility).unwrap_or_default().trim_matches('"').to_owned()
    }

    /// The settings that may not change once the election holds votes.
    pub fn frozen_rules(&self) -> String {
        format!(
            "id={} opens={} closes={} time_zone={} scope={}",
            self.id,
            self.opens,
            self.closes,
            self.time_zone,
            serde_json::to_string(&self.scope).unwrap_or_default().trim_matches('"')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn election() -> Election {
        let (opens, closes) = (jiff::civil::date(2020, 8, 22), jiff::civil::date(2020, 8, 31));
        Election::new("e".into(), opens, closes, "Asia/Shanghai", Scope::Election, Visibility::AfterClose).expect("ok")
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn the_day_changes_at_midnight_in_shanghai() {
        let e = election();
        assert_eq!(e.day(at("2020-08-22T15:59:59Z")), jiff::civil::date(2020, 8, 22));
        assert_eq!(e.day(at("2020-08-22T16:00:00Z")), jiff::civil::date(2020, 8, 23));
    }

    #[test]
    fn both_edges_of_the_window() {
        let e = election();
        assert!(matches!(e.window(at("2020-08-21T15:59:59Z")), Window::NotOpen { .. }));
        assert_eq!(e.window(at("2020-08-21T16:00:00Z")), Window::Open { day: jiff::civil::date(2020, 8, 22) });
        assert_eq!(e.window(at("2020-08-31T15:59:59Z")), Window::Open { day: jiff::civil::date(2020, 8, 31) });
        assert_eq!(e.window(at("2020-08-31T16:00:00Z")), Window::Closed);
    }

    #[test]
    fn the_next_vote_is_at_the_next_local_midnight_while_open() {
        let e = election();
        let next = e.next_vote_at(jiff::civil::date(2020, 8, 22)).expect("open tomorrow");
        assert_eq!(e.local_rfc3339(next), "2020-08-23T00:00:00+08:00");
        assert_eq!(e.next_vote_at(jiff::civil::date(2020, 8, 31)), None);
    }

    #[test]
    fn tallies_show_after_close_only() {
        let e = election();
        assert!(!e.tally_visible(at("2020-08-25T00:00:00Z")));
        assert!(e.tally_visible(at("2020-09-01T00:00:00Z")));
    }
}
