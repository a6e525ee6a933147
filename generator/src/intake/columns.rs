//! The columns of the application form (申报表) as the submission system exports them: found by their Chinese
//! headers, or by the headers `site.yaml`'s `import.columns` maps them to, and the case field each one fills.

use std::collections::BTreeMap;

use crate::text::did_you_mean;

/// 案例ID: the ASCII case id the editor chose.
pub const ID: &str = "案例ID";
/// 案例介绍: the case description (the body of `index.md`).
pub const DESCRIPTION: &str = "案例介绍";
/// The photo columns 图片1..图片4 (file names under `--photos`).
pub const PHOTOS: [&str; 4] = ["图片1", "图片2", "图片3", "图片4"];
/// The caption columns 图片说明1..图片说明4.
pub const CAPTIONS: [&str; 4] = ["图片说明1", "图片说明2", "图片说明3", "图片说明4"];

/// Every column of the form with the front-matter field it fills (`id` names the folder, `description` is the body).
pub const FIELDS: [(&str, &str); 25] = [
    (ID, "id"),
    ("案例名称", "title"),
    ("申报主体", "applicant"),
    ("所属集团", "group"),
    ("统一社会信用代码", "credit_code"),
    ("承建单位", "contractor"),
    ("推荐单位", "recommender"),
    ("类别", "category"),
    ("领域", "domain"),
    ("投入运营时间", "launched"),
    ("提交时间", "submitted"),
    ("案例简介", "summary"),
    ("关键词", "tags"),
    ("联系人", "contact.name"),
    ("联系电话", "contact.phone"),
    ("电子邮箱", "contact.email"),
    ("图片1", "images[0].file"),
    ("图片2", "images[1].file"),
    ("图片3", "images[2].file"),
    ("图片4", "images[3].file"),
    ("图片说明1", "images[0].caption"),
    ("图片说明2", "images[1].caption"),
    ("图片说明3", "images[2].caption"),
    ("图片说明4", "images[3].caption"),
    (DESCRIPTION, "description"),
];

/// Columns a sheet must have; the others (所属集团, 承建单位, 关键词, 电子邮箱, the captions, 案例介绍) may be absent.
const REQUIRED: [&str; 16] = [
    ID,
    "案例名称",
    "申报主体",
    "统一社会信用代码",
    "推荐单位",
    "类别",
    "领域",
    "投入运营时间",
    "提交时间",
    "案例简介",
    "联系人",
    "联系电话",
    "图片1",
    "图片2",
    "图片3",
    "图片4",
];

/// Where each form column sits in the sheet, and the header the sheet shows for it.
#[derive(Debug, Clone)]
pub struct Columns {
    found: BTreeMap<&'static str, (usize, String)>,
    /// Headers of the sheet that are no column of the form; they are not imported.
    pub ignored: Vec<String>,
}

/// Why the sheet's headers cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnsError {
    #[error("import.columns.{0}: {1}")]
    UnknownMapping(String, String),
    #[error("the sheet has no column {0}{1}; the header row (row {2}) has: {3}")]
    Missing(String, String, usize, String),
}

/// Refuses a mapping in `site.yaml` whose key is no column of the form, with the closest one.
pub fn check_mapping(mapping: &BTreeMap<String, String>) -> Result<(), ColumnsError> {
    let names: Vec<&str> = FIELDS.iter().map(|(name, _)| *name).collect();
    for form_column in mapping.keys() {
        if !names.contains(&form_column.as_str()) {
            let hint = match did_you_mean(form_column, &names) {
                Some(best) => format!("no column of the form is called '{form_column}'; did you mean {best}?"),
                None => format!("no column of the form is called '{form_column}'; they are {}", names.join(", ")),
            };
            return Err(ColumnsError::UnknownMapping(form_column.clone(), hint));
        }
    }
    Ok(())
}

