//! A case folder that already exists for a row's id: which of its fields the row would change, and the case file
//! an update writes (the existing file with only the changed fields replaced).

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::content::front_matter;
use crate::intake::application::{Application, OPTIONAL_FIELDS};

/// An existing `index.md`, parsed.
#[derive(Debug, Clone)]
pub struct ExistingCase {
    pub front_matter: Mapping,
    pub body: String,
}

/// Reads `folder/index.md`; `None` when the folder does not exist, an error when it cannot be read as a case.
pub fn read(folder: &Path) -> Result<Option<ExistingCase>, String> {
    if !folder.exists() {
        return Ok(None);
    }
    let index = folder.join("index.md");
    let text = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let parts = front_matter::split(&text).map_err(|e| format!("{}: {e}", index.display()))?;
    let front_matter = match serde_yaml::from_str(parts.yaml) {
        Ok(Value::Mapping(map)) => map,
        _ => return Err(format!("{}: the front matter cannot be read; run generator check", index.display())),
    };
    Ok(Some(ExistingCase { front_matter, body: parts.body.trim().to_owned() }))
}

impl ExistingCase {
    /// The front-matter fields (and `description`) whose value in `application` differs from this case's.
    pub fn changed_fields(&self, application: &Application) -> Vec<&'static str> {
        let mut changed: Vec<&'static str> = application
            .fields
            .iter()
            .filter(|(key, value)| normal(self.front_matter.get(*key).unwrap_or(&Value::Null)) != normal(value))
            .map(|(key, _)| *key)
            .collect();
        if !application.body.is_empty() && application.body.trim() != self.body {
            changed.push("description");
        }
        changed
    }

    /// The case file an update writes: this file's front matter with the `changed` fields replaced (an emptied
    /// optional field removed), and the row's description when it changed.
    pub fn updated(&self, application: &Application, changed: &[&str]) -> (Mapping, String) {
        let mut front_matter = self.front_matter.clone();
        for (key, value) in &application.fields {
            if !changed.contains(key) {
                continue;
            }
            if value.is_null() && OPTIONAL_FIELDS.contains(key) {
                front_matter.remove(*key);
            } else {
                front_matter.insert(Value::from(*key), value.clone());
            }
        }
        let body = if changed.contains(&"description") { application.body.clone() } else { self.body.clone() };
        (front_matter, body)
    }
}

/// A value as compared: numbers and booleans as text (`phone: 18663956505` written without quotes is the same
/// phone), text trimmed, empty fields of a mapping left out.
fn normal(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::from(s.trim()),
        Value::Number(n) => Value::from(n.to_string()),
        Value::Bool(b) => Value::from(b.to_string()),
        Value::Sequence(items) => Value::Sequence(items.iter().map(normal).collect()),
        Value::Mapping(map) => {
            Value::Mapping(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), normal(v))).collect())
        }
        Value::Null | Value::Tagged(_) => value.clone(),
    }
}

/// The text of a case file: the front matter between `---` lines, a blank line, the description.
pub fn case_file(front_matter: &Mapping, body: &str) -> String {
    // Serialising a mapping of plain values cannot fail.
    let yaml = serde_yaml::to_string(front_matter).unwrap_or_default();
    format!("---\n{yaml}---\n\n{}\n", body.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_numbers_and_empty_email_are_not_changes() {
        let written: Value = serde_yaml::from_str("name: 张三\nphone: 18663956505\nemail:\n").expect("yaml");
        let imported: Value = serde_yaml::from_str("name: 张三\nphone: '18663956505'\n").expect("yaml");
        assert_eq!(normal(&written), normal(&imported));
    }

    #[test]
    fn a_case_file_has_front_matter_then_the_description() {
        let map: Mapping =
            serde_yaml::from_str("title: 智慧港口\nlaunched: 2020-01-08\nphone: '0532'\n").expect("yaml");
        assert_eq!(
            case_file(&map, "## 建设背景\n\n正文\n"),
            "---\ntitle: 智慧港口\nlaunched: 2020-01-08\nphone: '0532'\n---\n\n## 建设背景\n\n正文\n"
        );
    }
}
