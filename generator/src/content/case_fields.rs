//! A case's front matter read into an [`ApplicationForm`]: each field checked on its own (present, of the right type,
//! well-formed), every problem reported on its line, so that the rules can still run on the fields that are fine.

use jiff::civil::Date;
use serde_yaml::{Mapping, Value};

use crate::diagnostics::Problem;
use crate::model::case::PhotoRef;
use crate::model::case_id::CaseId;
use crate::model::credit_code::CreditCode;
use crate::model::form::{ApplicationForm, Contact, PRIVATE_FIELDS, PUBLIC_FIELDS, Source};
use crate::text::unknown_key_message;

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
        Value::String(s) => Ok(crate::text::cjk::tidy_spaces(s)),
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

#[cfg(test)]
mod tests {
    use super::*;

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
