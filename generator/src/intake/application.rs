//! One row of the export read as an application: the front-matter fields of the case it would become (public and
//! private fields where the form puts them), its description and where its photos are under `--photos`.
//!
//! Only what the sheet alone can tell is reported here (an unreadable date, a category that is no name nor id, a
//! photo missing from `--photos`); every rule of `generator check` runs later on the case as it would be written.

use std::path::{Component, Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::intake::cells::Cell;
use crate::intake::columns::{CAPTIONS, Columns, DESCRIPTION, ID, PHOTOS};
use crate::intake::row_problem::{Kind, RowProblem};
use crate::intake::sheet::Row;
use crate::model::case_id::CaseId;
use crate::model::site::{Site, Term};
use crate::text::did_you_mean;

/// Front-matter fields that may be left out when empty.
pub const OPTIONAL_FIELDS: [&str; 3] = ["group", "contractor", "tags"];

/// What one row would write.
#[derive(Debug, Clone)]
pub struct Application {
    pub row: usize,
    /// 案例ID as written (for the report), and as an id when it is one.
    pub id_text: String,
    pub id: Option<CaseId>,
    pub title: String,
    pub applicant: String,
    /// The front-matter fields in the documented order; `Null` where the sheet's cell is empty. Fields whose column
    /// the sheet does not have are not listed.
    pub fields: Vec<(&'static str, Value)>,
    /// The Markdown description (案例介绍).
    pub body: String,
    /// The photos found under `--photos`.
    pub photos: Vec<Photo>,
}

/// A photo of a row, found under `--photos`.
#[derive(Debug, Clone)]
pub struct Photo {
    /// 图片1..图片4
    pub column: &'static str,
    /// Its file name in the case folder.
    pub name: String,
    /// The file to copy.
    pub source: PathBuf,
}

impl Application {
    /// The front matter as a fresh case file holds it: empty optional fields left out.
    pub fn front_matter(&self) -> Mapping {
        self.fields
            .iter()
            .filter(|(key, value)| !(value.is_null() && OPTIONAL_FIELDS.contains(key)))
            .map(|(key, value)| (Value::from(*key), value.clone()))
            .collect()
    }
}

/// Reads row `row` of the export, reporting what the sheet alone shows to be wrong.
pub fn read(
    row: &Row,
    columns: &Columns,
    site: &Site,
    photos_dir: &Path,
    problems: &mut Vec<RowProblem>,
) -> Application {
    let mut r = RowReader { row, columns, problems };
    let id_text = r.cell(ID).code();
    let id = match id_text.parse::<CaseId>() {
        Ok(id) => Some(id),
        Err(_) if id_text.is_empty() => {
            r.problem(ID, Kind::Missing, "is empty; give the case its id (lowercase ASCII, e.g. port-automation)");
            None
        }
        Err(e) => {
            r.problem(ID, Kind::Invalid, e.to_string());
            None
        }
    };
    let mut fields = Vec::new();
    for (key, column) in [("title", "案例名称"), ("applicant", "申报主体"), ("group", "所属集团")] {
        r.push_text(&mut fields, key, column, Cell::line);
    }
    r.push_text(&mut fields, "contractor", "承建单位", Cell::line);
    r.push_text(&mut fields, "recommender", "推荐单位", Cell::line);
    let category = r.term("类别", "category", &site.taxonomy.categories);
    fields.push(("category", category));
    let domain = r.term("领域", "domain", &site.taxonomy.domains);
    fields.push(("domain", domain));
    fields.push(("launched", r.date("投入运营时间")));
    r.push_text(&mut fields, "summary", "案例简介", Cell::line);
    if columns.index("关键词").is_some() {
        fields.push(("tags", tags(&r.cell("关键词").line())));
    }
    let (images, photos) = r.images(id.as_ref(), photos_dir);
    fields.push(("images", images));
    r.push_text(&mut fields, "credit_code", "统一社会信用代码", |c| c.code().to_ascii_uppercase());
    fields.push(("submitted", r.date("提交时间")));
    fields.push(("contact", r.contact()));
    let body = r.body(id.as_ref(), photos_dir);
    let title = r.cell("案例名称").line();
    let applicant = r.cell("申报主体").line();
    Application { row: row.number, id_text, id, title, applicant, fields, body, photos }
}

struct RowReader<'a> {
    row: &'a Row,
    columns: &'a Columns,
    problems: &'a mut Vec<RowProblem>,
}

impl RowReader<'_> {
    fn cell(&self, column: &str) -> &Cell {
        self.row.cell(self.columns.index(column))
    }

    fn problem(&mut self, column: &'static str, kind: Kind, message: impl Into<String>) {
        self.problems.push(RowProblem::error(self.row.number, column, kind, message));
    }

    /// Lists field `key` from `column`, when the sheet has the column (required fields always).
    fn push_text(
        &mut self,
        fields: &mut Vec<(&'static str, Value)>,
        key: &'static str,
        column: &str,
        text: impl Fn(&Cell) -> String,
    ) {
        if self.columns.index(column).is_none() && OPTIONAL_FIELDS.contains(&key) {
            return;
        }
        fields.push((key, text_value(text(self.cell(column)))));
    }

    /// A category or domain given by id or by name, as its id.
    fn term(&mut self, column: &'static str, what: &str, terms: &[Term]) -> Value {
        let given = self.cell(column).line();
        if given.is_empty() {
            return Value::Null;
        }
        if let Some(term) = terms.iter().find(|t| t.id == given || t.name == given) {
            return Value::from(term.id.clone());
        }
        let known: Vec<&str> = terms.iter().flat_map(|t| [t.id.as_str(), t.name.as_str()]).collect();
        let term_of = |word: &str| terms.iter().find(|t| t.id == word || t.name == word);
        let message = match did_you_mean(&given, &known).and_then(term_of) {
            Some(term) => format!("unknown {what} '{given}'; did you mean {} ({})?", term.name, term.id),
            None => {
                let list: Vec<String> = terms.iter().map(|t| format!("{} ({})", t.name, t.id)).collect();
                format!("unknown {what} '{given}'; site.yaml lists {}", list.join(", "))
            }
        };
        self.problem(column, Kind::Invalid, message);
        Value::Null
    }

    fn date(&mut self, column: &'static str) -> Value {
        match self.cell(column).date() {
            Ok(Some(date)) => Value::from(date.to_string()),
            Ok(None) => Value::Null,
            Err(text) => {
                let message = format!("expected a date such as 2020-07-15, 2020/7/15 or 2020年7月15日, found '{text}'");
                self.problem(column, Kind::Invalid, message);
                Value::Null
            }
        }
    }

    fn contact(&mut self) -> Value {
        let mut contact = Mapping::new();
        contact.insert("name".into(), text_value(self.cell("联系人").line()));
        contact.insert("phone".into(), text_value(self.cell("联系电话").code()));
        let email = self.cell("电子邮箱").code();
        if !email.is_empty() {
            contact.insert("email".into(), Value::from(email));
        }
        Value::Mapping(contact)
    }

    /// The four photos as the front matter lists them, and the files found for them under `photos_dir`.
    fn images(&mut self, id: Option<&CaseId>, photos_dir: &Path) -> (Value, Vec<Photo>) {
        let mut listed = Vec::new();
        let mut found = Vec::new();
        for (file_column, caption_column) in PHOTOS.into_iter().zip(CAPTIONS) {
            let given = self.cell(file_column).line();
            let mut entry = Mapping::new();
            let name = Path::new(&given).file_name().map(|n| n.to_string_lossy().into_owned());
            entry.insert("file".into(), name.clone().map_or(Value::Null, Value::from));
            let caption = self.cell(caption_column).line();
            if !caption.is_empty() {
                entry.insert("caption".into(), Value::from(caption));
            }
            listed.push(Value::Mapping(entry));
            if let Some(name) = name {
                match locate(photos_dir, id, &given) {
                    Ok(source) => found.push(Photo { column: file_column, name, source }),
                    Err(message) => self.problem(file_column, Kind::Upload(format!("{file_column}未找到")), message),
                }
            }
        }
        (Value::Sequence(listed), found)
    }

    /// 案例介绍: the column, else `<id>.md` or `<id>.txt` under `photos_dir` (UTF-8 or GBK).
    fn body(&mut self, id: Option<&CaseId>, photos_dir: &Path) -> String {
        let text = self.cell(DESCRIPTION).paragraphs();
        if !text.is_empty() {
            return text;
        }
        let Some(id) = id else {
            self.problem(DESCRIPTION, Kind::Missing, "is empty");
            return String::new();
        };
        for extension in ["md", "txt"] {
            let path = photos_dir.join(format!("{id}.{extension}"));
            let Ok(bytes) = std::fs::read(&path) else { continue };
            match crate::intake::sheet::decode(&bytes) {
                Ok((_, text)) => return Cell::Text(text.replace("\r\n", "\n")).paragraphs(),
                Err(e) => {
                    self.problem(DESCRIPTION, Kind::Invalid, format!("{}: {e}", path.display()));
                    return String::new();
                }
            }
        }
        let message = format!(
            "is empty; fill in the column or put {id}.md or {id}.txt in {} (the photos' folder)",
            photos_dir.display()
        );
        self.problem(DESCRIPTION, Kind::Missing, message);
        String::new()
    }
}

fn text_value(text: String) -> Value {
    if text.is_empty() { Value::Null } else { Value::from(text) }
}

/// 关键词 as a list: split at commas, 、, semicolons and spaces.
fn tags(text: &str) -> Value {
    let tags: Vec<Value> = text
        .split([',', '，', '、', ';', '；', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Value::from)
        .collect();
    if tags.is_empty() { Value::Null } else { Value::Sequence(tags) }
}

/// The file a photo cell names: `photos_dir/<name>`, else `photos_dir/<id>/<name>`; or why there is none, with the
/// closest file name there is.
fn locate(photos_dir: &Path, id: Option<&CaseId>, given: &str) -> Result<PathBuf, String> {
    let relative = Path::new(given);
    if relative.is_absolute() || relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!("'{given}' must name a file inside {} (the photos' folder)", photos_dir.display()));
    }
    let mut folders = vec![photos_dir.to_path_buf()];
    folders.extend(id.map(|id| photos_dir.join(id.as_str())));
    if let Some(path) = folders.iter().map(|f| f.join(relative)).find(|p| p.is_file()) {
        return Ok(path);
    }
    let mut present: Vec<String> = Vec::new();
    for folder in &folders {
        let Ok(entries) = std::fs::read_dir(folder) else { continue };
        let prefix = folder.strip_prefix(photos_dir).unwrap_or(folder);
        present.extend(
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| prefix.join(e.file_name()).to_string_lossy().into_owned()),
        );
    }
    present.sort();
    let candidates: Vec<&str> = present.iter().map(String::as_str).collect();
    Err(match did_you_mean(given, &candidates) {
        Some(best) => format!("'{given}' not found in {}; did you mean '{best}'?", photos_dir.display()),
        None => format!("'{given}' not found in {}", photos_dir.display()),
    })
}

/// The form column of front-matter field `key`, for saying which fields an update changed.
pub fn column_of(key: &str) -> &'static str {
    match key {
        "images" => "图片",
        "contact" => "联系人",
        "description" => DESCRIPTION,
        _ => Columns::of_field(key),
    }
}
