//! Case descriptions: Markdown to HTML, then sanitised, so that an editor's text can never run script in the hall.
//!
//! Headings start at `<h3>`, below the page's own headings (the case title is the page's only `<h1>`); images are dropped, because a description may
//! not load anything from another origin and the case's photos are shown by the page itself.

use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::cjk::is_cjk;

/// The sanitised HTML of `markdown`.
pub fn to_html(markdown: &str) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .map(|event| match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                Event::Start(Tag::Heading { level: nested(level), id, classes, attrs })
            }
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(nested(level))),
            other => other,
        })
        .collect();
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, join_cjk_lines(events).into_iter());
    sanitizer().clean(&html).to_string()
}

/// The description sits under the page's `<h2>案例介绍</h2>`: its headings start at `<h3>`.
fn nested(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Drops a soft line break between two CJK characters (see [`crate::model::cjk`]).
fn join_cjk_lines(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let text_of = |e: Option<&Event<'_>>| match e {
        Some(Event::Text(t)) => Some(t.to_string()),
        _ => None,
    };
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        if matches!(event, Event::SoftBreak)
            && text_of(out.last()).and_then(|t| t.chars().next_back()).is_some_and(is_cjk)
            && text_of(events.get(i + 1)).and_then(|t| t.chars().next()).is_some_and(is_cjk)
        {
            continue;
        }
        out.push(event.clone());
    }
    out
}

/// The words of `markdown` without markup, for the search index.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(end)
                if !matches!(end, TagEnd::Strong | TagEnd::Emphasis | TagEnd::Link | TagEnd::Strikethrough) =>
            {
                text.push(' ');
            }
            _ => {}
        }
    }
    text
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .rm_tags(["img"])
            .link_rel(Some("noopener noreferrer nofollow"))
            .url_schemes(["http", "https", "mailto"].into_iter().collect());
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_and_demotes_h1() {
        let html = to_html("# 标题\n\n| a | b |\n| - | - |\n| 1 | 2 |\n");
        assert!(html.starts_with("<h3>标题</h3>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn script_handlers_and_javascript_links_are_removed() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">p</p>\n\n[a](javascript:alert(1)) ![i](https://x/i.png)",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn a_wrapped_chinese_line_joins_without_a_space() {
        assert_eq!(to_html("第一行，\n第二行\nEnglish"), "<p>第一行，第二行\nEnglish</p>\n");
    }

    #[test]
    fn plain_text_keeps_the_words() {
        assert_eq!(
            to_plain_text("## 做法\n\n- **医保**电子凭证").split_whitespace().collect::<Vec<_>>(),
            ["做法", "医保电子凭证"]
        );
    }
}
