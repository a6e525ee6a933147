//! The closing hashes published during the vote (计票存证, `hashes/`): what the page, the home page and the
//! integrity statement show of `votes/closing-hashes.yaml`. Each day's hash pins the count up to that day; once the
//! tally is exported, the integrity statement shows the tally's hashes and marks those published the same day.
//!
//! | page | path | when |
//! | --- | --- | --- |
//! | the published closing hashes | `hashes/index.html` | once `votes/closing-hashes.yaml` is committed |

use tera::Context;

use super::integrity::IntegrityView;
use super::page::{Page, page};
use super::views::{PublishedDayView, PublishedHashesView, SiteView};
use super::zh_month_day;
use crate::content::closing_hashes::PublishedHashes;

/// The view of the published hashes; `None` when none were published.
pub fn view(root: &str, published: Option<&PublishedHashes>) -> Option<PublishedHashesView> {
    let published = published.filter(|p| !p.hashes.is_empty())?;
    let mut days: Vec<PublishedDayView> = Vec::new();
    for hash in &published.hashes {
        let day = zh_month_day(hash.day);
        if days.last().is_none_or(|d| d.day != day) {
            days.push(PublishedDayView { day, date: hash.day.to_string(), hashes: Vec::new() });
        }
        if let Some(last) = days.last_mut() {
            last.hashes.push((hash.source.clone().unwrap_or_default(), hash.hash.clone()));
        }
    }
    Some(PublishedHashesView {
        url: format!("{root}hashes/"),
        several_sources: published.hashes.iter().any(|h| h.source.is_some()),
        days,
    })
}

/// The page `hashes/`, when hashes were published.
pub fn pages(site: &SiteView) -> Vec<Page> {
    match &site.published_hashes {
        Some(_) => vec![page(site, "hashes/", "hashes.html", "计票存证", Context::new())],
        None => Vec::new(),
    }
}

/// Marks the tally's hashes in the integrity statement that were published during the vote. The build has already
/// refused a published hash that the tally does not hold, so a day and database found there is the same hash.
pub fn mark_published(integrity: &mut IntegrityView, published: Option<&PublishedHashes>) {
    let Some(published) = published else { return };
    let single = !integrity.several_sources;
    for day in &mut integrity.days {
        for hash in &mut day.hashes {
            hash.published = published.hashes.iter().any(|p| {
                p.day.to_string() == day.date
                    && p.hash.eq_ignore_ascii_case(&hash.hash)
                    && p.source.as_ref().is_none_or(|s| *s == hash.source || single)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::content::closing_hashes::PublishedHash;

    fn published(hashes: &[(&str, Option<&str>, &str)]) -> PublishedHashes {
        let hashes = hashes
            .iter()
            .map(|(day, source, hash)| PublishedHash {
                day: day.parse().expect("day"),
                source: source.map(str::to_owned),
                hash: (*hash).to_owned(),
                line: None,
            })
            .collect();
        PublishedHashes { path: PathBuf::from("closing-hashes.yaml"), hashes }
    }

    #[test]
    fn days_group_their_databases() {
        let p =
            published(&[("2020-08-22", None, "aa"), ("2020-08-23", Some("a"), "bb"), ("2020-08-23", Some("b"), "cc")]);
        let view = view("/", Some(&p)).expect("view");
        assert_eq!(view.url, "/hashes/");
        assert!(view.several_sources);
        let days: Vec<(&str, usize)> = view.days.iter().map(|d| (d.day.as_str(), d.hashes.len())).collect();
        assert_eq!(days, [("8月22日", 1), ("8月23日", 2)]);
        assert!(super::view("/", Some(&published(&[]))).is_none(), "an empty file publishes nothing");
    }
}
