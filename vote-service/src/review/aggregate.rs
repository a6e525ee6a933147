//! The first pass over the audit log: counts per case, minute, day, network and User-Agent, held in memory that
//! grows with the election's length and its distinct networks, never with its votes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};

use jiff::tz::TimeZone;

use super::record::Vote;
use super::settings::Settings;

/// Records may span at most this many days (an election lasts weeks; a wrong `at` should not exhaust memory).
const MAX_SPAN_DAYS: i64 = 400;

/// A hash map that iterates in the same order on every run for the same input (a fixed-key hasher), so that
/// sums over it, and so the evidence, come out the same to the last bit.
pub type Map<K, V> = HashMap<K, V, BuildHasherDefault<DefaultHasher>>;

/// Names seen, numbered in order of appearance.
#[derive(Debug, Default)]
pub struct Interner {
    ids: Map<String, u32>,
    pub names: Vec<String>,
}

impl Interner {
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Counts per consecutive index (a minute or a day), dense from the first index seen.
#[derive(Debug, Default, Clone)]
pub struct Series {
    pub start: i64,
    pub counts: Vec<u32>,
}

impl Series {
    pub fn add(&mut self, at: i64) {
        if self.counts.is_empty() {
            self.start = at;
        } else if at < self.start {
            let missing = (self.start - at) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, missing));
            self.start = at;
        }
        let index = (at - self.start) as usize;
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += 1;
    }

    pub fn get(&self, at: i64) -> u32 {
        if at < self.start {
            return 0;
        }
        self.counts.get((at - self.start) as usize).copied().unwrap_or(0)
    }

    /// The indexes from the first to the last one counted.
    pub fn range(&self) -> std::ops::Range<i64> {
        self.start..self.start + self.counts.len() as i64
    }
}

/// How often a network voted for a case at one minute of the day: on how many days, the last of them.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub last_day: i64,
    pub days: u32,
}

/// Everything the rules read, from one pass.
#[derive(Debug, Default)]
pub struct Aggregates {
    pub cases: Interner,
    pub networks: Interner,
    pub uas: Interner,
    pub total: u64,
    pub case_total: Vec<u64>,
    /// Votes per UTC minute (minutes since the epoch), all cases and per case.
    pub minutes: Series,
    pub case_minutes: Vec<Series>,
    /// Votes per local day (days since 1970-01-01): all, at night, with a known site, with no site.
    pub days: Series,
    pub case_days: Vec<Series>,
    pub nights: Series,
    pub case_nights: Vec<Series>,
    pub known_site: Series,
    pub case_known_site: Vec<Series>,
    pub unvisited: Series,
    pub case_unvisited: Vec<Series>,
    pub case_network: Map<(u32, u32), u32>,
    pub network_total: Vec<u64>,
    pub case_ua: Map<(u32, u32), u32>,
    pub ua_total: Vec<u64>,
    /// Votes whose User-Agent is known, all cases and per case.
    pub ua_known: u64,
    pub case_ua_known: Vec<u64>,
    /// (case, network, UTC minute of the day) -> days on which it voted then.
    pub cells: Map<(u32, u32, u16), Cell>,
    /// Votes per UTC minute of the day: the city's daily rhythm.
    pub rhythm: Vec<u64>,
    /// The election's offset from UTC, in seconds, at its first vote.
    pub offset_seconds: i64,
    pub first_second: i64,
    pub last_second: i64,
}

impl Aggregates {
    pub fn new() -> Self {
        Aggregates { rhythm: vec![0; 1440], first_second: i64::MAX, last_second: i64::MIN, ..Default::default() }
    }

    /// Counts one vote; an error when its local day disagrees with the time zone or it is too far from the others.
    pub fn add(&mut self, vote: &Vote<'_>, zone: &TimeZone, settings: &Settings) -> Result<(), String> {
        let local = vote.local(zone, &settings.time_zone)?;
        if self.total == 0 {
            self.offset_seconds = i64::from(zone.to_offset(vote.at).seconds());
        }
        self.first_second = self.first_second.min(vote.second);
        self.last_second = self.last_second.max(vote.second);
        if self.last_second - self.first_second > MAX_SPAN_DAYS * 86_400 {
            return Err(format!(
                "the records span more than {MAX_SPAN_DAYS} days; is `at` ({}) right?",
                vote.record.at
            ));
        }
        let case = self.cases.id(&vote.record.case);
        if case as usize == self.case_total.len() {
            self.grow_cases();
        }
        let c = case as usize;
        let minute = vote.second.div_euclid(60);
        self.total += 1;
        self.case_total[c] += 1;
        self.minutes.add(minute);
        self.case_minutes[c].add(minute);
        self.days.add(local.day);
        self.case_days[c].add(local.day);
        let hour = local.minute_of_day / 60;
        if (u32::from(settings.night.from_hour)..u32::from(settings.night.to_hour)).contains(&hour) {
            self.nights.add(local.day);
            self.case_nights[c].add(local.day);
        }
        if let Some(unvisited) = vote.unvisited() {
            self.known_site.add(local.day);
            self.case_known_site[c].add(local.day);
            if unvisited {
                self.unvisited.add(local.day);
                self.case_unvisited[c].add(local.day);
            }
        }
        self.add_network(case, vote, local.day, minute);
        if let Some(ua) = vote.record.ua.as_deref() {
            let ua = self.uas.id(ua);
            if ua as usize == self.ua_total.len() {
                self.ua_total.push(0);
            }
            self.ua_total[ua as usize] += 1;
            *self.case_ua.entry((case, ua)).or_default() += 1;
            self.ua_known += 1;
            self.case_ua_known[c] += 1;
        }
        Ok(())
    }

    fn add_network(&mut self, case: u32, vote: &Vote<'_>, day: i64, minute: i64) {
        let network = self.networks.id(&vote.record.network);
        if network as usize == self.network_total.len() {
            self.network_total.push(0);
        }
        self.network_total[network as usize] += 1;
        *self.case_network.entry((case, network)).or_default() += 1;
        let minute_of_day = minute.rem_euclid(1440) as u16;
        self.rhythm[usize::from(minute_of_day)] += 1;
        let cell = self.cells.entry((case, network, minute_of_day)).or_insert(Cell { last_day: i64::MIN, days: 0 });
        if cell.last_day != day {
            cell.last_day = day;
            cell.days += 1;
        }
    }

    fn grow_cases(&mut self) {
        self.case_total.push(0);
        self.case_minutes.push(Series::default());
        self.case_days.push(Series::default());
        self.case_nights.push(Series::default());
        self.case_known_site.push(Series::default());
        self.case_unvisited.push(Series::default());
        self.case_ua_known.push(0);
    }

    /// The share of all votes that went to `case`.
    pub fn share(&self, case: u32) -> f64 {
        if self.total == 0 { 0.0 } else { self.case_total[case as usize] as f64 / self.total as f64 }
    }

    /// Local days that hold votes.
    pub fn day_count(&self) -> u32 {
        self.days.counts.iter().filter(|&&n| n > 0).count() as u32
    }

    /// The UTC instant of local day `day` at `minute` minutes after midnight (at the election's first offset).
    pub fn local_instant(&self, day: i64, minute: i64) -> jiff::Timestamp {
        second_instant(day * 86_400 + minute * 60 - self.offset_seconds)
    }
}

/// The instant `second` seconds after the epoch (clamped to jiff's range, which no election leaves).
pub fn second_instant(second: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(second).unwrap_or(if second < 0 { jiff::Timestamp::MIN } else { jiff::Timestamp::MAX })
}
