//! What templates receive: plain, serialisable views built from public data only.
//!
//! Nothing here can hold a private field: views are made from [`PublicCase`] and [`Site`], and the only HTML a view
//! carries (`body_html`) has been sanitised by [`crate::markdown`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::{zh_date, zh_month_day};
use crate::images::{DerivedPhoto, Format};
use crate::markdown;
use crate::model::case::PublicCase;
use crate::model::site::{Site, Term, VoteScope};

/// The whole site, given to every template as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Absolute URL with a trailing slash.
    pub base_url: String,
    /// Path prefix of every link: `/`, or `/hall/` when the site lives below the domain's root.
    pub root: String,
    /// Scheme and host of `base_url`, e.g. `https://hall.example.org`, to make absolute URLs from links.
    pub origin: String,
    /// When the hall opened to the public (the start of voting), RFC 3339: the feed's date. Derived from the
    /// content, not the clock, so the output stays the same from build to build.
    pub published: String,
    pub organisers: Vec<String>,
    pub assets: BTreeMap<String, String>,
    pub election: ElectionView,
    pub rules: RulesView,
    pub categories: Vec<TermView>,
    pub domains: Vec<TermView>,
    pub case_count: usize,
    /// The results overview, once the vote is counted.
    pub results_url: Option<String>,
    /// True once the panels have marked and the typical cases are known.
    pub results_final: bool,
    /// The closing hashes published during the vote (`votes/closing-hashes.yaml`), when there are any.
    pub published_hashes: Option<PublishedHashesView>,
}

/// Given to templates as `site.published_hashes`.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedHashesView {
    pub url: String,
    /// In the order of days.
    pub days: Vec<PublishedDayView>,
    /// True when some day names its databases (shards).
    pub several_sources: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublishedDayView {
    /// `8月22日`
    pub day: String,
    /// `2020-08-22`
    pub date: String,
    /// (database, hash); the database is empty for a single vote service.
    pub hashes: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ElectionView {
    pub id: String,
    pub opens: String,
    pub closes: String,
    pub time_zone: String,
    /// 北京时间 for Asia/Shanghai, else the zone's name.
    pub time_zone_text: String,
    pub opens_text: String,
    pub closes_text: String,
    pub vote_endpoint: String,
    /// The rule in words, e.g. 每个IP每天限投1票.
    pub limit_text: String,
    /// What one vote a day counts over: `election`, `category` or `case`.
    pub scope: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesView {
    pub launched_by_text: String,
    pub submissions_open_text: String,
    pub submissions_close_text: String,
    pub max_cases_per_applicant_per_domain: usize,
    pub photos_per_case: usize,
    pub weights_text: String,
}

/// A category or domain with its page and how many cases it holds.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub url: String,
    pub count: usize,
}

/// One photo as `<picture>`: WebP and JPEG srcsets, the smallest JPEG as fallback, the largest for the larger view.
#[derive(Debug, Clone, Serialize)]
pub struct PictureView {
    pub alt: String,
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub jpeg_srcset: String,
    pub webp_srcset: String,
    pub large_src: String,
    pub large_width: u32,
    pub large_height: u32,
}

/// A case in a list: enough for a card.
#[derive(Debug, Clone, Serialize)]
pub struct CaseCard {
    pub id: String,
    pub url: String,
    pub title: String,
    pub applicant: String,
    pub summary: String,
    pub category: TermView,
    pub domain: TermView,
    pub thumb: Option<PictureView>,
}

/// A case on its own page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub card: CaseCard,
    pub group: Option<String>,
    pub contractor: Option<String>,
    pub recommender: String,
    pub launched: String,
    pub launched_text: String,
    pub tags: Vec<String>,
    /// The tags as links to a search for each.
    pub tag_links: Vec<super::tags::TagLink>,
    /// Sanitised HTML of the description.
    pub body_html: String,
    pub photos: Vec<PictureView>,
    /// Captions, shown when photos are not derived (`--no-photos`).
    pub captions: Vec<String>,
}

/// Builds views from the validated site and cases.
pub struct ViewBuilder<'a> {
    site: &'a Site,
    pub root: String,
}

