//! Titles and summaries fit the hall's cards and the form's boxes: at most `title_max_chars` and `summary_max_chars`.

use crate::diagnostics::Report;
use crate::model::form::ApplicationForm;
use crate::model::site::Rules;

pub fn check(forms: &[ApplicationForm], rules: &Rules, report: &mut Report) {
    for form in forms {
        for (field, value, max) in
            [("title", &form.title, rules.title_max_chars), ("summary", &form.summary, rules.summary_max_chars)]
        {
            let Some(value) = value else { continue };
            let chars = value.chars().count();
            if chars > max {
                report.push(form.source.error(field, format!("is {chars} characters long; at most {max} are allowed")));
            }
        }
    }
}
