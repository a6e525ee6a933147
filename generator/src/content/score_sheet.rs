//! A panel's filled mark sheet, `scores/media.csv` or `scores/expert.csv`: the CSV that `generator sheets` wrote,
//! with a mark in every member's cell, read back into the same [`PanelFile`] as the YAML form.
//!
//! ```text
//! 案例编号,案例名称,类别,E1,E2,E3
//! smart-traffic-signals,城市交通信号智能配时,推进信息技术应用,88,回避,91
//! ```
//!
//! A cell holds a mark from 0 to 100, or 回避 when the member was recused (the member's organisation is involved):
//! the case's mean is then over the other members, and the trimming rule counts the members who marked it. Every
//! other cell problem names the row as the spreadsheet shows it (the header is row 1) and the column's header.

use std::collections::BTreeMap;

use crate::content::key_lines::KeyLines;
use crate::content::result_files::{InputFile, Panel, PanelFile};
use crate::diagnostics::{Problem, Report};

/// The header of the column that holds the case id.
pub const ID_HEADER: &str = "案例编号";
/// The header of the case's title (for the members; not read back).
pub const TITLE_HEADER: &str = "案例名称";
/// The header of the case's category (for the members; not read back).
pub const CATEGORY_HEADER: &str = "类别";
/// What a recused member's cell says.
pub const RECUSED: &str = "回避";

/// Parses a filled sheet; `None` when the sheet as a whole cannot be read (reported).
pub fn parse(panel: Panel, mut file: InputFile, report: &mut Report) -> Option<PanelFile> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file.text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            report.push(csv_problem(&file, &e));
            return None;
        }
    };
    let id_column = headers.iter().position(|h| h == ID_HEADER);
    let Some(id_column) = id_column else {
        let message = format!(
            "the first row must name the columns, with {ID_HEADER} for the case id: write the sheet with `generator sheets`"
        );
        report.push(Problem::error(&file.path, Some(1), "header", message));
        return None;
    };
    let members = member_columns(&file, &headers, report)?;
    let mut marks = BTreeMap::new();
    let mut recused: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut flawed = Vec::new();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                report.push(csv_problem(&file, &e));
                continue;
            }
        };
        let cell = |column: usize| record.get(column).map(str::trim).unwrap_or_default();
        let id = cell(id_column).to_owned();
        if id.is_empty() {
            if record.iter().any(|c| !c.trim().is_empty()) {
                report.push(Problem::error(&file.path, Some(row), ID_HEADER, "is empty; every row names a case id"));
            }
            continue;
        }
        if let Some(first) = rows.get(&id) {
            let message = format!("'{id}' is listed twice (first on row {first}); keep one row per case");
            report.push(Problem::error(&file.path, Some(row), ID_HEADER, message));
            continue;
        }
        rows.insert(id.clone(), row);
        let (list, codes, sound) = read_marks(&file, row, &id, &record, &members, report);
        if !codes.is_empty() {
            recused.insert(id.clone(), codes);
        }
        if !sound {
            flawed.push(id.clone());
        }
        marks.insert(id, list);
    }
    file.lines = KeyLines::from_lines(rows);
    Some(PanelFile { panel, file, marks, flawed, recused })
}

/// One case's row: the marks given, the codes of the recused members, and whether every cell was sound.
fn read_marks(
    file: &InputFile,
    row: usize,
    id: &str,
    record: &csv::StringRecord,
    members: &[(usize, String)],
    report: &mut Report,
) -> (Vec<f64>, Vec<String>, bool) {
    let mut list = Vec::new();
    let mut recused = Vec::new();
    let mut sound = true;
    for (column, code) in members {
        match read_cell(record.get(*column).map(str::trim).unwrap_or_default(), code) {
            Ok(Some(mark)) => list.push(mark),
            Ok(None) => recused.push(code.clone()),
            Err(message) => {
                report.push(Problem::error(&file.path, Some(row), code, message));
                sound = false;
            }
        }
    }
    if sound && list.is_empty() {
        let message = format!("every member is recused from '{id}' ({RECUSED}): the case has no mark");
        report.push(Problem::error(&file.path, Some(row), ID_HEADER, message));
        sound = false;
    }
    (list, recused, sound)
}

