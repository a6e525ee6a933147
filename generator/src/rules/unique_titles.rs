//! Two cases with the same title are most likely one application entered twice: a warning, not an error.
//!
//! Ids need no rule of their own: an id is its folder's name, and one folder cannot hold two entries of one name.

use std::collections::HashMap;

use crate::diagnostics::Report;
use crate::model::form::ApplicationForm;

pub fn check(forms: &[ApplicationForm], report: &mut Report) {
    let mut first_with_title: HashMap<&str, &ApplicationForm> = HashMap::new();
    for form in forms {
        let Some(title) = form.title.as_deref() else { continue };
        match first_with_title.get(title) {
            Some(first) => report.push(
                form.source
                    .warning("title", format!("same title as case '{}'; is it the same application twice?", first.id)),
            ),
            None => {
                first_with_title.insert(title, form);
            }
        }
    }
}
