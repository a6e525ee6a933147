//! 申报时间自7月8日至8月21日: an application must be submitted within the window, both days included.

use crate::diagnostics::Report;
use crate::model::form::ApplicationForm;
use crate::model::site::Rules;

pub fn check(forms: &[ApplicationForm], rules: &Rules, report: &mut Report) {
    for form in forms {
        let Some(submitted) = form.submitted else { continue };
        let message = if submitted < rules.submissions_open {
            format!("submitted on {submitted}, before applications opened on {}", rules.submissions_open)
        } else if submitted > rules.submissions_close {
            format!(
                "submitted on {submitted}, after applications closed on {}; late applications are not reviewed",
                rules.submissions_close
            )
        } else {
            continue;
        };
        report.push(form.source.error("submitted", message));
    }
}
