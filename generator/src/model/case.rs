//! [`PublicCase`]: a validated case as the hall may show it. It has no private field, by construction.

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::case_id::CaseId;

/// A photo as listed in the front matter: a file in the case folder and its caption, used as alt text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoRef {
    pub file: String,
    pub caption: Option<String>,
}

/// The public part of an approved case: what the notice allows the hall to show (the form's "*" fields).
///
/// This type is what templates and JSON files receive. Private fields (contact, credit code, submission date) are
/// not members, so they cannot leak by mistake.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCase {
    pub id: CaseId,
    /// 案例名称
    pub title: String,
    /// 申报主体
    pub applicant: String,
    pub group: Option<String>,
    /// 承建单位
    pub contractor: Option<String>,
    /// 推荐单位
    pub recommender: String,
    pub category: String,
    pub domain: String,
    /// 投入运营时间
    pub launched: Date,
    /// 简介
    pub summary: String,
    pub photos: Vec<PhotoRef>,
    pub tags: Vec<String>,
    pub body_markdown: String,
    /// The case folder the photos are read from; not published.
    #[serde(skip)]
    pub folder: PathBuf,
}
