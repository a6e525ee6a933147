//! The notice's rules, each in its own module, checked by `generator check` and before every `build`.
//!
//! Every rule reads the parameters it needs from `site.yaml` and reports every violation it finds; none stops at the
//! first. Field-level well-formedness (types, dates, the credit code's check digit) is checked earlier, when the
//! [`crate::model::form`] is parsed.

pub mod applicant_quota;
pub mod operation_cutoff;
pub mod photos;
pub mod site_settings;
pub mod submission_window;
pub mod taxonomy;
pub mod text_lengths;
pub mod unique_titles;

use crate::content::Content;
use crate::diagnostics::Report;

/// Runs every rule over `content`. Without a valid `site.yaml` there are no parameters, so only parsing was checked.
pub fn check(content: &Content, photos: photos::Inspection, report: &mut Report) {
    check_all_but_photos(content, report);
    if let Some(site_file) = &content.site {
        photos::check(&content.forms, &site_file.site.rules, photos, report);
    }
}

/// Every rule but the photos', which opens files: a preview's rebuild checks the photos of the changed cases only.
pub fn check_all_but_photos(content: &Content, report: &mut Report) {
    let Some(site_file) = &content.site else { return };
    let site = &site_file.site;
    let forms = &content.forms;
    site_settings::check(site_file, forms, report);
    operation_cutoff::check(forms, &site.rules, report);
    submission_window::check(forms, &site.rules, report);
    applicant_quota::check(forms, &site.rules, &site.taxonomy, report);
    taxonomy::check(forms, &site.taxonomy, report);
    text_lengths::check(forms, &site.rules, report);
    unique_titles::check(forms, report);
}
