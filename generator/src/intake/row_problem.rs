//! A problem of one application, pinned to its row and column of the export, and what kind of problem it is for
//! the 审核 report (an incomplete form, a late submission, a problem upload, a wrong entry).

use crate::diagnostics::Severity;
use crate::intake::columns;

/// What the 审核 report says of a problem, in the organisers' terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A required entry of the form is empty (《申报表》填写不完整).
    Missing,
    /// Submitted after the window closed (超过申报时间).
    Late,
    /// Submitted before the window opened.
    Early,
    /// A photo or other upload is missing or unusable (上传材料存在问题), with what is wrong in Chinese.
    Upload(String),
    /// An entry is filled in but wrong (《申报表》填写有误).
    Invalid,
    /// Anything else, said in Chinese.
    Other(String),
}

/// One problem of one row: `SHEET:row:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    /// The form's column (案例名称), even when the export names it otherwise.
    pub column: &'static str,
    pub message: String,
    pub severity: Severity,
    pub kind: Kind,
}

impl RowProblem {
    pub fn error(row: usize, column: &'static str, kind: Kind, message: impl Into<String>) -> Self {
        RowProblem { row, column, message: message.into(), severity: Severity::Error, kind }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order problems are printed in: by row, then by the column's place in the form.
    pub fn sort_key(&self) -> (usize, usize, Severity, &str) {
        let place = columns::FIELDS.iter().position(|(name, _)| *name == self.column).unwrap_or(0);
        (self.row, place, self.severity, &self.message)
    }

    /// The problem a rule of `generator check` found in the case a row would become: `field` is the front-matter
    /// field the rule named, `message` its words.
    pub fn from_check(row: usize, field: &str, message: &str, severity: Severity) -> Self {
        let column = columns::Columns::of_field(field);
        let kind = classify(field, column, message);
        RowProblem { row, column, message: message.to_owned(), severity, kind }
    }
}

/// The kind of a problem found by a rule of `generator check`, from the field and the rule's words.
fn classify(field: &str, column: &str, message: &str) -> Kind {
    let has = |words: &str| message.contains(words);
    if has("is empty") || has("required field is missing") {
        return Kind::Missing;
    }
    if field == "submitted" && has("after applications closed") {
        return Kind::Late;
    }
    if field == "submitted" && has("before applications opened") {
        return Kind::Early;
    }
    if field.starts_with("images") {
        let what = if has("not found") {
            "未找到"
        } else if has("lists") && has("photos") {
            "数量不符（须上传4张图片）"
        } else if has("listed twice") {
            "与其他图片重复"
        } else if has("a photo may be at most") {
            "文件过大"
        } else if has("megapixels") {
            "像素过多"
        } else if has("not a JPEG or PNG") || has("is not a .jpg") {
            "不是JPG或PNG格式"
        } else {
            "文件损坏，无法打开"
        };
        let which = if field == "images" && has("lists") { "图片" } else { column };
        return Kind::Upload(format!("{which}{what}"));
    }
    if field == "launched" && has("in operation from") {
        return Kind::Other("投入运营时间晚于申报条件规定的时间".to_owned());
    }
    if has("per domain") {
        return Kind::Other("同一申报主体在同一领域申报的案例超过限额".to_owned());
    }
    if has("characters long") {
        return Kind::Other(format!("{column}超过字数限制"));
    }
    Kind::Invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(field: &str, message: &str) -> Kind {
        RowProblem::from_check(2, field, message, Severity::Error).kind
    }

    #[test]
    fn the_rules_words_give_the_kind_of_problem() {
        assert_eq!(kind("title", "is empty"), Kind::Missing);
        assert_eq!(
            kind("submitted", "submitted on 2020-08-22, after applications closed on 2020-08-21; late ..."),
            Kind::Late
        );
        assert_eq!(kind("images[1].file", "'a.jpg' not found in the case folder"), Kind::Upload("图片2未找到".into()));
        assert_eq!(
            kind("images", "lists 3 photos; a case needs exactly 4"),
            Kind::Upload("图片数量不符（须上传4张图片）".into())
        );
        assert_eq!(kind("credit_code", "invalid unified social credit code: ..."), Kind::Invalid);
    }
}
