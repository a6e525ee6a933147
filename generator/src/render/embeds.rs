//! What partner platforms (承办单位互联网平台) put on their own pages: a small page per case to frame (its card and
//! vote button) and the page that tells partners how.
//!
//! | page | path |
//! | --- | --- |
//! | one case's card and vote button, for an iframe (under 10 KB with its CSS and JS) | `embed/<id>/index.html` |
//! | for partners: the allowed partner sites and the snippet of every case | `partners/index.html` |
//!
//! The embed page is the hall's own page: its vote goes to the hall's vote endpoint from the hall's origin, so the
//! vote service's origin check (no votes from foreign pages) holds as for the case page itself; the partner only
//! frames it, which nginx allows to the partner origins of `site.yaml` alone (`frame-ancestors`).

use serde::Serialize;
use tera::Context;

use super::page::{Page, page};
use super::results::Outcome;
use super::views::{CaseView, SiteView};
use crate::model::site::Partner;

/// Width and height in CSS pixels of the iframe the snippet proposes: room for the card's photo and the button.
const FRAME_WIDTH: u32 = 360;
const FRAME_HEIGHT: u32 = 480;

/// A partner site as the partners page lists it.
#[derive(Debug, Serialize)]
struct PartnerView<'a> {
    name: &'a str,
    origin: &'a str,
}

/// A case's snippet for partners.
#[derive(Debug, Serialize)]
struct SnippetView<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    embed_url: String,
    snippet: String,
}

/// Where the embed page of case `id` is written.
pub fn path_of(id: &str) -> String {
    format!("embed/{id}/index.html")
}

/// The embed page of `case`; `outcome` once the vote is counted.
pub fn page_of(site: &SiteView, case: &CaseView, outcome: Option<&Outcome>) -> Page {
    let mut context = Context::new();
    context.insert("case", &case.card);
    context.insert("outcome", &outcome);
    page(site, &format!("embed/{}/", case.card.id), "embed.html", &case.card.title, context)
}

/// The partners page: the allowed partner sites and the snippet of every case.
pub fn partners_page(site: &SiteView, partners: &[Partner], cases: &[CaseView]) -> Page {
    let snippets: Vec<SnippetView> = cases
        .iter()
        .map(|c| {
            let embed_url = format!("{}embed/{}/", site.base_url, c.card.id);
            SnippetView {
                id: &c.card.id,
                title: &c.card.title,
                category: &c.card.category.name,
                snippet: snippet(&embed_url, &c.card.title),
                embed_url,
            }
        })
        .collect();
    let partners: Vec<PartnerView> =
        partners.iter().map(|p| PartnerView { name: &p.name, origin: &p.origin }).collect();
    let mut context = Context::new();
    context.insert("partners", &partners);
    context.insert("snippets", &snippets);
    context.insert("frame_width", &FRAME_WIDTH);
    context.insert("frame_height", &FRAME_HEIGHT);
    page(site, "partners/", "partners.html", "合作平台嵌入", context)
}

/// The HTML a partner pastes into its page to show the case `title` from `embed_url`. The title is escaped here;
/// the template escapes the whole snippet again to show it as text.
fn snippet(embed_url: &str, title: &str) -> String {
    let title = title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<iframe src=\"{embed_url}\" title=\"{title}（投票）\" width=\"{FRAME_WIDTH}\" height=\"{FRAME_HEIGHT}\" \
         loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_frames_the_embed_page_and_escapes_the_title() {
        assert_eq!(
            snippet("https://hall.example.org/embed/a/", "“一码通”<b>"),
            "<iframe src=\"https://hall.example.org/embed/a/\" title=\"“一码通”&lt;b&gt;（投票）\" width=\"360\" \
             height=\"480\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>"
        );
    }
}
