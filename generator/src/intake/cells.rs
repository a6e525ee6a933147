//! One cell of the export as the form's fields need it: text trimmed with full-width spaces normalised, numbers
//! as written, and dates in the forms spreadsheets use (2020-07-15, 2020/7/15, 2020年7月15日, Excel serial dates
//! and XLSX date cells).

use jiff::civil::Date;

use crate::text::cjk::{half_width, tidy_spaces};

/// A cell as read from the sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell of an XLSX sheet (a phone number typed without quotes, or a date typed as a serial).
    Number(f64),
    /// A date cell of an XLSX sheet.
    Date(Date),
}

impl Cell {
    /// The cell as one line of text: trimmed, runs of spaces (also the full-width space U+3000 and line breaks)
    /// made one, and none kept between two Chinese characters. Whole numbers are written without `.0`.
    pub fn line(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => tidy_spaces(text),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(date) => date.to_string(),
        }
    }

    /// The cell as a code, phone number or address: one line with full-width letters and digits (ＡＢ１２) made
    /// half-width and no spaces at the ends.
    pub fn code(&self) -> String {
        self.line().chars().map(half_width).collect::<String>().trim().to_owned()
    }

    /// The cell as text of several paragraphs: line breaks kept (as `\n`), each line's end trimmed, the whole
    /// trimmed.
    pub fn paragraphs(&self) -> String {
        match self {
            Cell::Text(text) => {
                let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches([' ', '\t', '\u{3000}'])).collect();
                lines.join("\n").trim_matches(['\n', ' ', '\u{3000}']).to_owned()
            }
            _ => self.line(),
        }
    }

    /// The cell as a date, or the text that is not one. Empty cells are `Ok(None)`.
    pub fn date(&self) -> Result<Option<Date>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Date(date) => Ok(Some(*date)),
            Cell::Number(serial) => serial_date(*serial).map(Some).ok_or_else(|| self.line()),
            Cell::Text(_) => {
                let text = self.code();
                if text.is_empty() {
                    return Ok(None);
                }
                parse_date(&text).map(Some).ok_or(text)
            }
        }
    }
}

/// A date written as 2020-07-15, 2020/7/15, 2020.7.15, 2020年7月15日 or an Excel serial (44027), with or without a
/// time after it (2020-08-21 17:30:00, as submission systems export it).
pub fn parse_date(text: &str) -> Option<Date> {
    let day_part = text.split([' ', 'T']).next().unwrap_or(text);
    if let Ok(serial) = text.parse::<f64>() {
        return serial_date(serial);
    }
    let numbers: Vec<&str> = day_part.trim_end_matches('日').split(['-', '/', '.', '年', '月']).collect();
    let [year, month, day] = numbers.as_slice() else { return None };
    if year.len() != 4 || ![month, day].iter().all(|p| (1..=2).contains(&p.len())) {
        return None;
    }
    let number = |p: &str| p.parse::<i8>().ok();
    Date::new(year.parse().ok()?, number(month)?, number(day)?).ok()
}

/// The day of an Excel serial date (1900 date system: 1 is 1900-01-01; Excel's phantom 1900-02-29 is 60).
/// Serials before 1950 or after 2100 are not taken for dates.
pub fn serial_date(serial: f64) -> Option<Date> {
    const FIRST: f64 = 18_264.0; // 1950-01-01
    const LAST: f64 = 73_051.0; // 2100-01-01
    if !(FIRST..LAST).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    Date::new(1899, 12, 30).ok()?.checked_add(jiff::Span::new().days(days)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<String> {
        parse_date(text).map(|d| d.to_string())
    }

    #[test]
    fn dates_in_every_form_spreadsheets_use() {
        for text in ["2020-07-15", "2020/7/15", "2020.7.15", "2020年7月15日", "2020-07-15 09:30:00", "44027"] {
            assert_eq!(day(text).as_deref(), Some("2020-07-15"), "{text}");
        }
        assert_eq!(serial_date(44_027.75).map(|d| d.to_string()).as_deref(), Some("2020-07-15"));
        for text in ["7/15/2020", "2020-13-01", "2020-02-30", "下周", "15", "2020年7月"] {
            assert_eq!(day(text), None, "{text}");
        }
    }

    #[test]
    fn text_is_trimmed_and_full_width_spaces_made_plain() {
        assert_eq!(Cell::Text("\u{3000}青岛市\u{3000}医疗保障局 ".to_owned()).line(), "青岛市医疗保障局");
        assert_eq!(Cell::Text(" AI\u{3000}视觉 ".to_owned()).line(), "AI 视觉");
        assert_eq!(Cell::Text("９１３７０２００１６３５６２６８１Ｇ".to_owned()).code(), "91370200163562681G");
        assert_eq!(Cell::Number(18_663_956_505.0).line(), "18663956505");
        assert_eq!(Cell::Text("  第一段\u{3000}\r\n\r\n第二段  \n".to_owned()).paragraphs(), "第一段\n\n第二段");
    }

    #[test]
    fn cells_give_dates_or_say_what_they_hold() {
        assert_eq!(Cell::Number(44_027.0).date().map(|d| d.map(|d| d.to_string())), Ok(Some("2020-07-15".into())));
        assert_eq!(Cell::Text("七月".to_owned()).date(), Err("七月".to_owned()));
        assert_eq!(Cell::Text("\u{3000}".to_owned()).date(), Ok(None));
    }
}