impl Columns {
    /// Finds the form's columns among `headers` (as the sheet gives them: one line, no `*`), with `mapping` from `site.yaml` (form column -> header).
    pub fn find(
        headers: &[String],
        mapping: &BTreeMap<String, String>,
        header_row: usize,
    ) -> Result<Columns, ColumnsError> {
        check_mapping(mapping)?;
        let names: Vec<&str> = FIELDS.iter().map(|(name, _)| *name).collect();
        let header_of = |name: &str| mapping.get(name).map_or(name, String::as_str).to_owned();
        let mut found = BTreeMap::new();
        for name in names {
            let header = header_of(name);
            if let Some(at) = headers.iter().position(|h| *h == header) {
                found.insert(name, (at, header));
            }
        }
        for name in REQUIRED {
            if !found.contains_key(name) {
                let header = header_of(name);
                let listed: Vec<&str> = headers.iter().map(|h| h.trim()).filter(|h| !h.is_empty()).collect();
                let hint = match did_you_mean(&header, &listed) {
                    Some(best) => {
                        format!(" (did you mean {best}? name it in site.yaml: import.columns: {{{name}: {best}}})")
                    }
                    None if header != name => format!(" (site.yaml maps {name} to it)"),
                    None => String::new(),
                };
                return Err(ColumnsError::Missing(header, hint, header_row, listed.join(", ")));
            }
        }
        let used: Vec<&str> = found.values().map(|(_, h)| h.as_str()).collect();
        let ignored = headers
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty() && !used.contains(h))
            .map(str::to_owned)
            .collect();
        Ok(Columns { found, ignored })
    }

    /// The index of form column `name` in a row, when the sheet has it.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.found.get(name).map(|(at, _)| *at)
    }

    /// The header the sheet shows for form column `name` (its own name when the sheet lacks it).
    pub fn shown<'a>(&'a self, name: &'a str) -> &'a str {
        self.found.get(name).map_or(name, |(_, header)| header.as_str())
    }

    /// The form column a front-matter `field` of a problem comes from (`images[1].file` -> 图片2); problems with
    /// the file or the front matter as a whole belong to the row's id.
    pub fn of_field(field: &str) -> &'static str {
        if let Some((name, _)) = FIELDS.iter().find(|(_, f)| *f == field) {
            return name;
        }
        if let Some(rest) = field.strip_prefix("images[") {
            let i = rest.chars().next().and_then(|c| c.to_digit(10)).map_or(0, |d| d as usize).min(3);
            return if rest.ends_with(".file") { PHOTOS[i] } else { CAPTIONS[i] };
        }
        match field {
            "images" => PHOTOS[0],
            "contact" => "联系人",
            f if f.starts_with("tags[") => "关键词",
            _ => ID,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|h| (*h).to_owned()).collect()
    }

    fn all() -> Vec<String> {
        let mut list: Vec<String> = FIELDS.iter().map(|(name, _)| (*name).to_owned()).collect();
        list.push("备注".to_owned());
        list
    }

    #[test]
    fn columns_are_found_by_their_chinese_headers_and_the_rest_ignored() {
        let columns = Columns::find(&all(), &BTreeMap::new(), 1).expect("all there");
        assert_eq!(columns.index("案例名称"), Some(1));
        assert_eq!(columns.ignored, ["备注"]);
    }

    #[test]
    fn site_yaml_maps_a_column_to_another_header() {
        let mut sheet = all();
        sheet[1] = "项目名称".to_owned();
        let mapping = BTreeMap::from([("案例名称".to_owned(), "项目名称".to_owned())]);
        let columns = Columns::find(&sheet, &mapping, 1).expect("mapped");
        assert_eq!((columns.index("案例名称"), columns.shown("案例名称")), (Some(1), "项目名称"));
        let wrong = BTreeMap::from([("案例名字".to_owned(), "项目名称".to_owned())]);
        assert_eq!(
            Columns::find(&sheet, &wrong, 1).map(|_| ()).map_err(|e| e.to_string()),
            Err("import.columns.案例名字: no column of the form is called '案例名字'; did you mean 案例名称?"
                .to_owned())
        );
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let err =
            Columns::find(&headers(&[ID, "案例名字"]), &BTreeMap::new(), 1).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("the sheet has no column 案例名称 (did you mean 案例名字? name it in site.yaml: import.columns: \
                 {案例名称: 案例名字}); the header row (row 1) has: 案例ID, 案例名字"
                .to_owned())
        );
    }

    #[test]
    fn problem_fields_lead_back_to_their_columns() {
        assert_eq!(Columns::of_field("images[1].file"), "图片2");
        assert_eq!(Columns::of_field("images[3]"), "图片说明4");
        assert_eq!(Columns::of_field("images[2].caption"), "图片说明3");
        assert_eq!(Columns::of_field("images"), "图片1");
        assert_eq!(Columns::of_field("contact.phone"), "联系电话");
        assert_eq!(Columns::of_field("contact"), "联系人");
        assert_eq!(Columns::of_field("tags[2]"), "关键词");
        assert_eq!(Columns::of_field("front matter"), ID);
    }
}
