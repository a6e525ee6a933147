//! The announcements (公告) as templates see them: the list `news/` (paginated like the listings), a page per
//! announcement `news/<date>-<slug>/`, the latest on the home page, and the banner of a rule change on every page.
//!
//! The build has no clock, so a rule change's banner is rendered on every page with its last day (`data-until`);
//! `dates.js` (render-blocking, so nothing moves) hides it once the visitor's date, in the election's time zone, is
//! past that day. Without JavaScript it stays, and says until when it applies.

use serde::Serialize;

use super::views::start_of_day;
use super::zh_date;
use crate::content::news::Announcement;
use crate::markdown;

/// How many announcements the home page shows.
pub const ON_HOME_PAGE: usize = 3;

/// Characters of the body shown in the list and the feed.
const SUMMARY_CHARS: usize = 120;

/// One announcement for templates.
#[derive(Debug, Clone, Serialize)]
pub struct NewsView {
    pub id: String,
    /// Site-relative URL, e.g. `/news/2020-08-24-vote-rules/`.
    pub url: String,
    pub title: String,
    /// `2020-08-24`
    pub date: String,
    /// `2020年8月24日`
    pub date_text: String,
    /// Midnight of the date in the election's time zone, RFC 3339: the feed's `updated`.
    pub updated: String,
    pub pinned: bool,
    /// For a rule change: its banner's last day, `2020-08-31`, and in words.
    pub until: Option<String>,
    pub until_text: Option<String>,
    /// The first words of the body, plain text.
    pub summary: String,
    /// Sanitised HTML of the body.
    pub body_html: String,
}

/// The banner of a rule change, shown on every page until its day.
#[derive(Debug, Clone, Serialize)]
pub struct Banner {
    pub url: String,
    pub title: String,
    pub until: String,
    pub until_text: String,
}

/// The views of `news` (newest first, as read), with links below `root`.
pub fn views(news: &[Announcement], root: &str, time_zone: &str) -> Vec<NewsView> {
    news.iter()
        .map(|a| NewsView {
            id: a.id.clone(),
            url: format!("{root}news/{}/", a.id),
            title: a.title.clone(),
            date: a.date.to_string(),
            date_text: zh_date(a.date),
            updated: start_of_day(a.date, time_zone),
            pinned: a.pinned,
            until: a.banner_until.map(|d| d.to_string()),
            until_text: a.banner_until.map(zh_date),
            summary: summary(&a.body),
            body_html: markdown::to_html(&a.body),
        })
        .collect()
}

/// The banners of the rule changes, newest first.
pub fn banners(news: &[NewsView]) -> Vec<Banner> {
    news.iter()
        .filter_map(|n| {
            Some(Banner {
                url: n.url.clone(),
                title: n.title.clone(),
                until: n.until.clone()?,
                until_text: n.until_text.clone()?,
            })
        })
        .collect()
}

/// The announcements the home page shows: the pinned first, then the newest.
pub fn latest(news: &[NewsView]) -> Vec<NewsView> {
    let pinned = news.iter().filter(|n| n.pinned);
    let others = news.iter().filter(|n| !n.pinned);
    pinned.chain(others).take(ON_HOME_PAGE).cloned().collect()
}

fn summary(body: &str) -> String {
    let text = markdown::to_plain_text(body);
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    format!("{cut}……")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn announcement(id: &str, day: i8, pinned: bool, until: Option<i8>) -> Announcement {
        Announcement {
            id: id.to_owned(),
            path: format!("news/{id}.md").into(),
            title: id.to_owned(),
            title_line: Some(2),
            date: date(2020, 8, day),
            banner_until: until.map(|d| date(2020, 8, d)),
            pinned,
            body: "**规则**说明。\n".to_owned(),
        }
    }

    #[test]
    fn the_home_page_shows_the_pinned_first_then_the_newest() {
        let news = [
            announcement("d", 30, false, None),
            announcement("c", 28, false, None),
            announcement("b", 24, true, Some(31)),
            announcement("a", 20, false, None),
        ];
        let views = views(&news, "/", "Asia/Shanghai");
        let ids: Vec<String> = latest(&views).into_iter().map(|n| n.id).collect();
        assert_eq!(ids, ["b", "d", "c"]);
        let banners = banners(&views);
        assert_eq!((banners.len(), banners[0].until.as_str()), (1, "2020-08-31"));
        assert_eq!(views[0].updated, "2020-08-30T00:00:00+08:00");
        assert_eq!(views[0].summary, "规则说明。");
        assert_eq!(views[0].body_html, "<p><strong>规则</strong>说明。</p>\n");
    }
}
