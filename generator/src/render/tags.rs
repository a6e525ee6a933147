//! Tags (关键词) as links: a case's tags lead to a search for them, and the empty search page suggests the most
//! used ones.

use std::collections::BTreeMap;

use serde::Serialize;

/// A tag and the search that finds its cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagLink {
    pub name: String,
    /// `<root>search/?q=<tag, percent-encoded>`.
    pub url: String,
    /// How many cases carry it (0 on a case page, where it is not shown).
    pub count: usize,
}

/// The search page's link for `tag`.
pub fn search_url(root: &str, tag: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new()).append_pair("q", tag).finish();
    format!("{root}search/?{query}")
}

/// `tags` as links to a search for each.
pub fn links(root: &str, tags: &[String]) -> Vec<TagLink> {
    tags.iter().map(|t| TagLink { name: t.clone(), url: search_url(root, t), count: 0 }).collect()
}

/// The `limit` tags carried by the most cases (`tags_of_cases` gives each case's tags), most used first, ties in
/// the order of the tag's name: the same list from build to build.
pub fn popular<'a>(root: &str, tags_of_cases: impl Iterator<Item = &'a [String]>, limit: usize) -> Vec<TagLink> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for tags in tags_of_cases {
        let mut seen: Vec<&str> = tags.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for tag in seen {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(limit)
        .map(|(name, count)| TagLink { name: name.to_owned(), url: search_url(root, name), count })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_tag_links_to_a_search_for_it() {
        assert_eq!(search_url("/", "医保"), "/search/?q=%E5%8C%BB%E4%BF%9D");
        assert_eq!(search_url("/hall/", "5G a&b"), "/hall/search/?q=5G+a%26b");
    }

    #[test]
    fn popular_tags_are_the_most_used_then_by_name() {
        let cases = [tags(&["海尔", "5G"]), tags(&["5G", "海尔", "5G"]), tags(&["医保"]), tags(&["5G"])];
        let found = popular("/", cases.iter().map(Vec::as_slice), 2);
        let names: Vec<(&str, usize)> = found.iter().map(|t| (t.name.as_str(), t.count)).collect();
        assert_eq!(names, [("5G", 3), ("海尔", 2)]);
    }
}
