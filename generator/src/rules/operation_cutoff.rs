//! 2020年5月31日前投入运营: a case must be in operation on or before the cut-off day.

use crate::diagnostics::Report;
use crate::model::form::ApplicationForm;
use crate::model::site::Rules;

pub fn check(forms: &[ApplicationForm], rules: &Rules, report: &mut Report) {
    for form in forms {
        if let Some(launched) = form.launched
            && launched > rules.launched_by
        {
            report.push(form.source.error(
                "launched",
                format!(
                    "in operation from {launched}, but the selection admits only cases in operation by {}",
                    rules.launched_by
                ),
            ));
        }
    }
}