impl<'a> ViewBuilder<'a> {
    pub fn new(site: &'a Site) -> Self {
        ViewBuilder { site, root: root_path(&site.base_url) }
    }

    pub fn site(&self, cases: &[PublicCase], assets: BTreeMap<String, String>) -> SiteView {
        let site = self.site;
        let count = |pick: &dyn Fn(&PublicCase) -> &str, id: &str| cases.iter().filter(|c| pick(c) == id).count();
        let categories = site
            .taxonomy
            .categories
            .iter()
            .map(|t| self.term(t, "categories", count(&|c| &c.category, &t.id)))
            .collect();
        let domains =
            site.taxonomy.domains.iter().map(|t| self.term(t, "domains", count(&|c| &c.domain, &t.id))).collect();
        let e = &site.election;
        let limit_text = match e.scope {
            VoteScope::Election => "每个IP每天限投1票",
            VoteScope::Category => "每个IP每天在每个类别限投1票",
            VoteScope::Case => "每个IP每天为每个案例限投1票",
        };
        let w = site.scoring.weights;
        SiteView {
            title: site.title.clone(),
            description: site.description.clone(),
            language: site.language.clone(),
            base_url: with_trailing_slash(&site.base_url),
            root: self.root.clone(),
            origin: origin(&site.base_url),
            published: start_of_day(e.opens, &e.time_zone),
            organisers: site.organisers.clone(),
            assets: assets.into_iter().map(|(name, path)| (name, format!("{}{path}", self.root))).collect(),
            election: ElectionView {
                id: e.id.clone(),
                opens: e.opens.to_string(),
                closes: e.closes.to_string(),
                time_zone: e.time_zone.clone(),
                time_zone_text: if e.time_zone == "Asia/Shanghai" {
                    "北京时间".to_owned()
                } else {
                    e.time_zone.clone()
                },
                opens_text: zh_month_day(e.opens),
                closes_text: zh_month_day(e.closes),
                vote_endpoint: e.vote_endpoint.clone(),
                limit_text: limit_text.to_owned(),
                scope: serde_json::to_value(e.scope)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            },
            rules: RulesView {
                launched_by_text: zh_date(site.rules.launched_by),
                submissions_open_text: zh_month_day(site.rules.submissions_open),
                submissions_close_text: zh_month_day(site.rules.submissions_close),
                max_cases_per_applicant_per_domain: site.rules.max_cases_per_applicant_per_domain,
                photos_per_case: site.rules.photos_per_case,
                weights_text: format!(
                    "网上投票{}%、媒体评测{}%、专家评审{}%",
                    percent(w.votes),
                    percent(w.media),
                    percent(w.expert)
                ),
            },
            categories,
            domains,
            case_count: cases.len(),
            results_url: None,
            results_final: false,
            published_hashes: None,
        }
    }

    fn term(&self, term: &Term, kind: &str, count: usize) -> TermView {
        TermView {
            id: term.id.clone(),
            name: term.name.clone(),
            description: term.description.clone(),
            url: format!("{}{kind}/{}/", self.root, term.id),
            count,
        }
    }

    pub fn case_url(&self, case: &PublicCase) -> String {
        format!("{}cases/{}/", self.root, case.id)
    }

    /// The card of `case`; `photos` are its derived photos, if any.
    pub fn card(&self, case: &PublicCase, photos: &[PictureView]) -> CaseCard {
        let lookup = |terms: &[Term], id: &str, kind: &str| {
            terms.iter().find(|t| t.id == id).map(|t| self.term(t, kind, 0)).unwrap_or_else(|| TermView {
                id: id.to_owned(),
                name: id.to_owned(),
                description: String::new(),
                url: String::new(),
                count: 0,
            })
        };
        CaseCard {
            id: case.id.to_string(),
            url: self.case_url(case),
            title: case.title.clone(),
            applicant: case.applicant.clone(),
            summary: case.summary.clone(),
            category: lookup(&self.site.taxonomy.categories, &case.category, "categories"),
            domain: lookup(&self.site.taxonomy.domains, &case.domain, "domains"),
            thumb: photos.first().cloned(),
        }
    }

