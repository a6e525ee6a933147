//! The panels' blank mark sheets (评分表) that `generator sheets` writes: per panel a CSV that opens cleanly in WPS
//! and Excel (UTF-8 with a byte-order mark, CRLF line ends, Chinese headers), a row per shortlisted case and a
//! column per member, headed by the member's code. Filled in, it is committed as `scores/media.csv` or
//! `scores/expert.csv` and read back by [`crate::content::score_sheet`].

use crate::content::result_files::Panel;
use crate::content::score_sheet::{CATEGORY_HEADER, ID_HEADER, TITLE_HEADER};
use crate::model::site::Site;
use crate::results::publish::defuse;
use crate::results::{CaseFacts, Results};

/// The codes of a panel of `members`: `M1`, `M2`, ... or `E1`, `E2`, ...
pub fn member_codes(panel: Panel, members: usize) -> Vec<String> {
    (1..=members).map(|n| format!("{}{n}", panel.code_prefix())).collect()
}

/// The blank sheet of `panel` with `members` columns, listing the shortlisted cases in the results' order.
pub fn blank_sheet(site: &Site, results: &Results, cases: &[CaseFacts], panel: Panel, members: usize) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
    let mut header = vec![ID_HEADER.to_owned(), TITLE_HEADER.to_owned(), CATEGORY_HEADER.to_owned()];
    header.extend(member_codes(panel, members));
    let blank = vec![String::new(); members];
    // Writing to a Vec cannot fail; a failure would only leave the sheet short, which the read-back reports.
    let _ = writer.write_record(&header);
    for standing in results.standings.iter().filter(|s| s.shortlisted) {
        let title = cases.iter().find(|c| c.id == standing.id).map_or("", |c| c.title.as_str());
        let category = site.taxonomy.category(&standing.category).map_or(standing.category.as_str(), |t| &t.name);
        let mut row = vec![standing.id.clone(), defuse(title), defuse(category)];
        row.extend(blank.iter().cloned());
        let _ = writer.write_record(&row);
    }
    let _ = writer.flush();
    drop(writer);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_name_the_panel() {
        assert_eq!(member_codes(Panel::Media, 3), ["M1", "M2", "M3"]);
        assert_eq!(member_codes(Panel::Expert, 2), ["E1", "E2"]);
    }
}
