//! The 审核 report: every application of the export with 通过 or 不通过 and the reasons in Chinese, ready to send
//! back to applicants. A CSV with a byte-order mark and CRLF line ends, so that WPS and Excel open it as UTF-8.
//!
//! It names no private field (credit code, contact, submission date): applicants' reasons say which entry of the
//! form is wrong, not what was written there.

use std::path::Path;

use jiff::civil::Date;

use crate::intake::row_problem::{Kind, RowProblem};
use crate::model::site::Rules;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub row: usize,
    pub id: String,
    pub title: String,
    pub applicant: String,
    /// The reasons it did not pass; empty when it passed.
    pub reasons: Vec<String>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// The reasons, in Chinese, that the errors among `problems` (all of one row) give: like problems said together,
/// e.g. 《申报表》填写不完整：缺少案例名称、联系电话.
pub fn reasons(problems: &[&RowProblem], rules: &Rules) -> Vec<String> {
    let errors: Vec<&&RowProblem> = problems.iter().filter(|p| p.is_error()).collect();
    let columns_of = |wanted: fn(&Kind) -> bool| {
        let mut columns: Vec<&str> = errors.iter().filter(|p| wanted(&p.kind)).map(|p| p.column).collect();
        columns.dedup();
        columns.join("、")
    };
    let mut reasons = Vec::new();
    let missing = columns_of(|k| *k == Kind::Missing);
    if !missing.is_empty() {
        reasons.push(format!("《申报表》填写不完整：缺少{missing}"));
    }
    let invalid = columns_of(|k| *k == Kind::Invalid);
    if !invalid.is_empty() {
        reasons.push(format!("《申报表》填写有误：{invalid}"));
    }
    if errors.iter().any(|p| p.kind == Kind::Late) {
        reasons.push(format!("超过申报时间（{}）", month_day(rules.submissions_close)));
    }
    if errors.iter().any(|p| p.kind == Kind::Early) {
        reasons.push(format!("早于申报开始时间（{}）", month_day(rules.submissions_open)));
    }
    let mut uploads: Vec<&str> = errors
        .iter()
        .filter_map(|p| if let Kind::Upload(what) = &p.kind { Some(what.as_str()) } else { None })
        .collect();
    uploads.dedup();
    if !uploads.is_empty() {
        reasons.push(format!("上传材料存在问题：{}", uploads.join("，")));
    }
    for problem in &errors {
        if let Kind::Other(reason) = &problem.kind
            && !reasons.contains(reason)
        {
            reasons.push(reason.clone());
        }
    }
    reasons
}

/// 8月21日
fn month_day(date: Date) -> String {
    format!("{}月{}日", date.month(), date.day())
}

/// The report as bytes: BOM, header, one line per application, CRLF.
pub fn to_csv(verdicts: &[Verdict]) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    let lines = verdicts.iter().map(|v| {
        let result = if v.passed() { "通过" } else { "不通过" };
        [
            v.row.to_string(),
            defuse(&v.id),
            defuse(&v.title),
            defuse(&v.applicant),
            result.to_owned(),
            v.reasons.join("；"),
        ]
    });
    let header = ["行号", "案例ID", "案例名称", "申报主体", "结果", "原因"].map(str::to_owned);
    for record in std::iter::once(header).chain(lines) {
        // Writing to memory cannot fail.
        let _ = out.write_record(&record);
    }
    out.into_inner().unwrap_or_default()
}

/// Writes the report to `path`, replacing it atomically.
pub fn write(path: &Path, verdicts: &[Verdict]) -> std::io::Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    std::io::Write::write_all(&mut file, &to_csv(verdicts))?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Text that starts with `=`, `+`, `-` or `@` gets a leading `'`, so that a spreadsheet shows it instead of running
/// it as a formula.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        serde_yaml::from_str(
            "launched_by: 2020-05-31\nsubmissions_open: 2020-07-08\nsubmissions_close: 2020-08-21\n\
             max_cases_per_applicant_per_domain: 2\nphotos_per_case: 4\nmax_photo_bytes: 1000\n",
        )
        .expect("rules")
    }

    #[test]
    fn reasons_are_said_in_chinese_like_ones_together() {
        let problems = [
            RowProblem::error(3, "案例名称", Kind::Missing, "is empty"),
            RowProblem::error(3, "联系电话", Kind::Missing, "is empty"),
            RowProblem::error(3, "提交时间", Kind::Late, "late"),
            RowProblem::error(3, "图片2", Kind::Upload("图片2未找到".into()), "x"),
            RowProblem::error(3, "图片4", Kind::Upload("图片4文件损坏，无法打开".into()), "x"),
        ];
        let all: Vec<&RowProblem> = problems.iter().collect();
        assert_eq!(
            reasons(&all, &rules()),
            [
                "《申报表》填写不完整：缺少案例名称、联系电话",
                "超过申报时间（8月21日）",
                "上传材料存在问题：图片2未找到，图片4文件损坏，无法打开"
            ]
        );
    }

    #[test]
    fn the_report_opens_in_wps_and_excel() {
        let verdicts = [
            Verdict { row: 2, id: "a".into(), title: "=甲".into(), applicant: "乙".into(), reasons: vec![] },
            Verdict {
                row: 3,
                id: "b".into(),
                title: "丙".into(),
                applicant: "丁".into(),
                reasons: vec!["x".into(), "y".into()],
            },
        ];
        let text = String::from_utf8(to_csv(&verdicts)).expect("utf-8");
        assert_eq!(
            text,
            "\u{feff}行号,案例ID,案例名称,申报主体,结果,原因\r\n2,a,'=甲,乙,通过,\r\n3,b,丙,丁,不通过,x；y\r\n"
        );
    }
}
