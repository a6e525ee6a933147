//! [`ApplicationForm`] (申报表): one case as its editor wrote it, public and private fields, possibly incomplete.
//!
//! Parsing checks each field on its own (present, of the right type, well-formed) and reports every problem, so that
//! the rules can still run on the fields that are fine. A form that passes becomes a [`PublicCase`] through
//! [`ApplicationForm::into_public`], which drops the private fields: nothing downstream can see them.

use std::path::PathBuf;

use jiff::civil::Date;
use serde_yaml::{Mapping, Value};

use crate::content::key_lines::KeyLines;
use crate::diagnostics::Problem;
use crate::model::case::{PhotoRef, PublicCase};
use crate::model::case_id::CaseId;
use crate::model::credit_code::CreditCode;

/// Fields shown in the hall (the form's "*" fields).
pub const PUBLIC_FIELDS: [&str; 11] = [
    "title",
    "applicant",
    "group",
    "contractor",
    "recommender",
    "category",
    "domain",
    "launched",
    "summary",
    "images",
    "tags",
];
/// Fields kept for the organisers only; they never reach `output/` nor a template.
pub const PRIVATE_FIELDS: [&str; 3] = ["credit_code", "submitted", "contact"];

/// Where a form was read from, to point problems at their line.
#[derive(Debug, Clone)]
pub struct Source {
    /// The `index.md` file.
    pub index: PathBuf,
    /// The case folder, which holds the photos.
    pub folder: PathBuf,
    pub lines: KeyLines,
    /// File line of the first front-matter line, for problems about the front matter as a whole.
    pub front_matter_line: usize,
}

impl Source {
    pub fn line(&self, field: &str) -> Option<usize> {
        self.lines.line(field).or(Some(self.front_matter_line))
    }

    pub fn error(&self, field: &str, message: impl Into<String>) -> Problem {
        Problem::error(&self.index, self.line(field), field, message)
    }

    pub fn warning(&self, field: &str, message: impl Into<String>) -> Problem {
        Problem::warning(&self.index, self.line(field), field, message)
    }
}

/// The contact person (联系人); private.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
}

/// One case's application form. `None` fields were missing or malformed and have been reported.
#[derive(Debug, Clone)]
pub struct ApplicationForm {
    pub id: CaseId,
    pub source: Source,
    /// 案例名称
    pub title: Option<String>,
    /// 申报主体: the organisation that applies (Party A)
    pub applicant: Option<String>,
    /// The parent group of the applicant, if any; a group and its branches are one applicant
    pub group: Option<String>,
    /// 承建单位: the contractor (Party B)
    pub contractor: Option<String>,
    /// The district, city department or central/provincial unit that recommends the case (推荐单位)
    pub recommender: Option<String>,
    /// 类别, a taxonomy id
    pub category: Option<String>,
    /// 领域, a taxonomy id
    pub domain: Option<String>,
    /// 投入运营时间
    pub launched: Option<Date>,
    /// 简介
    pub summary: Option<String>,
    /// The case photos as listed; checked against the folder by the photo rule
    pub images: Option<Vec<PhotoRef>>,
    /// Free keywords that help search
    pub tags: Vec<String>,
    /// The Markdown description
    pub body: String,
    /// 统一社会信用代码 (private)
    pub credit_code: Option<CreditCode>,
    /// Date the application was submitted (private)
    pub submitted: Option<Date>,
    /// 联系人 (private)
    pub contact: Option<Contact>,
}

impl ApplicationForm {
    /// The public case, with every private field dropped; `None` if a required field is missing.
    pub fn into_public(self) -> Option<PublicCase> {
        Some(PublicCase {
            id: self.id,
            title: self.title?,
            applicant: self.applicant?,
            group: self.group,
            contractor: self.contractor,
            recommender: self.recommender?,
            category: self.category?,
            domain: self.domain?,
            launched: self.launched?,
            summary: self.summary?,
            photos: self.images?,
            tags: self.tags,
            body_markdown: self.body,
            folder: self.source.folder,
        })
    }

    /// Who the 2-per-domain quota counts: the group when there is one, else the applicant.
    pub fn quota_holder(&self) -> Option<&str> {
        self.group.as_deref().or(self.applicant.as_deref())
    }
}

