//! `generator new <id>`: a new case folder with a commented front matter to fill in.

use std::path::{Path, PathBuf};

use crate::model::case_id::CaseId;

/// The front matter and description of a new case; every field is explained where it is written. Nothing is filled
/// in for the editor, not even a plausible date, so that `check` asks for every required field.
const TEMPLATE: &str = r#"---
# 案例名称 (public, at most rules.title_max_chars characters)
title: 
# 申报主体: the organisation that applies, Party A (public)
applicant: 
# The parent group, if the applicant is a branch; a group and its branches share the 2-per-domain quota (public)
group: 
# 承建单位: the contractor, Party B; may stay empty (public)
contractor: 
# 推荐单位: the district, city department or central/provincial unit that recommends the case (public)
recommender: 
# A category id and a domain id from content/site.yaml, e.g. applications and smart-city (public)
category: 
domain: 
# 投入运营时间, a date such as 2020-05-31, no later than rules.launched_by (public)
launched: 
# 简介: one paragraph (public)
summary: 
# Keywords that help search; optional (public)
tags: []
# Exactly rules.photos_per_case photos, JPEG or PNG files in this folder; the caption is the photo's alt text (public)
images:
  - file: photo-1.jpg
    caption: 
  - file: photo-2.jpg
    caption: 
  - file: photo-3.jpg
    caption: 
  - file: photo-4.jpg
    caption: 
# PRIVATE from here on: checked, never published.
# 统一社会信用代码, 18 characters
credit_code: 
# The date the application was submitted, such as 2020-07-08, within the application window
submitted: 
contact:
  name: 
  phone: 
  email: 
---

## 建设背景

## 主要做法

## 应用成效
"#;

/// Creates `content/cases/<id>/index.md`, or says why not.
pub fn new_case(content: &Path, id: &str) -> Result<PathBuf, String> {
    let id: CaseId = id.parse().map_err(|e| format!("the id {e}"))?;
    let folder = content.join("cases").join(id.as_str());
    if folder.exists() {
        return Err(format!("{} already exists", folder.display()));
    }
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let index = folder.join("index.md");
    std::fs::write(&index, TEMPLATE).map_err(|e| format!("{}: {e}", index.display()))?;
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_case_is_a_folder_with_a_template_and_ids_are_checked() {
        let dir = tempfile::tempdir().expect("temp");
        let index = new_case(dir.path(), "port-ai").expect("created");
        assert!(std::fs::read_to_string(index).expect("read").contains("credit_code:"));
        assert!(new_case(dir.path(), "port-ai").expect_err("exists").contains("already exists"));
        assert!(new_case(dir.path(), "Port AI").is_err());
    }

    #[test]
    fn a_new_case_leaves_its_dates_for_the_editor() {
        let dir = tempfile::tempdir().expect("temp");
        let index = new_case(dir.path(), "port-ai").expect("created");
        let (_, problems) = crate::content::case_folder::read_one(index.parent().expect("folder"));
        let dates: Vec<(Option<usize>, &str, &str)> = problems
            .iter()
            .filter(|p| p.field == "launched" || p.field == "submitted")
            .map(|p| (p.line, p.field.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(dates, [(Some(16), "launched", "is empty"), (Some(35), "submitted", "is empty")]);
    }
}
