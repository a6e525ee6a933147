//! [`ApplicationForm`] (申报表): one case as its editor wrote it, public and private fields, possibly incomplete.
//!
//! Reading a front matter into a form is `content::case_fields`. A form that passes every check becomes a
//! [`PublicCase`] through [`ApplicationForm::into_public`], which drops the private fields: nothing downstream can see
//! them.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::diagnostics::{KeyLines, Problem};
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