/// The member columns: every column but the case's id, title and category, each headed by a member's code.
fn member_columns(file: &InputFile, headers: &[String], report: &mut Report) -> Option<Vec<(usize, String)>> {
    let fixed = [ID_HEADER, TITLE_HEADER, CATEGORY_HEADER];
    let mut members: Vec<(usize, String)> = Vec::new();
    let errors_before = report.error_count();
    for (column, header) in headers.iter().enumerate().filter(|(_, h)| !fixed.contains(&h.as_str())) {
        if !is_member_code(header) {
            let message = format!(
                "'{header}' is not a member code: a column per member, headed by the member's code (M1, M2, ... or \
                 E1, E2, ...); members are never named"
            );
            report.push(Problem::error(&file.path, Some(1), "header", message));
        } else if members.iter().any(|(_, code)| code == header) {
            report.push(Problem::error(
                &file.path,
                Some(1),
                header,
                "two columns have this code; give each member one",
            ));
        } else {
            members.push((column, header.clone()));
        }
    }
    if members.is_empty() && report.error_count() == errors_before {
        let message = "no member column: the sheet needs a column per member, headed M1, M2, ... or E1, E2, ...";
        report.push(Problem::error(&file.path, Some(1), "header", message));
    }
    (report.error_count() == errors_before).then_some(members)
}

/// A code of letters then digits, e.g. `M1`, `E12`.
fn is_member_code(s: &str) -> bool {
    let digits = s.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let letters = s.len() - digits.len();
    (1..=3).contains(&letters) && (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A cell's mark, `None` for a recusal, or what is wrong with it.
fn read_cell(text: &str, code: &str) -> Result<Option<f64>, String> {
    if text == RECUSED {
        return Ok(None);
    }
    if text.is_empty() {
        return Err(format!(
            "the cell is empty: write {code}'s mark (0..100), or {RECUSED} if {code} was recused from this case"
        ));
    }
    match text.parse::<f64>() {
        Ok(mark) if mark.is_finite() && (0.0..=100.0).contains(&mark) => Ok(Some(mark)),
        Ok(mark) => Err(format!("the mark {mark} is outside 0..100")),
        Err(_) => Err(format!("'{text}' is not a mark: write a number from 0 to 100, or {RECUSED}")),
    }
}

fn csv_problem(file: &InputFile, e: &csv::Error) -> Problem {
    let line = e.position().map(|p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8; save it as CSV UTF-8 (not GBK)".to_owned(),
        _ => format!("cannot be read as CSV: {e}"),
    };
    Problem::error(&file.path, line, "csv", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> (Option<PanelFile>, Vec<String>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("expert.csv");
        std::fs::write(&path, text).expect("write");
        let mut report = Report::default();
        let file = crate::content::result_files::read_input(dir.path(), &path, &mut report).expect("readable");
        let parsed = parse(Panel::Expert, file, &mut report);
        let problems = report.sorted().iter().map(|p| format!("{:?}: {}: {}", p.line, p.field, p.message)).collect();
        (parsed, problems)
    }

    #[test]
    fn a_recused_member_is_left_out_of_the_case() {
        let (parsed, problems) =
            sheet("\u{feff}案例编号,案例名称,类别,E1,E2,E3\r\na,甲,类,80,回避,90\r\nb,乙,类,70,71,72.5\r\n");
        assert!(problems.is_empty(), "{problems:?}");
        let parsed = parsed.expect("valid");
        assert_eq!(parsed.marks["a"], [80.0, 90.0]);
        assert_eq!(parsed.marks["b"], [70.0, 71.0, 72.5]);
        assert_eq!(parsed.recused["a"], ["E2"]);
        assert_eq!(parsed.file.lines.line("b"), Some(3));
    }

    #[test]
    fn each_bad_cell_is_named_by_row_and_column() {
        let (_, problems) =
            sheet("案例编号,案例名称,类别,E1,E2\na,甲,类,80,\nb,乙,类,八十,101\nc,丙,类,回避,回避\na,甲,类,1,2\n");
        assert_eq!(
            problems,
            [
                "Some(2): E2: the cell is empty: write E2's mark (0..100), or 回避 if E2 was recused from this case",
                "Some(3): E1: '八十' is not a mark: write a number from 0 to 100, or 回避",
                "Some(3): E2: the mark 101 is outside 0..100",
                "Some(4): 案例编号: every member is recused from 'c' (回避): the case has no mark",
                "Some(5): 案例编号: 'a' is listed twice (first on row 2); keep one row per case",
            ]
        );
    }

    #[test]
    fn members_appear_by_code_only() {
        let (parsed, problems) = sheet("案例编号,案例名称,类别,E1,张三\na,甲,类,80,81\n");
        assert!(parsed.is_none());
        assert_eq!(
            problems,
            [
                "Some(1): header: '张三' is not a member code: a column per member, headed by the member's code (M1, M2, \
              ... or E1, E2, ...); members are never named"
            ]
        );
    }
}
