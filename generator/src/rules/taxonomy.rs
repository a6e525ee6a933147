//! 案例评选将分类别、分领域进行: every case names a category and a domain of the taxonomy in `site.yaml`.

use crate::diagnostics::Report;
use crate::model::form::ApplicationForm;
use crate::model::site::{Taxonomy, Term};
use crate::text::did_you_mean;

pub fn check(forms: &[ApplicationForm], taxonomy: &Taxonomy, report: &mut Report) {
    for form in forms {
        for (field, value, terms) in
            [("category", &form.category, &taxonomy.categories), ("domain", &form.domain, &taxonomy.domains)]
        {
            if let Some(value) = value
                && !terms.iter().any(|t| &t.id == value)
            {
                report.push(form.source.error(field, unknown_term_message(field, value, terms)));
            }
        }
    }
}

fn unknown_term_message(field: &str, value: &str, terms: &[Term]) -> String {
    if let Some(term) = terms.iter().find(|t| t.name == value) {
        return format!("write the {field}'s id `{}`, not its name '{value}'", term.id);
    }
    let ids: Vec<&str> = terms.iter().map(|t| t.id.as_str()).collect();
    match did_you_mean(value, &ids) {
        Some(best) => format!("unknown {field} '{value}'; did you mean `{best}`?"),
        None => {
            let list: Vec<String> = terms.iter().map(|t| format!("{} ({})", t.id, t.name)).collect();
            format!("unknown {field} '{value}'; site.yaml lists {}", list.join(", "))
        }
    }
}