    pub fn case(&self, case: &PublicCase, photos: Vec<PictureView>) -> CaseView {
        CaseView {
            card: self.card(case, &photos),
            group: case.group.clone(),
            contractor: case.contractor.clone(),
            recommender: case.recommender.clone(),
            launched: case.launched.to_string(),
            launched_text: zh_date(case.launched),
            tags: case.tags.clone(),
            tag_links: super::tags::links(&self.root, &case.tags),
            body_html: markdown::to_html(&case.body_markdown),
            captions: case.photos.iter().map(|p| caption(case, p.caption.as_deref())).collect(),
            photos,
        }
    }

    /// The `<picture>` view of photo `index` of `case`, from its derived renditions.
    pub fn picture(&self, case: &PublicCase, index: usize, derived: &DerivedPhoto) -> PictureView {
        let url = |r: &crate::images::Rendition| self.photo_url(case, index, derived, r);
        let srcset = |format: Format| {
            derived
                .renditions
                .iter()
                .filter(|r| r.format == format)
                .map(|r| format!("{} {}w", url(r), r.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let jpegs: Vec<_> = derived.renditions.iter().filter(|r| r.format == Format::Jpeg).collect();
        let (small, large) = (jpegs.first().copied(), jpegs.last().copied());
        let (small, large) = (small.expect("a photo has a JPEG"), large.expect("a photo has a JPEG"));
        PictureView {
            alt: caption(case, case.photos.get(index).and_then(|p| p.caption.as_deref())),
            src: url(small),
            width: small.width,
            height: small.height,
            jpeg_srcset: srcset(Format::Jpeg),
            webp_srcset: srcset(Format::Webp),
            large_src: url(large),
            large_width: large.width,
            large_height: large.height,
        }
    }

    /// Published path (without the root) of one rendition: named by case, photo number, width and content hash.
    pub fn photo_path(case: &PublicCase, index: usize, derived: &DerivedPhoto, r: &crate::images::Rendition) -> String {
        format!("cases/{}/photo-{}-{}.{}.{}", case.id, index + 1, r.width, &derived.key[..10], r.format.extension())
    }

    fn photo_url(
        &self,
        case: &PublicCase,
        index: usize,
        derived: &DerivedPhoto,
        r: &crate::images::Rendition,
    ) -> String {
        format!("{}{}", self.root, Self::photo_path(case, index, derived, r))
    }
}

/// A photo's alt text: its caption, or the case title and photo number when the caption is missing.
fn caption(case: &PublicCase, caption: Option<&str>) -> String {
    match caption {
        Some(c) => c.to_owned(),
        None => format!("{}的案例图片", case.title),
    }
}

pub(crate) fn percent(weight: f64) -> String {
    let p = weight * 100.0;
    if (p - p.round()).abs() < 1e-9 { format!("{}", p.round() as i64) } else { format!("{p:.1}") }
}

/// `scheme://host[:port]` of `base_url`.
fn origin(base_url: &str) -> String {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

/// Midnight of `date` in `time_zone` as RFC 3339, e.g. `2020-08-22T00:00:00+08:00`.
pub(crate) fn start_of_day(date: jiff::civil::Date, time_zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match date.to_zoned_datetime(tz) {
        Ok(zoned) => zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => format!("{date}T00:00:00Z"),
    }
}

/// The path part of `base_url`, always starting and ending with `/`.
pub fn root_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    with_trailing_slash(path)
}

fn with_trailing_slash(s: &str) -> String {
    if s.ends_with('/') { s.to_owned() } else { format!("{s}/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_the_path_of_the_base_url() {
        assert_eq!(root_path("https://hall.example.org/"), "/");
        assert_eq!(root_path("https://hall.example.org"), "/");
        assert_eq!(root_path("https://example.org/hall"), "/hall/");
    }

    #[test]
    fn feed_dates_are_local_midnight() {
        let date = jiff::civil::date(2020, 8, 22);
        assert_eq!(start_of_day(date, "Asia/Shanghai"), "2020-08-22T00:00:00+08:00");
        assert_eq!(origin("https://hall.example.org/x/"), "https://hall.example.org");
    }

    #[test]
    fn weights_print_as_percent() {
        assert_eq!(percent(0.55), "55");
        assert_eq!(percent(0.155), "15.5");
    }
}