/// Parses the front matter `map` of case `id`, reporting every problem into `problems`.
pub fn parse(id: CaseId, source: Source, map: Mapping, body: String, problems: &mut Vec<Problem>) -> ApplicationForm {
    let mut r = FieldReader { map: &map, source: &source, problems };
    r.reject_unknown_keys();
    ApplicationForm {
        title: r.text("title", Need::Required),
        applicant: r.text("applicant", Need::Required),
        group: r.text("group", Need::Optional),
        contractor: r.text("contractor", Need::Optional),
        recommender: r.text("recommender", Need::Required),
        category: r.text("category", Need::Required),
        domain: r.text("domain", Need::Required),
        launched: r.date("launched"),
        summary: r.text("summary", Need::Required),
        images: r.images(),
        tags: r.tags(),
        credit_code: r.credit_code(),
        submitted: r.date("submitted"),
        contact: r.contact(),
        body,
        id,
        source: source.clone(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

struct FieldReader<'a> {
    map: &'a Mapping,
    source: &'a Source,
    problems: &'a mut Vec<Problem>,
}

impl FieldReader<'_> {
    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(self.source.error(field, message));
    }

    fn reject_unknown_keys(&mut self) {
        let known: Vec<&str> = PUBLIC_FIELDS.iter().chain(&PRIVATE_FIELDS).copied().collect();
        for key in self.map.keys() {
            let Some(key) = key.as_str() else {
                self.error("front matter", "every key must be a plain word such as `title`");
                continue;
            };
            if known.contains(&key) {
                continue;
            }
            let message = if key == "id" {
                "unknown field; a case's id is the name of its folder, so remove this line".to_owned()
            } else {
                unknown_key_message(key, &known)
            };
            self.problems.push(self.source.error(key, message));
        }
    }

    /// A field's value, reporting it when required and missing.
    fn value(&mut self, field: &str, need: Need) -> Option<&Value> {
        match self.map.get(field) {
            None | Some(Value::Null) if need == Need::Required => {
                let message = if self.map.contains_key(field) { "is empty" } else { "required field is missing" };
                self.error(field, message);
                None
            }
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn text(&mut self, field: &str, need: Need) -> Option<String> {
        let value = self.value(field, need)?.clone();
        self.text_of(field, &value, need)
    }

    fn text_of(&mut self, field: &str, value: &Value, need: Need) -> Option<String> {
        match scalar_text(value) {
            Ok(s) if s.is_empty() && need == Need::Required => {
                self.error(field, "is empty");
                None
            }
            Ok(s) if s.is_empty() => None,
            Ok(s) => Some(s),
            Err(found) => {
                self.error(field, format!("expected text, found {found}"));
                None
            }
        }
    }

    fn date(&mut self, field: &str) -> Option<Date> {
        let text = self.text(field, Need::Required)?;
        match text.parse::<Date>() {
            Ok(date) if text.len() == 10 => Some(date),
            _ => {
                self.error(field, format!("expected a date such as 2020-05-31, found '{text}'"));
                None
            }
        }
    }

    fn credit_code(&mut self) -> Option<CreditCode> {
        let text = self.text("credit_code", Need::Required)?;
        match CreditCode::parse(&text) {
            Ok(code) => Some(code),
            Err(e) => {
                self.error("credit_code", format!("invalid unified social credit code: {e}"));
                None
            }
        }
    }

    fn tags(&mut self) -> Vec<String> {
        let Some(value) = self.value("tags", Need::Optional).cloned() else { return Vec::new() };
        let Value::Sequence(items) = value else {
            self.error("tags", "expected a list such as [医保, 移动支付]");
            return Vec::new();
        };
        let mut tags = Vec::new();
        for (i, item) in items.iter().enumerate() {
            tags.extend(self.text_of(&format!("tags[{i}]"), item, Need::Required));
        }
        tags
    }

    fn images(&mut self) -> Option<Vec<PhotoRef>> {
        let value = self.value("images", Need::Required)?.clone();
        let Value::Sequence(items) = value else {
            self.error("images", "expected a list of photos, each `- file: name.jpg` with a `caption:`");
            return None;
        };
        let mut photos = Vec::with_capacity(items.len());
        let mut all_ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.photo(&format!("images[{i}]"), item) {
                Some(photo) => photos.push(photo),
                None => all_ok = false,
            }
        }
        all_ok.then_some(photos)
    }

    fn photo(&mut self, field: &str, item: &Value) -> Option<PhotoRef> {
        let map = match item {
            Value::String(file) => return Some(PhotoRef { file: file.trim().to_owned(), caption: None }),
            Value::Mapping(map) => map,
            _ => {
                self.error(field, "expected `file: name.jpg` and `caption: ...`");
                return None;
            }
        };
        for key in map.keys() {
            let key = key.as_str().unwrap_or("?");
            if key != "file" && key != "caption" {
                let message = unknown_key_message(key, &["file", "caption"]);
                self.error(&format!("{field}.{key}"), message);
            }
        }
        let file_field = format!("{field}.file");
        let file = match map.get("file") {
            Some(v) => self.text_of(&file_field, v, Need::Required)?,
            None => {
                self.error(&file_field, "required field is missing");
                return None;
            }
        };
        let caption_field = format!("{field}.caption");
        let caption = map.get("caption").and_then(|v| self.text_of(&caption_field, v, Need::Optional));
        Some(PhotoRef { file, caption })
    }

    fn contact(&mut self) -> Option<Contact> {
        let value = self.value("contact", Need::Required)?.clone();
        let Value::Mapping(map) = value else {
            self.error("contact", "expected `name:`, `phone:` and optionally `email:` on indented lines");
            return None;
        };
        for key in map.keys() {
            let key = key.as_str().unwrap_or("?");
            if !["name", "phone", "email"].contains(&key) {
                let message = unknown_key_message(key, &["name", "phone", "email"]);
                self.error(&format!("contact.{key}"), message);
            }
        }
        let part = |reader: &mut Self, key: &str, need: Need| {
            let field = format!("contact.{key}");
            match map.get(key) {
                Some(v) => reader.text_of(&field, v, need),
                None if need == Need::Required => {
                    reader.error(&field, "required field is missing");
                    None
                }
                None => None,
            }
        };
        let name = part(self, "name", Need::Required);
        let phone = part(self, "phone", Need::Required);
        let email = part(self, "email", Need::Optional);
        let phone = phone.filter(|phone| {
            let ok = is_phone(phone);
            if !ok {
                let message = format!("'{phone}' is not a phone number (7 to 20 digits, with - + ( ) or spaces)");
                self.error("contact.phone", message);
            }
            ok
        });
        let email_ok = email.as_deref().is_none_or(|email| {
            let ok = is_email(email);
            if !ok {
                self.error("contact.email", format!("'{email}' is not an email address"));
            }
            ok
        });
        if !email_ok {
            return None;
        }
        Some(Contact { name: name?, phone: phone?, email })
    }
}

/// The text of a scalar; numbers count as text (a phone number written without quotes). Else what was found.
fn scalar_text(value: &Value) -> Result<String, &'static str> {
    match value {
        Value::String(s) => Ok(crate::model::cjk::tidy_spaces(s)),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok(String::new()),
        Value::Bool(_) => Err("true/false"),
        Value::Sequence(_) => Err("a list"),
        Value::Mapping(_) => Err("indented fields"),
        Value::Tagged(_) => Err("a tagged value"),
    }
}

fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || "-+() ".contains(c))
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// "unknown field; did you mean `title`?" when a known key is close, else the list of known keys.
pub fn unknown_key_message(key: &str, known: &[&str]) -> String {
    match did_you_mean(key, known) {
        Some(best) => format!("unknown field; did you mean `{best}`?"),
        None => format!("unknown field; the known fields are {}", known.join(", ")),
    }
}

/// The known word closest to `word`, if it is close enough to be a typo and no other word is as close.
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let mut scored: Vec<(f64, &str)> = known.iter().map(|k| (strsim::jaro_winkler(word, k), *k)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, k), (second, _), ..] if *best > 0.8 && best > second => Some(k),
        [(best, k)] if *best > 0.8 => Some(k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_key() {
        assert_eq!(did_you_mean("titel", &PUBLIC_FIELDS), Some("title"));
        assert_eq!(did_you_mean("lauched", &PUBLIC_FIELDS), Some("launched"));
        assert_eq!(did_you_mean("标题", &PUBLIC_FIELDS), None);
        assert_eq!(did_you_mean("photo-9.png", &["photo-1.png", "photo-4.png"]), None, "a tie is no suggestion");
    }

    #[test]
    fn phone_and_email_shapes() {
        assert!(is_phone("0532-85916914"));
        assert!(is_phone("18663956505"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("call me"));
        assert!(is_email("a@b.cn"));
        assert!(!is_email("a@b"));
        assert!(!is_email("@b.cn"));
    }
}
