//! The search index, built with pagefind's library at build time: static files under `pagefind/` that the search
//! page queries in the browser, with no server. The `extended` build segments Chinese, so a word or phrase of a
//! title, applicant or summary (海尔, 医保) finds its case.

use std::collections::BTreeMap;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::markdown;
use crate::model::case::PublicCase;
use crate::render::views::CaseView;

/// Where the index is published, below the site root.
pub const BUNDLE_DIR: &str = "pagefind";

/// Why the index could not be built.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

/// The index files for `cases` (paired with their views), as paths below the site root and bytes.
pub fn build_index(cases: &[(&PublicCase, &CaseView)]) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| SearchError(e.to_string()))?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder().force_language("zh".to_owned()).build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| SearchError(e.to_string()))?;
        for (case, view) in cases {
            let mut meta = BTreeMap::from([
                ("title".to_owned(), case.title.clone()),
                ("applicant".to_owned(), case.applicant.clone()),
                ("category".to_owned(), view.card.category.name.clone()),
            ]);
            if let Some(thumb) = &view.card.thumb {
                meta.insert("image".to_owned(), thumb.src.clone());
                meta.insert("image_alt".to_owned(), thumb.alt.clone());
            }
            let filters = BTreeMap::from([
                ("类别".to_owned(), vec![view.card.category.name.clone()]),
                ("领域".to_owned(), vec![view.card.domain.name.clone()]),
            ]);
            index
                .add_custom_record(
                    view.card.url.clone(),
                    searchable_text(case),
                    "zh".to_owned(),
                    Some(meta),
                    Some(filters),
                    None,
                )
                .await
                .map_err(|e| SearchError(format!("case {}: {e}", case.id)))?;
        }
        let files = index.get_files().await.map_err(|e| SearchError(e.to_string()))?;
        Ok(files
            .into_iter()
            .filter(|f| is_needed(&f.filename))
            .map(|f| (format!("{BUNDLE_DIR}/{}", f.filename.to_string_lossy().replace('\\', "/")), f.contents))
            .collect())
    })
}

/// Whether a bundle file is used by the hall's own search page; pagefind's ready-made UIs are not.
fn is_needed(file: &std::path::Path) -> bool {
    let name = file.to_string_lossy();
    !(name.contains("-ui.") || name.starts_with("pagefind-highlight"))
}

/// The words a case is found by: its public fields and its description.
fn searchable_text(case: &PublicCase) -> String {
    let mut parts =
        vec![case.title.as_str(), case.applicant.as_str(), case.recommender.as_str(), case.summary.as_str()];
    parts.extend(case.group.as_deref());
    parts.extend(case.contractor.as_deref());
    parts.extend(case.tags.iter().map(String::as_str));
    let body = markdown::to_plain_text(&case.body_markdown);
    parts.push(&body);
    parts.join("\n")
}
