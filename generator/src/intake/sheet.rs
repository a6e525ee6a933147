//! Reads the submission system's export: the first worksheet of an XLSX (or XLS, ODS) workbook, or a CSV file in
//! UTF-8 (with or without a byte-order mark) or GBK, which Chinese systems still export. Rows are numbered as the
//! spreadsheet shows them.

use std::fmt;
use std::path::Path;

use calamine::{Data, Reader};

use crate::intake::cells::Cell;

/// The largest CSV export read: a few thousand applications of text are a few MB.
const MAX_CSV_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of file the sheet was, as told to the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Workbook,
    CsvUtf8Bom,
    CsvUtf8,
    CsvGbk,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Workbook => "workbook (first worksheet)",
            Format::CsvUtf8Bom => "CSV in UTF-8 with a byte-order mark",
            Format::CsvUtf8 => "CSV in UTF-8",
            Format::CsvGbk => "CSV in GBK",
        })
    }
}

/// One application: its row number as the spreadsheet shows it and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, index: Option<usize>) -> &Cell {
        index.and_then(|i| self.cells.get(i)).unwrap_or(&Cell::Empty)
    }
}

/// The export: its header row and the rows below it that hold anything.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub format: Format,
    pub header_row: usize,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Why the export cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("is not a workbook that can be read ({0}); export the sheet as XLSX or CSV")]
    Workbook(String),
    #[error("has no worksheet")]
    NoWorksheet,
    #[error("is not CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("is neither UTF-8 nor GBK text; export it as CSV (UTF-8) or XLSX")]
    Encoding,
    #[error("is {0}; the largest export read is 64 MiB")]
    TooBig(String),
    #[error("is empty: it has no header row")]
    Empty,
}

/// Reads `path`: a workbook when its name ends in .xlsx, .xlsm, .xls or .ods (or it starts as a zip file does),
/// else CSV. The header row is the first row with a cell `id_header` (so that a title row above the table is
/// skipped), else the first row that is not empty.
pub fn read(path: &Path, id_header: &str) -> Result<Sheet, SheetError> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let is_workbook = match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => true,
        "csv" | "txt" => false,
        _ => starts_like_a_zip(path)?,
    };
    let (format, grid) = if is_workbook { (Format::Workbook, read_workbook(path)?) } else { read_csv(path)? };
    from_grid(format, grid, id_header)
}

fn starts_like_a_zip(path: &Path) -> Result<bool, SheetError> {
    use std::io::Read;
    let mut head = [0u8; 4];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    Ok(n == 4 && head == *b"PK\x03\x04")
}

/// Cells by (row number, cells), the header row first.
type Grid = Vec<(usize, Vec<Cell>)>;

fn from_grid(format: Format, grid: Grid, id_header: &str) -> Result<Sheet, SheetError> {
    let mut rows: Vec<(usize, Vec<Cell>)> =
        grid.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.line().is_empty())).collect();
    let at = rows.iter().position(|(_, cells)| cells.iter().any(|c| header_text(c) == id_header)).unwrap_or(0);
    let mut rows = rows.drain(at..);
    let (header_row, header_cells) = rows.next().ok_or(SheetError::Empty)?;
    let headers = header_cells.iter().map(header_text).collect();
    let rows = rows.map(|(number, cells)| Row { number, cells }).collect();
    Ok(Sheet { format, header_row, headers, rows })
}

/// A header as compared with the form's column names: one line, without the `*` that marks a required entry.
fn header_text(cell: &Cell) -> String {
    cell.line().trim_matches(['*', '＊', ' ']).to_owned()
}

fn read_workbook(path: &Path) -> Result<Grid, SheetError> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| SheetError::Workbook(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(SheetError::NoWorksheet)?
        .map_err(|e| SheetError::Workbook(e.to_string()))?;
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![Cell::Empty; first_column];
            row.extend(cells.iter().map(cell_of));
            (first + i + 1, row)
        })
        .collect())
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            match jiff::civil::Date::new(year as i16, month as i8, day as i8) {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Number(dt.as_f64()),
            }
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn read_csv(path: &Path) -> Result<(Format, Grid), SheetError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_CSV_BYTES {
        return Err(SheetError::TooBig(crate::text::human_bytes(size)));
    }
    let bytes = std::fs::read(path)?;
    let (format, text) = decode(&bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let cells = record.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) });
        grid.push((i + 1, cells.collect()));
    }
    Ok((format, grid))
}

/// The text of a CSV export and the encoding it was found in: UTF-8 (a byte-order mark removed) when the bytes are
/// valid UTF-8, else GBK (read as GB 18030, its superset).
pub fn decode(bytes: &[u8]) -> Result<(Format, String), SheetError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| SheetError::Encoding)?;
        return Ok((Format::CsvUtf8Bom, text.to_owned()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Format::CsvUtf8, text.to_owned()));
    }
    let text =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).ok_or(SheetError::Encoding)?;
    Ok((Format::CsvGbk, text.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_found_and_said() {
        let (gbk, _, _) = encoding_rs::GBK.encode("案例ID,案例名称\n");
        assert_eq!(decode(&gbk).ok(), Some((Format::CsvGbk, "案例ID,案例名称\n".to_owned())));
        assert_eq!(decode("\u{feff}案例".as_bytes()).ok(), Some((Format::CsvUtf8Bom, "案例".to_owned())));
        assert_eq!(decode("案例".as_bytes()).ok(), Some((Format::CsvUtf8, "案例".to_owned())));
        assert!(matches!(decode(b"\xEF\xBB\xBF\xFF"), Err(SheetError::Encoding)));
    }

    #[test]
    fn the_header_row_is_found_and_empty_rows_are_skipped() {
        let grid = vec![
            (1, vec![Cell::Empty]),
            (2, vec![Cell::Text("2020年申报汇总".into())]),
            (3, vec![Cell::Text("*案例ID".into()), Cell::Text("案例名称".into())]),
            (4, vec![Cell::Text(" ".into())]),
            (5, vec![Cell::Text("a".into())]),
        ];
        let sheet = from_grid(Format::CsvUtf8, grid.clone(), "案例ID").expect("rows");
        assert_eq!((sheet.header_row, sheet.headers.clone()), (3, vec!["案例ID".to_owned(), "案例名称".to_owned()]));
        assert_eq!(sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [5]);
        let without_id = from_grid(Format::CsvUtf8, grid, "编号").expect("rows");
        assert_eq!(without_id.header_row, 2, "else the first row that is not empty");
    }
}
