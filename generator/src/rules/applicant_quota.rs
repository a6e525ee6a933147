//! 同一申报主体，每个领域限申报2个案例；集团和其分公司按一个申报主体计算.
//!
//! Cases are grouped by the applicant, or by its `group` when it names one, so that a group and its branches share
//! one quota. Names are compared after folding full-width characters and spaces, as editors type both.

use std::collections::BTreeMap;

use crate::diagnostics::Report;
use crate::model::form::ApplicationForm;
use crate::model::site::{Rules, Taxonomy};
use crate::text::cjk::half_width;

pub fn check(forms: &[ApplicationForm], rules: &Rules, taxonomy: &Taxonomy, report: &mut Report) {
    let mut by_holder_and_domain: BTreeMap<(String, &str), Vec<&ApplicationForm>> = BTreeMap::new();
    for form in forms {
        if let (Some(holder), Some(domain)) = (form.quota_holder(), form.domain.as_deref()) {
            by_holder_and_domain.entry((fold_name(holder), domain)).or_default().push(form);
        }
    }
    for ((_, domain), group) in by_holder_and_domain {
        if group.len() <= rules.max_cases_per_applicant_per_domain {
            continue;
        }
        let ids: Vec<&str> = group.iter().map(|f| f.id.as_str()).collect();
        let domain_name = taxonomy.domain(domain).map_or(domain, |t| t.name.as_str());
        for form in &group {
            let field = if form.group.is_some() { "group" } else { "applicant" };
            let holder = form.quota_holder().unwrap_or_default();
            report.push(form.source.error(
                field,
                format!(
                    "'{holder}' has {} cases in domain {domain_name} ({}), but an applicant may have at most {} per \
                     domain, a group and its branches counted as one",
                    group.len(),
                    ids.join(", "),
                    rules.max_cases_per_applicant_per_domain,
                ),
            ));
        }
    }
}

/// An organisation name folded for comparison: full-width ASCII to half-width, no spaces, ASCII lowercase.
pub fn fold_name(name: &str) -> String {
    name.chars().map(half_width).filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::fold_name;

    #[test]
    fn full_width_and_spaces_do_not_make_another_applicant() {
        assert_eq!(fold_name("青岛海尔（集团）"), fold_name("青岛海尔(集团) "));
        assert_eq!(fold_name("ＡＢＣ 公司"), fold_name("abc公司"));
        assert_ne!(fold_name("海尔集团"), fold_name("海信集团"));
    }
}
