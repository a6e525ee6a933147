//! What the book shows, as plain data for the template (`data.json`): the cover's lines, the preface and each
//! category's typical cases with their public fields, description and photos. Markdown (the preface, the case
//! descriptions) becomes a list of blocks of plain text: headings, paragraphs and list items.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::model::case::PublicCase;
use crate::model::form::ApplicationForm;
use crate::model::site::Site;
use crate::render::zh_date;
use crate::results::Results;

/// The template's data.
#[derive(Debug, Serialize)]
pub struct BookData {
    pub title: String,
    pub subtitle: String,
    pub organisers: Vec<String>,
    pub date: String,
    pub font: String,
    pub preface: Vec<Block>,
    pub sections: Vec<Section>,
}

/// One category's typical cases.
#[derive(Debug, Serialize)]
pub struct Section {
    pub name: String,
    pub cases: Vec<BookCase>,
}

#[derive(Debug, Serialize)]
pub struct BookCase {
    pub id: String,
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub summary: String,
    /// Virtual paths of the photos, the main one first, with their captions.
    pub photos: Vec<(String, String)>,
    pub body: Vec<Block>,
}

/// A block of text from Markdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// `heading`, `paragraph` or `item`.
    pub kind: &'static str,
    pub text: String,
}

/// The data, the photos it names (virtual path to file) and how many cases it holds.
pub struct Collected {
    pub data: BookData,
    pub photos: BTreeMap<String, PathBuf>,
    pub cases: usize,
}

/// The typical cases of `results`, by category in the taxonomy's order and by rank within one.
pub fn collect(site: &Site, forms: &[ApplicationForm], results: &Results, preface: &str, font: &str) -> Collected {
    let cases: Vec<PublicCase> = forms.iter().filter_map(|f| f.clone().into_public()).collect();
    let mut photos = BTreeMap::new();
    let mut count = 0;
    let mut sections = Vec::new();
    for term in &site.taxonomy.categories {
        let mut winners: Vec<_> = results.standings.iter().filter(|s| s.winner && s.category == term.id).collect();
        winners.sort_by_key(|s| s.rank);
        let section_cases: Vec<BookCase> = winners
            .iter()
            .filter_map(|s| cases.iter().find(|c| c.id.as_str() == s.id))
            .map(|case| book_case(site, case, &mut photos))
            .collect();
        count += section_cases.len();
        if !section_cases.is_empty() {
            sections.push(Section { name: term.name.clone(), cases: section_cases });
        }
    }
    let data = BookData {
        title: "典型案例集".to_owned(),
        subtitle: site.title.clone(),
        organisers: site.organisers.clone(),
        date: site.certificates.date.map(zh_date).unwrap_or_default(),
        font: font.to_owned(),
        preface: blocks(preface),
        sections,
    };
    Collected { data, photos, cases: count }
}

fn book_case(site: &Site, case: &PublicCase, photos: &mut BTreeMap<String, PathBuf>) -> BookCase {
    let name = |terms: &[crate::model::site::Term], id: &str| {
        terms.iter().find(|t| t.id == id).map_or_else(|| id.to_owned(), |t| t.name.clone())
    };
    let mut facts = vec![("申报主体".to_owned(), case.applicant.clone())];
    if let Some(contractor) = &case.contractor {
        facts.push(("承建单位".to_owned(), contractor.clone()));
    }
    facts.push(("推荐单位".to_owned(), case.recommender.clone()));
    facts.push(("领域".to_owned(), name(&site.taxonomy.domains, &case.domain)));
    facts.push(("投入运营".to_owned(), zh_date(case.launched)));
    let case_photos = case
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let extension = p.file.rsplit_once('.').map_or("jpg", |(_, e)| e).to_ascii_lowercase();
            let virtual_path = format!("photos/{}/{}.{extension}", case.id, i + 1);
            photos.insert(virtual_path.clone(), case.folder.join(&p.file));
            (virtual_path, p.caption.clone().unwrap_or_else(|| format!("{}的案例图片", case.title)))
        })
        .collect();
    BookCase {
        id: case.id.to_string(),
        title: case.title.clone(),
        facts,
        summary: case.summary.clone(),
        photos: case_photos,
        body: blocks(&case.body_markdown),
    }
}

/// Markdown as blocks of plain text; list items of ordered lists keep their numbers.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut kind = "paragraph";
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => kind = "heading",
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                kind = "item";
                if let Some(Some(n)) = lists.last_mut() {
                    text.push_str(&format!("{n}. "));
                    *n += 1;
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => {
                let trimmed = text.trim();
                if !trimmed.is_empty() {
                    out.push(Block { kind, text: trimmed.to_owned() });
                }
                text.clear();
                kind = if lists.is_empty() { "paragraph" } else { "item" };
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => {}
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_headings_paragraphs_and_numbered_items() {
        let b = |kind, text: &str| Block { kind, text: text.to_owned() };
        assert_eq!(
            blocks("## 建设背景\n\n过去**需要**排队。\n\n1. 汇聚数据；\n2. 自适应配时。\n\n- 一项\n"),
            [
                b("heading", "建设背景"),
                b("paragraph", "过去需要排队。"),
                b("item", "1. 汇聚数据；"),
                b("item", "2. 自适应配时。"),
                b("item", "一项"),
            ]
        );
    }
}
