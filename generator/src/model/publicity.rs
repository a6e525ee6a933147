//! The publicity period (公示) of the proposed results: when it starts, how many working days it lasts, where
//! objections go, and the year's calendar of public holidays and adjusted working days (调休) as data, so that a
//! new year is a data edit.
//!
//! A working day is a Monday to Friday that is not a public holiday, or a Saturday or Sunday that the calendar
//! makes a working day (调休上班). The period starts on its first day (counted when it is a working day) and ends
//! on its `working_days`-th working day.

use jiff::civil::{Date, Weekday};
use serde::Deserialize;

/// `site.yaml` `publicity:`.
#[derive(Debug, Clone, Deserialize)]
pub struct Publicity {
    /// The first day of the publicity period.
    pub starts: Date,
    /// How many working days it lasts (usually 5 or 7).
    pub working_days: u32,
    /// Where objections go: who, with a phone number, an address or an email (异议受理).
    pub objections_to: String,
    /// The public holidays (法定节假日) of the year, each a run of days.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Saturdays and Sundays that are working days (调休上班).
    #[serde(default)]
    pub adjusted_workdays: Vec<Date>,
    /// The date the results notice (通报) bears, once it is issued; the notice shows no date without it.
    #[serde(default)]
    pub notice_date: Option<Date>,
}

/// A run of public holidays, e.g. 国庆节、中秋节 2020-10-01 to 2020-10-08.
#[derive(Debug, Clone, Deserialize)]
pub struct Holiday {
    pub name: String,
    pub from: Date,
    /// The last day off, included.
    pub to: Date,
}

/// The longest period accepted, in working days: a typo (50 for 5) should not compute a date months away.
pub const MAX_WORKING_DAYS: u32 = 30;

impl Publicity {
    /// Whether `date` is a working day by this calendar.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.adjusted_workdays.contains(&date) {
            return true;
        }
        if self.holidays.iter().any(|h| h.from <= date && date <= h.to) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// The last day of the period: its `working_days`-th working day from `starts` on. `None` when the period
    /// would not end within a year (no working days in the calendar) or `working_days` is 0.
    pub fn ends(&self) -> Option<Date> {
        if self.working_days == 0 {
            return None;
        }
        let mut counted = 0;
        let mut day = self.starts;
        for _ in 0..366 {
            if self.is_working_day(day) {
                counted += 1;
                if counted == self.working_days {
                    return Some(day);
                }
            }
            day = day.tomorrow().ok()?;
        }
        None
    }

    /// Problems with the settings, as (key below `publicity`, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        if !(1..=MAX_WORKING_DAYS).contains(&self.working_days) {
            let message = format!("must be from 1 to {MAX_WORKING_DAYS} working days (公示 usually lasts 5 or 7)");
            found.push(("working_days".to_owned(), message));
        }
        if self.objections_to.trim().is_empty() {
            let message = "say where objections go: who, and a phone number, address or email";
            found.push(("objections_to".to_owned(), message.to_owned()));
        }
        for (i, h) in self.holidays.iter().enumerate() {
            if h.to < h.from {
                found.push((format!("holidays[{i}].to"), format!("{} is before {}", h.to, h.from)));
            }
        }
        for (i, day) in self.adjusted_workdays.iter().enumerate() {
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                let message = format!(
                    "{day} is a {:?}, already a working day; an adjusted working day (调休) is a Saturday or Sunday",
                    day.weekday()
                );
                found.push((format!("adjusted_workdays[{i}]"), message));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The 2020 calendar around National Day and Mid-Autumn (国办发明电〔2019〕16号): off 10-01 to 10-08, working
    /// Sunday 09-27 and Saturday 10-10.
    fn national_day(starts: Date, working_days: u32) -> Publicity {
        Publicity {
            starts,
            working_days,
            objections_to: "评选办公室".to_owned(),
            holidays: vec![Holiday {
                name: "国庆节、中秋节".to_owned(),
                from: date(2020, 10, 1),
                to: date(2020, 10, 8),
            }],
            adjusted_workdays: vec![date(2020, 9, 27), date(2020, 10, 10)],
            notice_date: None,
        }
    }

    #[test]
    fn five_working_days_from_monday_end_on_friday() {
        assert_eq!(national_day(date(2020, 9, 14), 5).ends(), Some(date(2020, 9, 18)));
    }

    #[test]
    fn the_national_day_holiday_is_skipped_and_the_adjusted_saturday_counts() {
        // 09-28, 09-29, 09-30, then 10-01..10-08 off, then Friday 10-09 and the adjusted Saturday 10-10.
        assert_eq!(national_day(date(2020, 9, 28), 5).ends(), Some(date(2020, 10, 10)));
        // Sunday 10-11 is a weekend day again: 6th is Monday 10-12, 7th Tuesday 10-13.
        assert_eq!(national_day(date(2020, 9, 28), 7).ends(), Some(date(2020, 10, 13)));
    }

    #[test]
    fn an_adjusted_sunday_counts_and_a_start_on_a_holiday_waits() {
        // Sunday 09-27 is a working day: 09-27, 28, 29, 30, then 10-09.
        assert_eq!(national_day(date(2020, 9, 27), 5).ends(), Some(date(2020, 10, 9)));
        // Starting in the holiday, the first working day is 10-09.
        assert_eq!(national_day(date(2020, 10, 3), 1).ends(), Some(date(2020, 10, 9)));
    }

    #[test]
    fn settings_that_make_no_sense_are_named() {
        let mut p = national_day(date(2020, 9, 28), 0);
        p.adjusted_workdays.push(date(2020, 9, 28));
        let keys: Vec<String> = p.problems().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["working_days", "adjusted_workdays[2]"]);
        assert_eq!(p.ends(), None);
    }
}
